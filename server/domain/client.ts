/** A WispHub Net client in English domain terms. Secrets never reach this type. */

export const CLIENT_STATUSES = ['active', 'suspended', 'cancelled', 'free', 'unknown'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export interface NamedRef {
  id: number;
  name: string;
}

/** A known outage (falla general) of the sector serving a client: a bot says it first. */
export interface Outage {
  active: boolean;
  /** The ISP's own words, when it wrote any. */
  description: string | null;
}

export interface ClientRouter extends NamedRef {
  /** The ISP marked a known outage on the router (sector) that serves this client. */
  outage: boolean;
  outageDescription: string | null;
}

export interface Client {
  serviceId: number;
  name: string;
  /** The given names, when upstream keeps them apart from the surnames; null otherwise. */
  givenNames: string | null;
  /** The surnames, when upstream keeps them apart; null otherwise. */
  surnames: string | null;
  document: string | null;
  /** The upstream text as stored, e.g. "3001234567 / 3109876543". */
  phoneText: string | null;
  /** Every number found in `phoneText`, digits only, without +57. */
  phones: string[];
  email: string | null;
  address: string | null;
  locality: string | null;
  city: string | null;
  status: ClientStatus;
  statusText: string | null;
  billingStatus: string | null;
  balance: number | null;
  plan: NamedRef | null;
  planPrice: number | null;
  zone: NamedRef | null;
  router: ClientRouter | null;
  /** Known outage of the sector (router) serving the client; null when no router is recorded. */
  outage: Outage | null;
  ip: string | null;
  /** Next cut-off date, YYYY-MM-DD. */
  cutoffDate: string | null;
  technician: NamedRef | null;
}

/** The profile fields a caller may change through the upstream profile PUT. */
export interface ProfilePatch {
  name?: string;
  lastName?: string;
  document?: string;
  address?: string;
  locality?: string;
  city?: string;
  phone?: string;
  email?: string;
}

/**
 * Known outages: an ISP marks `falla_general` on the router (sector) that serves its clients.
 * A support bot says so first, skips the ping, and does not open one more connectivity ticket.
 */

import type { Client, ClientRouter, NamedRef, Outage } from './client';
import { foldText } from './text';

export type { Outage };

/** The outage state of the sector serving a client; null when no router is recorded. */
export function routerOutage(router: ClientRouter | null): Outage | null {
  if (!router) return null;
  return { active: router.outage, description: router.outage ? router.outageDescription : null };
}

/** Subjects that report a connectivity fault: the ones a known outage already explains. */
export const CONNECTIVITY_SUBJECTS = ['No Tiene Internet', 'Internet Intermitente', 'Internet Lento'] as const;
const CONNECTIVITY_KEYS = new Set(CONNECTIVITY_SUBJECTS.map((subject) => foldText(subject)));

/** Any case, accents or spacing: "no tiene  INTERNET" is one. */
export function isConnectivitySubject(subject: string): boolean {
  return CONNECTIVITY_KEYS.has(foldText(subject));
}

/** Spanish text a bot can show as it is. */
export function outageMessage(description: string | null): string {
  const detail = description?.trim() ? ` ${description.trim().replace(/\.?$/, '.')}` : '';
  return `Hay una falla general reportada en su sector.${detail} Nuestro equipo ya está trabajando para solucionarla; no es necesario reportarla de nuevo.`;
}

export interface SectorOutage {
  router: NamedRef;
  description: string | null;
  /** Every client the sector serves, whatever their state. */
  affectedClients: number;
  /** Of those, clients whose service is active (the ones who notice). */
  activeClients: number;
}

/** Sectors with an active outage and how many clients each affects; most affected first. */
export function activeOutages(clients: Iterable<Client>): SectorOutage[] {
  const sectors = new Map<number, SectorOutage>();
  for (const client of clients) {
    const router = client.router;
    if (!router?.outage) continue;
    let sector = sectors.get(router.id);
    if (!sector) {
      sector = {
        router: { id: router.id, name: router.name },
        description: router.outageDescription,
        affectedClients: 0,
        activeClients: 0,
      };
      sectors.set(router.id, sector);
    }
    sector.affectedClients++;
    if (client.status === 'active') sector.activeClients++;
    // Clients loaded at different moments may carry different texts: keep the first non-empty one.
    if (!sector.description && router.outageDescription) sector.description = router.outageDescription;
  }
  return [...sectors.values()].sort((a, b) => b.affectedClients - a.affectedClients || a.router.id - b.router.id);
}

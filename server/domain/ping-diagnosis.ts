/**
 * Reading a WispHub Net ping task: which host is the customer's device and which the sector
 * antenna, and what the figures mean for the customer, in words a bot can say.
 */

export type HostRole = 'customer' | 'antenna';
export type PingOutcome = 'stable' | 'intermittent' | 'antenna_only' | 'no_internet' | 'router_error';

export type PingEntry =
  | { label: string; host: string; sent: number; received: number; lossPercent: number; avgRttMs: number | null }
  | { label: string; error: string };

export interface HostFigures {
  host: string;
  role: HostRole;
  sent: number;
  received: number;
  lossPercent: number;
  avgRttMs: number | null;
}

export interface PingDiagnosis {
  outcome: PingOutcome;
  hosts: HostFigures[];
  routerErrors: string[];
  message: string;
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

function ipv4Octets(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/**
 * Customer side: RFC 1918 (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10), IPv6 unique-local
 * (fc00::/7) or link-local (fe80::/10), or a bare MAC address. Anything else is the antenna.
 */
export function hostRole(rawHost: string): HostRole {
  const host = rawHost.trim().toLowerCase();
  if (MAC.test(host)) return 'customer';
  const octets = ipv4Octets(host);
  if (octets) {
    const [a, b] = octets as [number, number, number, number];
    if (a === 10) return 'customer';
    if (a === 172 && b >= 16 && b <= 31) return 'customer';
    if (a === 192 && b === 168) return 'customer';
    if (a === 100 && b >= 64 && b <= 127) return 'customer';
    return 'antenna';
  }
  if (host.includes(':')) {
    const first = host.split(':')[0] ?? '';
    const value = first === '' ? 0 : parseInt(first, 16);
    if ((value & 0xfe00) === 0xfc00) return 'customer';
    if ((value & 0xffc0) === 0xfe80) return 'customer';
  }
  return 'antenna';
}

const MESSAGES: Record<PingOutcome, string> = {
  stable: 'Su equipo responde correctamente y la conexión está estable.',
  intermittent: 'Su equipo responde, pero con pérdida de paquetes: la conexión está intermitente.',
  antenna_only: 'La antena del sector responde, pero su equipo no. Revise que el router esté encendido y bien conectado.',
  no_internet: 'Ni su equipo ni la antena responden: no hay conexión en este momento.',
  router_error: 'No pudimos completar la prueba de conexión desde el router. Intente de nuevo en unos minutos.',
};

export function diagnosePing(entries: readonly PingEntry[]): PingDiagnosis {
  const hosts: HostFigures[] = [];
  const routerErrors: string[] = [];
  for (const entry of entries) {
    if ('error' in entry) routerErrors.push(entry.error);
    else hosts.push({ ...entry, role: hostRole(entry.host) });
  }
  const customers = hosts.filter((host) => host.role === 'customer' && host.sent > 0);
  const antennas = hosts.filter((host) => host.role === 'antenna' && host.sent > 0);
  let outcome: PingOutcome;
  if (hosts.length === 0 || (customers.length === 0 && antennas.length === 0)) {
    outcome = routerErrors.length > 0 ? 'router_error' : 'no_internet';
  } else if (customers.some((host) => host.received > 0)) {
    outcome = customers.every((host) => host.received >= host.sent) ? 'stable' : 'intermittent';
  } else if (antennas.some((host) => host.received > 0)) {
    outcome = 'antenna_only';
  } else {
    outcome = 'no_internet';
  }
  return { outcome, hosts, routerErrors, message: MESSAGES[outcome] };
}

/** "25%" / "25" / 25 → 25; "5ms" / "5.3 ms" / "1s" → milliseconds. Null when unreadable. */
export function parsePercent(value: unknown): number | null {
  const match = String(value ?? '')
    .trim()
    .match(/^(\d+(?:\.\d+)?)\s*%?$/);
  return match ? Number(match[1]) : null;
}

export function parseMilliseconds(value: unknown): number | null {
  const match = String(value ?? '')
    .trim()
    .toLowerCase()
    .match(/^(\d+(?:\.\d+)?)\s*(ms|s|us)?$/);
  if (!match) return null;
  const amount = Number(match[1]);
  if (match[2] === 's') return amount * 1000;
  if (match[2] === 'us') return amount / 1000;
  return amount;
}

export function pingMessage(outcome: PingOutcome): string {
  return MESSAGES[outcome];
}

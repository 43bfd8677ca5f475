import type { BalanceRecordShape } from './balance';

/**
 * The upstream behaviours the simulator can play two ways: the default is WispHub Net as
 * docs/upstream.md records it; each flag flips one behaviour, so tests (and the probe's own tests)
 * can check that the gateway copes with, or reports, the other reading.
 */
export interface SimulatorDialect {
  /** Record shape of `GET /api/clientes/{id}/saldo`. */
  balanceRecord: BalanceRecordShape;
  /** Canonical spelling of the balance endpoint: false = `/saldo` (the real one), true = `/saldo/`. */
  balanceWithSlash: boolean;
  /** Upstream stores the ticket subject as "<subject> - <client name>". */
  rewriteTicketSubjects: boolean;
}

export const UPSTREAM_DIALECT: SimulatorDialect = {
  balanceRecord: 'production',
  balanceWithSlash: false,
  rewriteTicketSubjects: true,
};

const BALANCE_PATH = /^\/api\/clientes\/\d+\/saldo\/?$/;

/**
 * The one spelling upstream answers for a path; any other gets a 301 to it. Every endpoint keeps
 * its trailing slash except the balance (unless the dialect says otherwise).
 */
export function canonicalPath(path: string, dialect: SimulatorDialect): string {
  const bare = path.replace(/\/+$/, '');
  if (BALANCE_PATH.test(path)) return dialect.balanceWithSlash ? `${bare}/` : bare;
  return `${bare}/`;
}

/**
 * Everything one simulated tenant holds, in one object the route table reads: its records by
 * area (clients, tickets, billing, ping tasks) and the dialect and faults in force now.
 */

import { SimBilling } from './billing';
import { SimClients } from './clients';
import type { SimulatorData } from './data';
import type { SimulatorDialect } from './dialect';
import type { SimulatorFaults } from './faults';
import type { SimPingTask } from './ping';
import { SimTickets } from './tickets';

export interface SimState {
  readonly data: SimulatorData;
  /** How long a ping or service task takes to finish. */
  readonly pingDelayMs: number;
  dialect: SimulatorDialect;
  faults: SimulatorFaults;
  readonly clients: SimClients;
  readonly tickets: SimTickets;
  readonly billing: SimBilling;
  readonly pingTasks: Map<string, SimPingTask>;
}

export function createSimState(data: SimulatorData, pingDelayMs: number, dialect: SimulatorDialect, faults: SimulatorFaults): SimState {
  const clients = new SimClients(data);
  return {
    data,
    pingDelayMs,
    dialect,
    faults,
    clients,
    tickets: new SimTickets(data, clients),
    billing: new SimBilling(clients.byId, new Set(data.paymentMethods.map((method) => Number(method.id)))),
    pingTasks: new Map(),
  };
}

/** A list filter's value, or null when absent or when upstream is set to ignore it. */
export function honoured(state: SimState, url: URL, filter: string): string | null {
  return state.faults.ignoredFilters.includes(filter) ? null : url.searchParams.get(filter);
}

/** The ping task lifecycle of WispHub Net, played from the client's id so outcomes are repeatable. */

import type { JsonRecord } from './data';

export interface SimPingTask {
  id: string;
  serviceId: number;
  pings: number;
  createdAt: number;
}

const ROUTER_ERRORS = ['failure: could not connect to router', 'interrupted', 'no route to host'];

function pingEntry(host: string, sent: number, received: number, asStrings: boolean): JsonRecord {
  const loss = sent === 0 ? 100 : Math.round(((sent - received) / sent) * 100);
  const rtt = received > 0 ? { 'min-rtt': '3ms', 'avg-rtt': `${5 + (received % 7)}ms`, 'max-rtt': '21ms' } : {};
  return {
    host,
    sent: asStrings ? String(sent) : sent,
    received: asStrings ? String(received) : received,
    'packet-loss': `${loss}%`,
    ...rtt,
  };
}

export function pingTaskState(task: SimPingTask, client: JsonRecord, delayMs: number, now: number): JsonRecord {
  const elapsed = now - task.createdAt;
  if (elapsed < delayMs / 3) return { task: { status: 'PENDING', result: null } };
  if (elapsed < delayMs) return { task: { status: 'PROCESS', result: null } };

  const outcome = task.serviceId % 10;
  const asStrings = task.serviceId % 2 === 0;
  const customerHost = task.serviceId % 13 === 0 ? String(client.mac_cpe) : String(client.ip);
  const antennaHost = `181.57.${task.serviceId % 200}.${(task.serviceId % 50) + 1}`;
  const n = task.pings;
  if (outcome === 9) {
    const error = ROUTER_ERRORS[task.serviceId % ROUTER_ERRORS.length]!;
    return { task: { status: 'SUCCESS', result: [{ 'ping-1': error }, { 'ping-2': error }, { 'ping-exitoso': '0 de 2' }] } };
  }
  let customerReceived = n;
  let antennaReceived = n;
  if (outcome === 6) customerReceived = Math.max(1, n - 1 - (task.serviceId % 2));
  if (outcome === 7) customerReceived = 0;
  if (outcome === 8) {
    customerReceived = 0;
    antennaReceived = 0;
  }
  if (n === 1 && outcome === 6) customerReceived = 0;
  const ok = Number(customerReceived > 0) + Number(antennaReceived > 0);
  return {
    task: {
      status: 'SUCCESS',
      result: [
        { 'ping-1': pingEntry(customerHost, n, customerReceived, asStrings) },
        { 'ping-2': pingEntry(antennaHost, n, antennaReceived, asStrings) },
        { 'ping-exitoso': `${ok} de 2` },
      ],
    },
  };
}

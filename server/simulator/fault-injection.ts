/**
 * Plays the faults in force on one call: latency and jitter, a list page held until its page
 * latency is up, stalls, resets, forced statuses, 500s, HTML pages and truncated JSON.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultsApply, type SimulatorFaults } from './faults';
import { DETAIL_FORBIDDEN, sendJson, sleep } from './http';

const HTML_PAGE = '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>';

/** Holds the answer's last write until `at`. */
function sendNoSoonerThan(res: ServerResponse, at: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const wait = at - Date.now();
    if (wait > 0) setTimeout(() => end(...args), wait);
    else end(...args);
    return res;
  }) as typeof res.end;
}

function pageLatency(faults: SimulatorFaults, path: string): number {
  return /\/$/.test(path) && faults.pageLatencyMs > 0 && !/\/\d+\/$/.test(path) ? faults.pageLatencyMs : 0;
}

/** Applies the active faults; answers and returns true when a fault took the call over. */
export async function injectFault(faults: SimulatorFaults, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const method = req.method ?? 'GET';
  const active = faultsApply(faults, method, path);
  await sleep(faults.latencyMs + Math.random() * faults.jitterMs);
  // A list page is built at once and leaves when its latency is up, as a server that builds
  // pages in parallel would send it: built after the wait, the pages of one round would leave
  // one after another, this process's single thread charged to the service under test.
  const listLatency = active && path !== '/' ? pageLatency(faults, path) : 0;
  if (listLatency > 0) sendNoSoonerThan(res, Date.now() + listLatency);
  if (!active) return false;
  if (faults.stallRate > 0 && Math.random() < faults.stallRate) await sleep(faults.stallMs);
  if (faults.resetRate > 0 && Math.random() < faults.resetRate) {
    req.socket.destroy();
    return true;
  }
  if (faults.forbidden) {
    sendJson(res, 403, DETAIL_FORBIDDEN);
    return true;
  }
  if (faults.forceStatus !== null) {
    sendJson(res, faults.forceStatus, { detail: 'Servicio no disponible.' });
    return true;
  }
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
    sendJson(res, 500, { detail: 'Error interno del servidor.' });
    return true;
  }
  if (faults.htmlRate > 0 && Math.random() < faults.htmlRate) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(HTML_PAGE);
    return true;
  }
  if (faults.truncatedJsonRate > 0 && Math.random() < faults.truncatedJsonRate) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"count": 12, "next": null, "results": [{"id_servicio": 1, "nombre": "Jos');
    return true;
  }
  return false;
}

/**
 * DRF's pagination as the tenant's dialect plays it: limit/offset with absolute `next` links,
 * a capped page size, and the cursor and no-count variants; plus the page faults tests inject.
 */

import type { ServerResponse } from 'node:http';
import type { JsonRecord } from './data';
import { sendJson } from './http';
import type { SimState } from './state';

export function paginate(state: SimState, res: ServerResponse, url: URL, items: readonly JsonRecord[]): void {
  const { dialect, faults } = state;
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '100') || 100, 1), dialect.maxPageSize);
  const offset = Math.max(Number(url.searchParams.get('offset') ?? '0') || 0, 0);
  if (faults.failOffsets.includes(offset)) {
    sendJson(res, 500, { detail: 'Error interno del servidor.' });
    return;
  }
  const page = items.slice(offset, offset + limit).map((item) => {
    const id = item.id_servicio ?? item.id_ticket ?? item.id;
    if (typeof id === 'number' && faults.malformedItemIds.includes(id)) {
      return { ...item, id_servicio: 'no-es-un-numero', id_ticket: 'x', id: null, nombre: 42, asunto: 42 };
    }
    return item;
  });
  const link = (at: number) => {
    const next = new URL(`http://${url.host}${url.pathname}`);
    for (const [key, value] of url.searchParams) next.searchParams.set(key, value);
    next.searchParams.set('limit', String(limit));
    if (dialect.paging === 'cursor') {
      next.searchParams.delete('offset');
      next.searchParams.set('cursor', Buffer.from(`o=${at}`).toString('base64url'));
    } else next.searchParams.set('offset', String(at));
    return next.toString();
  };
  // The cursor variant ignores offsets (always the first page); the no-count variant drops `count`.
  const start = dialect.paging === 'cursor' ? 0 : offset;
  const shown = dialect.paging === 'cursor' ? items.slice(0, limit) : page;
  sendJson(res, 200, {
    ...(dialect.paging === 'no-count' ? {} : { count: items.length }),
    next: start + limit < items.length ? link(start + limit) : null,
    previous: start > 0 ? link(Math.max(0, start - limit)) : null,
    results: shown,
  });
}

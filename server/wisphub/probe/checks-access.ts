/**
 * Probe checks of access and paging: the key, counts and offsets, the page size, `next` links.
 */

import { UPSTREAM_PATHS } from '../paths';
import { describe, differs, isRow, itemsOf, ok, type ProbeCheck, serviceIdOf } from './check-kit';

const WRONG_KEY = 'probe000.probeprobeprobeprobeprobeprobeprob';

export const auth: ProbeCheck = {
  id: 'auth',
  assumption: 'Authorization: Api-Key <key> is accepted; a wrong key gets a JSON 403 {detail}',
  blocking: true,
  async run(context) {
    const good = await context.http.get(UPSTREAM_PATHS.clients, { limit: 5, offset: 0 });
    const items = itemsOf(good);
    if (good.status === 401 || good.status === 403)
      return differs(`with the key: ${good.status}: the key was rejected (check WISPHUB_NET_KEY)`);
    if (good.status !== 200 || items === null) return differs(`with the key: ${describe(good)} (a list was expected)`);
    context.keyAccepted = true;
    context.sample.clients = items;
    const bad = await context.http.get(UPSTREAM_PATHS.clients, { limit: 1 }, WRONG_KEY);
    const refused = (bad.status === 403 || bad.status === 401) && isRow(bad.json) && typeof bad.json.detail === 'string';
    const observed = `with the key: 200 JSON; with a wrong key: ${describe(bad)}`;
    return refused ? ok(observed) : differs(observed);
  },
};

export const pagination: ProbeCheck = {
  id: 'pagination',
  assumption: '?limit&offset pages with an integer `count`; offsets shift the page',
  blocking: true,
  async run(context) {
    const first = await context.http.get(UPSTREAM_PATHS.clients, { limit: 2, offset: 0 });
    const firstItems = itemsOf(first);
    const count = isRow(first.json) ? first.json.count : undefined;
    if (first.status !== 200 || firstItems === null) return differs(`page: ${describe(first)}`);
    if (typeof count !== 'number' || !Number.isInteger(count))
      return differs('no integer `count` on the first page: the gateway cannot tell a complete collection');
    if (firstItems.length > 2) return differs(`limit=2 answered ${firstItems.length} items: limit ignored`);
    const notes = [`count ${count}`];
    if (count >= 2) {
      const second = itemsOf(await context.http.get(UPSTREAM_PATHS.clients, { limit: 1, offset: 1 }));
      const shifted = second?.[0] !== undefined && serviceIdOf(second[0]) === serviceIdOf(firstItems[1]!);
      if (!shifted) return differs(`${notes[0]}; offset=1 did not answer the second item: offsets ignored`);
      notes.push('offset shifts the page');
    }
    return ok(notes.join('; '));
  },
};

export const pageSize: ProbeCheck = {
  id: 'page-size',
  assumption: 'a large limit (UPSTREAM_PAGE_SIZE) is served whole (a smaller cap still works: the gateway pages by what it gets)',
  blocking: false,
  async run(context) {
    const page = await context.http.get(UPSTREAM_PATHS.clients, { limit: context.pageSize, offset: 0 });
    const items = itemsOf(page);
    const count = isRow(page.json) ? page.json.count : undefined;
    if (items === null || typeof count !== 'number') return differs(`limit=${context.pageSize}: ${describe(page)}`);
    const expected = Math.min(count, context.pageSize);
    if (items.length === expected) return ok(`limit=${context.pageSize} answered ${items.length}`);
    return differs(
      `limit=${context.pageSize} answered ${items.length} of ${expected}: set UPSTREAM_PAGE_SIZE to ${items.length} to spend no call on a cut page`,
    );
  },
};

export const nextLink: ProbeCheck = {
  id: 'next-link',
  assumption: '`next` is an absolute limit/offset URL (may say http://); the gateway never follows it',
  blocking: false,
  async run(context) {
    const page = await context.http.get(UPSTREAM_PATHS.clients, { limit: 1, offset: 0 });
    const next = isRow(page.json) ? page.json.next : undefined;
    if (next === null) return ok('null (a single page)');
    if (typeof next !== 'string') return differs(`\`next\` is ${next === undefined ? 'absent' : typeof next}`);
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      return differs('`next` is not an absolute URL');
    }
    if (!url.searchParams.has('offset'))
      return differs(`\`next\` carries ${[...url.searchParams.keys()].join(', ') || 'no parameters'}, not offset: not limit/offset pages`);
    return ok(`absolute ${url.protocol}// URL with offset=${url.searchParams.get('offset')}`);
  },
};

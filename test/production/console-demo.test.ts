/**
 * A fresh start on the simulators (the development key, SIM_DEMO_ACTIVITY on, as `npm start`)
 * plays a small ISP's morning through the public endpoints, so every console view has something
 * to show: requests and conversations, a fallback and the tier mix, a receipt waiting for staff,
 * a handoff, a pending ticket create, a lockout, WispHub calls. Off, nothing is played.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEVELOPMENT_ADMIN_KEY } from '../../server/config/settings';
import { startTestService, type TestService } from '../support/service';

const demo = suite('production: the demo morning fills every console view');
let service: TestService;

demo.before(async () => {
  // As `npm start`: no key configured, so the development keys (bot, operator, admin) are the ones that work.
  service = await startTestService({
    API_KEYS: '',
    OPERATOR_API_KEYS: '',
    ADMIN_API_KEYS: '',
    SIM_DEMO_ACTIVITY: 'true',
    USAGE_FLUSH_MS: '20',
  });
});
demo.after(async () => {
  await service?.stop();
});

async function view<T>(cookie: string, name: string): Promise<T> {
  const response = await fetch(`${service.url}/console/api/${name}`, { headers: { cookie } });
  assert.is(response.status, 200, name);
  return (await response.json()) as T;
}

demo('every step of the morning is played, and each view shows it', async () => {
  assert.ok(service.demo, 'played on the simulators with the development key');
  const played = await service.demo;
  assert.equal(played.failedSteps, []);
  assert.equal(
    { ...played, failedSteps: undefined },
    { completions: 13, agentTurns: 1, lockouts: 1, receiptsWaiting: 1, pendingTickets: 1, failedSteps: undefined },
  );
  const signedIn = await fetch(`${service.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: DEVELOPMENT_ADMIN_KEY }),
  });
  assert.is(((await signedIn.clone().json()) as { role: string }).role, 'admin', 'the development admin key signs in as admin');
  assert.is(
    (await fetch(`${service.url}/admin/cache`, { headers: { 'x-api-key': DEVELOPMENT_ADMIN_KEY } })).status,
    200,
    'and reaches /admin',
  );
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;

  const today = await view<{ today: { requests: number; conversations: number; handoffs: number; costUsd: number } }>(cookie, 'today');
  assert.is(today.today.requests, 14, 'thirteen completions and one agent turn');
  assert.ok(today.today.conversations >= 6, 'several people wrote');
  assert.is(today.today.handoffs, 1);
  assert.ok(today.today.costUsd > 0);

  const llm = await view<{ tierMix: unknown[]; fallbackCauses: { attempt: string }[]; byModel: unknown[] }>(cookie, 'llm');
  assert.ok(llm.tierMix.length >= 3, 'several tiers');
  assert.ok(llm.byModel.length >= 3, 'several models');
  assert.equal(
    llm.fallbackCauses.map((cause) => cause.attempt),
    ['openai/gpt-4o-mini'],
  );

  const audit = await view<{ waitingReceipts: number; entries: { action: string; outcome: string }[] }>(cookie, 'audit');
  assert.is(audit.waitingReceipts, 1, 'a receipt waits for staff');
  assert.is(audit.entries[0]!.outcome, 'unknown', 'unknown first');

  const waiting = await view<{ handoffs: unknown[]; pendingTickets: unknown[]; lockouts: unknown[] }>(cookie, 'waiting');
  assert.is(waiting.handoffs.length, 1);
  assert.is(waiting.pendingTickets.length, 1);
  assert.ok(waiting.lockouts.length >= 1);

  const wisphub = await view<{ upstream: { series: { label: string }[] } }>(cookie, 'wisphub');
  const labels = wisphub.upstream.series.map((series) => series.label);
  assert.ok(labels.includes('POST /api/facturas/reportar-pago/:id/'), 'the report reached upstream');
  assert.ok(labels.includes('POST /api/tickets/'), 'so did the ticket create');
});

demo('the development admin key works only beside the development keys: never with configured keys', async () => {
  const configured = await startTestService({ ADMIN_API_KEYS: 'root=admin-key-demo-0123456789abcdef' });
  try {
    for (const path of ['/console/session', '/admin/cache']) {
      const response = await fetch(`${configured.url}${path}`, {
        method: path === '/console/session' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', 'x-api-key': DEVELOPMENT_ADMIN_KEY },
        ...(path === '/console/session' ? { body: JSON.stringify({ key: DEVELOPMENT_ADMIN_KEY }) } : {}),
      });
      assert.is(response.status, 403, path);
    }
  } finally {
    await configured.stop();
  }
});

demo('off (as in every other suite), nothing is played', async () => {
  const quiet = await startTestService({ API_KEYS: '', OPERATOR_API_KEYS: '', SIM_DEMO_ACTIVITY: 'false' });
  try {
    assert.is(quiet.demo, null);
  } finally {
    await quiet.stop();
  }
});

demo.run();

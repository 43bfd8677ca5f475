/**
 * /console in headless Chromium: sign in with an admin key, the Today and model-usage views render
 * with data from the simulators and a chart with points, the cookie is HttpOnly and SameSite=Strict,
 * a bot key cannot sign in, a change without the CSRF token is refused, axe-core finds no serious
 * accessibility violation, and each view's screenshot is written to test-artifacts/console/
 * (git-ignored) for a person to look at.
 */

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumAvailable, launchChromium, withChromium } from '../support/browser';
import { pngFile } from '../support/files';
import { llmSimOf, openAiFor } from '../support/llm';
import { BOT_KEY, OPERATOR_KEY, startTestService, type TestService } from '../support/service';

const ADMIN_KEY = 'admin-key-console-0123456789abcdef';
const PHONE = '+573009876543';
const SHOTS = 'test-artifacts/console';
const consolePage = suite('production: /console in a real browser');
let service: TestService;
let browser: Browser;
let receiptEntry = '';

consolePage.before(async () => {
  if (!chromiumAvailable) return;
  service = await startTestService({ ADMIN_API_KEYS: `root=${ADMIN_KEY}`, USAGE_FLUSH_MS: '20', VERIFY_MAX_FAILURES: '2' });
  // Traffic to draw: a few routed completions.
  const client = openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'off' });
  for (const [model, content] of [
    ['auto', 'hola'],
    ['gpt-4o-mini', '¿cuánto debo?'],
    ['claude-3-5-haiku-latest', 'no tengo internet'],
    ['auto', 'quiero cambiar de plan'],
  ] as const)
    await client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
  // A handoff to queue: a customer asks the agent for a person.
  llmSimOf(service).script([{ kind: 'text', text: 'Le comunico con una persona.', truncated: false }]);
  await openAiFor(service, BOT_KEY, { 'x-end-user': 'wa-console-1' }).chat.completions.create({
    model: 'wisphub-agent',
    messages: [{ role: 'user', content: 'quiero hablar con un asesor' }],
  });
  // A payment report upstream never confirmed, its receipt kept for staff.
  receiptEntry = await service.services.audit.record({
    action: 'payment.report',
    keyName: 'bot:test',
    role: 'bot',
    requestId: 'console-test',
    serviceId: 1234,
    invoiceId: '777',
    amount: null,
    reference: 'NEQUI-CONSOLA-1',
  });
  await service.services.audit.keepReceipt(receiptEntry, pngFile(300), 'png');
  // A WhatsApp conversation that guessed wrong twice: locked out of that service id.
  for (const document of ['11111111', '22222222'])
    await service.rest(`/clients/${lockedService()}/verify`, {
      method: 'POST',
      headers: { 'x-end-user': `whatsapp:${PHONE}` },
      json: { document, name: 'Alguien Más' },
    });
  llmSimOf(service).resetReceived();
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
consolePage.after(async () => {
  await browser?.close();
  await service?.stop();
});

const lockedService = () => service.sim.data.clients[5]!.id_servicio as number;

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${service.url}/console`);
  await page.getByLabel('Clave de administración').fill(key);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/** A desktop-sized page signed in with `key`, on the Today view. */
async function signedIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await signIn(page, key);
  await page.waitForSelector('#view-today[data-ready="true"]');
  return { context, page };
}

async function axeViolations(page: Page): Promise<string[]> {
  const source = require('axe-core').source as string;
  // Evaluated through the debugging protocol: the page's CSP (rightly) refuses an injected <script>.
  await page.evaluate(source);
  const results = (await page.evaluate('window.axe.run()')) as {
    violations: { id: string; impact: string | null; nodes: unknown[] }[];
  };
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.nodes.length})`);
}
const require = createRequire(import.meta.url);

withChromium(consolePage, '/console', () => {
  consolePage('an admin signs in; Today and model usage render with data and charts; no serious accessibility violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(service.url)) outside.push(request.url());
    });
    await signIn(page, ADMIN_KEY);
    await page.waitForSelector('#view-today[data-ready="true"]');
    assert.is(await page.locator('#card-requests .value').innerText(), '5', 'four completions and one agent turn');
    assert.ok(Number(await page.locator('#card-cost-today .value').innerText()) > 0, 'the day has a cost');
    const points = (await page.evaluate("document.getElementById('chart-hourly').uplot?.data[1]?.length ?? 0")) as number;
    assert.ok(points >= 1, 'the hourly chart has points');
    assert.is(await page.locator('#card-conversations .value').innerText(), '1', 'one person talked to the agent');
    assert.equal(await axeViolations(page), [], 'Today: no serious or critical accessibility violation');
    await page.screenshot({ path: `${SHOTS}/today.png`, fullPage: true });

    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'wisphub_console')!;
    assert.ok(session.httpOnly, 'HttpOnly');
    assert.is(session.sameSite, 'Strict');
    assert.is(session.path, '/console');
    assert.ok(session.expires > Date.now() / 1000, 'it expires');

    await page.getByRole('button', { name: 'Uso de modelos' }).click();
    await page.waitForSelector('#view-llm[data-ready="true"]');
    const modelRows = await page.locator('section[aria-label="Por modelo"] tbody tr').count();
    assert.ok(modelRows >= 1, 'models served are listed');
    const costPoints = (await page.evaluate("document.getElementById('chart-cost').uplot?.data[1]?.length ?? 0")) as number;
    assert.ok(costPoints >= 1, 'the cost chart has points');
    const tierSeries = (await page.evaluate("document.getElementById('chart-tiers').uplot?.data.length ?? 0")) as number;
    assert.ok(tierSeries >= 2, 'the tier mix has at least one tier');
    const tokensToday = (await page.evaluate("document.getElementById('chart-tokens').uplot?.data[1]?.at(-1) ?? 0")) as number;
    assert.ok(tokensToday > 0, 'the tokens chart has today');
    assert.equal(await axeViolations(page), [], 'model usage: no serious or critical accessibility violation');
    await page.screenshot({ path: `${SHOTS}/llm.png`, fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForSelector('#view-llm[data-ready="true"]');
    assert.ok(await page.getByRole('button', { name: 'Model usage' }).isVisible(), 'English on request');
    assert.equal(outside, [], 'nothing loaded from outside this service');
    await context.close();
  });

  consolePage(
    'money and service actions: unknown first, the receipt shown, confirmed by staff and audited; the handoff queue',
    async () => {
      const { context, page } = await signedIn(ADMIN_KEY);
      await page.getByRole('button', { name: 'Dinero y servicio' }).click();
      await page.waitForSelector('#view-money[data-ready="true"]');
      const card = page.locator(`li.receipt[data-id="${receiptEntry}"]`);
      assert.ok(await card.isVisible(), 'the receipt waiting for staff is shown');
      const src = (await card.locator('img').getAttribute('src'))!;
      const served = (await page.evaluate(
        `fetch(${JSON.stringify(src)}).then((r) => r.status + ' ' + r.headers.get('content-type'))`,
      )) as string;
      assert.is(served, '200 image/png', 'its image is served to the session from this service');
      assert.is(await page.locator('tbody tr').first().locator('.outcome-unknown').count(), 1, 'unknown outcomes come first');
      assert.equal(await axeViolations(page), [], 'money view: no serious or critical accessibility violation');
      await page.screenshot({ path: `${SHOTS}/money.png`, fullPage: true });
      await card.getByRole('button', { name: 'Confirmar' }).click();
      await page.waitForSelector(`li.receipt[data-id="${receiptEntry}"]`, { state: 'detached' });
      const entry = (await service.services.audit.list({ limit: 100 })).find((candidate) => candidate.id === receiptEntry)!;
      assert.is(entry.outcome, 'confirmed');
      assert.match(entry.detail ?? '', /confirmado por root en la consola/);

      await page.getByRole('button', { name: 'Esperando a una persona' }).click();
      await page.waitForSelector('#view-waiting[data-ready="true"]');
      assert.match(await page.locator('section').first().innerText(), /customer_asked/);
      assert.equal(await axeViolations(page), [], 'waiting view: no serious or critical accessibility violation');
      await page.screenshot({ path: `${SHOTS}/waiting.png`, fullPage: true });
      await context.close();
    },
  );

  consolePage('WispHub: readiness, cache ages, upstream calls per hour; the probe is run from the page and its table shown', async () => {
    const { context, page } = await signedIn(ADMIN_KEY);
    await page.getByRole('button', { name: 'WispHub', exact: true }).click();
    await page.waitForSelector('#view-wisphub[data-ready="true"]');
    // The test service skips the warm-up, so it reads "not ready (warming_up)": the page says what /ready says.
    assert.match(
      await page.locator('#wisphub-state').innerText(),
      /No listo \(not_ready\) · Circuito hacia WispHub: closed · Motivos: warming_up/,
    );
    assert.ok((await page.locator('section[aria-label="Cachés"] tbody tr').count()) >= 5, 'every cache listed');
    const upstreamSeries = (await page.evaluate("document.getElementById('chart-upstream').uplot?.data.length ?? 0")) as number;
    assert.ok(upstreamSeries >= 2, 'the upstream chart has at least one endpoint');
    await page.getByRole('button', { name: 'Correr la prueba' }).click();
    await page.waitForSelector('#probe-summary', { timeout: 30_000 });
    const verdicts = await page.locator('section[aria-label="Última prueba"] tbody tr td:nth-child(4)').allInnerTexts();
    assert.ok(verdicts.length >= 10, 'a row per check');
    assert.equal(
      verdicts.filter((verdict) => verdict !== 'ok'),
      [],
      'every check holds on the simulator',
    );
    assert.match(await page.locator('#probe-summary').innerText(), /root · \d+ GET/);
    assert.ok(await page.getByText('Se puede correr de nuevo en').isVisible(), 'rate limited: the button is gone');
    assert.equal(await axeViolations(page), [], 'WispHub view: no serious or critical accessibility violation');
    await page.screenshot({ path: `${SHOTS}/wisphub.png`, fullPage: true });
    await context.close();
  });

  consolePage('waiting: a lockout with the phone masked; "Mostrar" reveals it and the reveal is in the audit trail', async () => {
    const { context, page } = await signedIn(ADMIN_KEY);
    await page.getByRole('button', { name: 'Esperando a una persona' }).click();
    await page.waitForSelector('#view-waiting[data-ready="true"]');
    const lockouts = page.locator('section[aria-label="Verificaciones bloqueadas ahora"]');
    const row = lockouts.locator('tbody tr', { hasText: 'service-conversation' });
    assert.match(await row.innerText(), new RegExp(String(lockedService())));
    assert.not.match(await page.locator('main').innerText(), /3009876543/, 'no phone on the page before a reveal');
    assert.match(await row.locator('.masked').innerText(), /•••543/);
    assert.equal(await axeViolations(page), [], 'waiting view: no serious or critical accessibility violation');
    await page.screenshot({ path: `${SHOTS}/waiting-lockouts.png`, fullPage: true });
    await row.getByRole('button', { name: /Mostrar/ }).click();
    await row.getByText(`whatsapp:${PHONE}`).waitFor();
    const reveal = (await service.services.audit.list({ limit: 500 })).find((entry) => entry.action === 'console.reveal')!;
    assert.ok(reveal, 'the reveal is audited');
    assert.is(reveal.keyName, 'console:root');
    assert.is(reveal.serviceId, lockedService());
    await context.close();
  });

  consolePage('an operator gets the read-only view: no receipts, no actions, no reveals', async () => {
    const { context, page } = await signedIn(OPERATOR_KEY);
    assert.ok(await page.getByText('Solo lectura (operador)').isVisible());
    await page.getByRole('button', { name: 'Dinero y servicio' }).click();
    await page.waitForSelector('#view-money[data-ready="true"]');
    assert.is(await page.getByRole('button', { name: 'Confirmar' }).count(), 0, 'no settling');
    assert.is(await page.locator('li.receipt img').count(), 0, 'no receipt images');
    await page.getByRole('button', { name: 'Esperando a una persona' }).click();
    await page.waitForSelector('#view-waiting[data-ready="true"]');
    assert.is(await page.getByRole('button', { name: /Mostrar/ }).count(), 0, 'no reveals');
    await page.getByRole('button', { name: 'WispHub', exact: true }).click();
    await page.waitForSelector('#view-wisphub[data-ready="true"]');
    assert.is(await page.getByRole('button', { name: 'Correr la prueba' }).count(), 0, 'no probe runs');
    await page.screenshot({ path: `${SHOTS}/operator-wisphub.png`, fullPage: true });
    await context.close();
  });

  consolePage('on a phone screen the views still fit and work', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await signIn(page, ADMIN_KEY);
    await page.waitForSelector('#view-today[data-ready="true"]');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 1, `no sideways scroll of the page (${overflow}px)`);
    await page.screenshot({ path: `${SHOTS}/today-phone.png`, fullPage: true });
    await context.close();
  });

  consolePage('a bot key cannot sign in; the API needs the session; a change without the CSRF token is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, BOT_KEY);
    await page.waitForSelector('.error[role="alert"]');
    assert.match(await page.locator('.error').innerText(), /no puede entrar/);
    assert.equal(
      (await context.cookies()).filter((cookie) => cookie.name === 'wisphub_console'),
      [],
    );
    await context.close();

    const refused = await fetch(`${service.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: BOT_KEY }),
    });
    assert.is(refused.status, 403);
    assert.is((await fetch(`${service.url}/console/api/today`)).status, 401, 'no session, no data');
    const signedIn = await fetch(`${service.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: ADMIN_KEY }),
    });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await signedIn.json()) as { csrf: string };
    assert.is((await fetch(`${service.url}/console/api/today`, { headers: { cookie } })).status, 200);
    assert.is((await fetch(`${service.url}/console/session`, { method: 'DELETE', headers: { cookie } })).status, 403, 'no CSRF token');
    const settleWithout = await fetch(`${service.url}/console/api/audit/${receiptEntry}/settle`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'refused' }),
    });
    assert.is(settleWithout.status, 403, 'settling a receipt without the CSRF token');
    assert.is(
      (await fetch(`${service.url}/console/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': 'forged' } })).status,
      403,
      'a forged one',
    );
    assert.is((await fetch(`${service.url}/console/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status, 200);
    assert.is((await fetch(`${service.url}/console/api/today`, { headers: { cookie } })).status, 401, 'signed out');
    const page2 = await fetch(`${service.url}/console`);
    assert.match(page2.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });
});

consolePage.run();

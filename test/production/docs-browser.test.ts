import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestService, type TestService } from '../support/service';

/**
 * /docs in headless Chromium (Debian's package, installed by .ci/run): the operations are listed
 * and a "Try it out" call with a key returns data. Outside CI, without Chromium, it is skipped loudly.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const docs = suite('production: /docs in a real browser');

let service: TestService;
let browser: Browser;
docs.before(async () => {
  if (!available) return;
  service = await startTestService();
  // Playwright runs headless with a fresh profile; the flags keep Chromium off the (closed) network.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
docs.after(async () => {
  await browser?.close();
  await service?.stop();
});

if (!available && process.env.CI) {
  docs('Chromium is installed (.ci/run installs Debian chromium)', () => assert.unreachable(`${CHROMIUM} not found`));
} else if (!available) {
  console.warn(`\n  /docs browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)\n`);
  docs.skip('lists operations and runs a call with a key', () => undefined);
} else {
  docs('lists every tag and operation, and "Try it out" with a key returns data', async () => {
    const page = await browser.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(`${service.url}/docs`);
    await page.waitForSelector('.opblock-tag-section', { timeout: 20_000 });
    const text = await page.locator('#swagger-ui').innerText();
    for (const tag of ['clients', 'plans', 'paymentMethods', 'tickets', 'network']) assert.match(text, new RegExp(tag));
    const operations = await page.locator('.opblock').count();
    assert.is(operations, 47, '33 REST operations and 14 admin ones');
    assert.equal(
      failedRequests.filter((url) => !url.startsWith(service.url)),
      [],
      'nothing loaded from outside',
    );

    // Authorize with the API key.
    await page.click('button.authorize');
    await page.fill('.auth-container input', service.config.API_KEYS[0]!.key);
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('button.btn-done');

    // Try GET /payment-methods.
    const operation = page.locator('#operations-paymentMethods-paymentMethods-list');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table tbody tr.response td.response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    assert.is((await status.innerText()).trim(), '200');
    const body = await operation.locator('.live-responses-table tbody tr.response td.response-col_description pre').first().innerText();
    await page.screenshot({ path: process.env.DOCS_SCREENSHOT ?? '/tmp/wisphub-docs.png', fullPage: false });
    assert.match(body, /Nequi/);
  });
}

docs.run();

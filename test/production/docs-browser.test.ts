import type { Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumAvailable, launchChromium, withChromium } from '../support/browser';
import { startTestService, type TestService } from '../support/service';

/**
 * /docs in headless Chromium (Debian's package, installed by .ci/run): the operations are listed
 * and a "Try it out" call with a key returns data. Outside CI, without Chromium, it is skipped loudly.
 */

const docs = suite('production: /docs in a real browser');

let service: TestService;
let browser: Browser;
docs.before(async () => {
  if (!chromiumAvailable) return;
  service = await startTestService();
  browser = await launchChromium();
});
docs.after(async () => {
  await browser?.close();
  await service?.stop();
});

withChromium(docs, '/docs', () => {
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
});

docs.run();

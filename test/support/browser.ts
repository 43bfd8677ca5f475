/**
 * Headless Chromium for the browser tests (Debian's package, installed by .ci/run), launched off
 * the (closed) network. Without it a browser suite fails in CI and is skipped loudly elsewhere.
 */

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  // Playwright runs headless with a fresh profile; the flags keep Chromium off the network.
  return chromium.launch({
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
}

/** Defines a suite's browser tests when Chromium is here; in CI its absence is a failure, elsewhere a loud skip. */
export function withChromium(tests: Test, what: string, define: () => void): void {
  if (chromiumAvailable) return define();
  if (process.env.CI) {
    tests('Chromium is installed (.ci/run installs Debian chromium)', () => assert.unreachable(`${CHROMIUM} not found`));
    return;
  }
  console.warn(`\n  ${what} browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)\n`);
  tests.skip(what, () => undefined);
}

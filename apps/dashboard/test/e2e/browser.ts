import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** .ci/run sets NOVA_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip. */
export const browserRequired = process.env.NOVA_REQUIRE_BROWSER === '1';
export const skipBrowserTests = !haveChromium && !browserRequired;

if (skipBrowserTests) {
  console.warn(
    `[dashboard e2e] Chromium not found at ${CHROMIUM}: skipping the browser tests (install Debian's chromium; NOVA_REQUIRE_BROWSER=1 makes this an error).`,
  );
}

export function launchChromium(): Promise<Browser> {
  if (!haveChromium) {
    throw new Error(
      `NOVA_REQUIRE_BROWSER=1 but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

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

export interface Poll {
  status: number;
  /** Bytes of the body as sent (compressed when it was). */
  bodyBytes: number;
  encoding: string | undefined;
  url: string;
  body: string;
}

/**
 * Records every answer to the state feed the page (its worker included) receives: the worker's
 * requests do not show in the page's own resource timing, but they do pass through the page's
 * network, which Playwright sees.
 */
export function watchPolls(page: Page): Poll[] {
  const polls: Poll[] = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/api/state')) return;
    const status = response.status();
    const sizes = await response
      .request()
      .sizes()
      .catch(() => null);
    const body = status === 200 ? await response.text().catch(() => '') : '';
    polls.push({
      status,
      bodyBytes: sizes?.responseBodySize ?? 0,
      encoding: response.headers()['content-encoding'],
      url: response.url(),
      body,
    });
  });
  return polls;
}

/**
 * The browser example (examples/browser/) in headless Chromium: a poller
 * supervised with backoff, bundled from rxotp's sources for the browser. Its
 * feed fails the first two polls, so the page must show the child crash, its
 * restarts, then an answer to a call through its name from the new incarnation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { serveExample, type ExampleServer } from '../../examples/browser/serve.js';
import { chromiumArgs, requireTool } from '../../scripts/test-tools.js';

jest.setTimeout(60_000);
const WAIT_MS = 30_000;

let profile = '';
let browser: BrowserContext | undefined;
let server: ExampleServer | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await serveExample(2);
  profile = mkdtempSync(join(tmpdir(), 'rxotp-browser-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: requireTool('chromium'),
    headless: true,
    args: [...chromiumArgs],
    timeout: WAIT_MS,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profile !== '') rmSync(profile, { recursive: true, force: true });
});

/** Waits until the element's whole text matches. */
const shows = (id: string, text: RegExp) =>
  page.locator(`#${id}`).filter({ hasText: text }).waitFor();

describe('the browser example', () => {
  it('shows the poller crash on the failing feed and its supervisor restart it', async () => {
    await shows('restarts', /^2$/);
    await shows('last-exit', /^error: Error: feed answered 503$/);
    await shows('status', /^running$/);
    await shows('reading', /^#3: \d+\.\d °C$/);
    const log = await page.locator('#log li').allTextContents();
    expect(log.slice(0, 6)).toEqual([
      expect.stringMatching(/^started <pid \d+ feed>$/),
      'exited: error: Error: feed answered 503',
      'restarting in 100 ms',
      expect.stringMatching(/^started <pid \d+ feed>$/),
      'exited: error: Error: feed answered 503',
      'restarting in 200 ms',
    ]);
  });

  it('answers a call through its name, from the incarnation now holding it', async () => {
    const ids = (await page.locator('#log li').allTextContents()).flatMap(
      (line) => /^started <pid (\d+) feed>$/.exec(line)?.[1] ?? [],
    );
    expect(ids.length).toBe(3); // the first start and two restarts
    expect(await page.locator('#pid').textContent()).toBe(`<pid ${ids[2]} feed>`);
    await page.locator('#ask').click();
    await shows('answer', new RegExp(`^pid ${ids[2]} answered: #\\d+: \\d+\\.\\d °C$`));
    expect(pageErrors).toEqual([]);
  });
});

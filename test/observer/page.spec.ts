/**
 * The observer's page in a real browser: headless Chromium (Debian's, found by
 * scripts/test-tools.ts) driven by playwright-core. A tree runs under the
 * observer, a child crashes, and the page shows it. A screenshot is kept in
 * build/artifacts/observer.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { of } from 'rxjs';
import {
  Registry,
  cast,
  child,
  genServer,
  oneForOne,
  via,
  type ChildSpec,
} from '../../src/index.js';
import { observe, type ObserverHandle } from '../../src/observer/index.js';
import type { SnapshotMessage } from '../../src/observer/views.js';
import { chromiumArgs, requireTool } from '../../scripts/test-tools.js';
import { WAIT_MS } from './sse.js';

jest.setTimeout(60_000);

const ARTIFACTS = resolve(__dirname, '../../build/artifacts');

const worker = genServer({
  init: () => 0,
  handleCast: (_: 'crash', _n: number): number => {
    throw new Error('crash requested');
  },
});
type Worker = { call: never; reply: never; cast: 'crash'; info: unknown };
const w = (id: string): ChildSpec => child(id, () => worker.start());
const crash = (registry: Registry, name: string): boolean =>
  cast(via<Worker>(registry, name), 'crash');

let profile: string | undefined;
let browser: BrowserContext | undefined;
const observers: ObserverHandle[] = [];
/** Uncaught errors and console errors (a CSP violation is one) of every page. */
const pageErrors: string[] = [];

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'rxotp-observer-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: requireTool('chromium'),
    headless: true,
    args: [...chromiumArgs],
    viewport: { width: 1280, height: 760 },
    timeout: WAIT_MS,
  });
});

beforeEach(() => {
  pageErrors.length = 0;
});

// Pages first: a page whose stream the server cuts logs an error, rightly.
afterEach(async () => {
  for (const p of browser?.pages() ?? []) await p.close();
  await Promise.all(observers.splice(0).map((o) => o.close()));
});

afterAll(async () => {
  await browser?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

async function open(url: string): Promise<Page> {
  const page = await browser!.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  await page.goto(url);
  await page.locator('#conn', { hasText: 'live' }).waitFor();
  return page;
}

/** The server's /snapshot.json. */
async function serverSnapshot(url: string): Promise<SnapshotMessage> {
  const res = await fetch(`${url}snapshot.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as SnapshotMessage;
}

/**
 * The server's snapshot once the tree is quiet: every child running, and two
 * snapshots in a row the same (a snapshot may be up to a frame old).
 */
async function settledSnapshot(url: string): Promise<SnapshotMessage> {
  let last = '';
  for (;;) {
    const s = await serverSnapshot(url);
    const text = JSON.stringify(s.nodes);
    if (text === last && s.nodes.every((n) => n.status === 'running')) return s;
    last = text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A cell of the row at `path` (`data-path` is the path joined with '/'). */
const cell = (page: Page, path: string, field: string) =>
  page.locator(`[data-path="${path}"] > .row [data-field="${field}"]`);

/** Waits until the cell's whole text matches. */
const shows = (page: Page, path: string, field: string, text: RegExp | string) =>
  cell(page, path, field)
    .filter({ hasText: typeof text === 'string' ? new RegExp(`^${text}$`) : text })
    .waitFor();

describe('the observer page', () => {
  it("shows the tree, and a crashed child's restart count changing", async () => {
    const registry = new Registry();
    const workers$ = of(w('w1'), w('w2')).pipe(oneForOne({ registry, intensity: 100 }));
    const tree$ = of(
      w('solo'),
      child('workers', () => workers$),
    ).pipe(oneForOne({ registry, intensity: 100 }));
    const o = observe(tree$);
    observers.push(o);
    const page = await open(await o.ready);

    await shows(page, 'workers/w1', 'status', 'running');
    await shows(page, 'workers/w1', 'restarts', '0');
    await shows(page, 'workers/w1', 'incarnation', '1');
    await shows(page, 'workers', 'status', 'running');
    await shows(page, 'solo', 'restarts', '0');

    crash(registry, 'w1');
    await shows(page, 'workers/w1', 'restarts', '1');
    await shows(page, 'workers/w1', 'incarnation', '2');
    await shows(page, 'workers/w1', 'status', 'running');
    // Only the crashed child restarted.
    await shows(page, 'workers/w2', 'restarts', '0');
    expect(await cell(page, 'workers/w2', 'incarnation').textContent()).toBe('1');

    // Selecting it lists its recent exits, with formatted reasons.
    await page.locator('[data-path="workers/w1"] > .row').click();
    await page.locator('#detail h2', { hasText: 'w1' }).waitFor();
    await page.locator('#detail .exits li', { hasText: 'error: Error: crash requested' }).waitFor();
    await page.locator('#log li', { hasText: 'restart 1' }).first().waitFor();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'observer.png') });
    expect(existsSync(join(ARTIFACTS, 'observer.png'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('counts a backoff down, shows a give-up, and shows a late page the tree at once', async () => {
    const registry = new Registry();
    const slow$ = of(w('b')).pipe(
      oneForOne({ registry, intensity: 100, backoff: { min: 4000, max: 4000 } }),
    );
    const flaky$ = of(w('c')).pipe(oneForOne({ registry, intensity: 0 }));
    const tree$ = of(
      child('slow', () => slow$),
      child('flaky', () => flaky$),
    ).pipe(oneForOne({ registry, intensity: 100 }));
    const o = observe(tree$);
    observers.push(o);
    const url = await o.ready;
    const page = await open(url);
    await shows(page, 'slow/b', 'status', 'running');

    crash(registry, 'b');
    await shows(page, 'slow/b', 'status', /^backoff \d\.\d s$/);
    const first = await cell(page, 'slow/b', 'status').textContent();
    // The wait counts down while no message arrives.
    await cell(page, 'slow/b', 'status')
      .filter({ hasText: /^backoff \d\.\d s$/ })
      .filter({ hasNotText: first! })
      .waitFor();
    await shows(page, 'slow/b', 'status', 'running');
    await shows(page, 'slow/b', 'restarts', '1');

    crash(registry, 'c');
    const banner = page.locator('.banner', {
      hasText: 'flaky gave up at ',
    });
    await banner.filter({ hasText: "child 'c' needed restart number 1 within 5000 ms" }).waitFor();
    await page.locator('[data-path="flaky"] > .gaveup', { hasText: "child 'c'" }).waitFor();
    await page.locator('[data-path="flaky/c"].culprit').waitFor();
    // Its parent restarted it.
    await shows(page, 'flaky', 'incarnation', '2');
    await shows(page, 'flaky', 'restarts', '1');

    // A page opened now sees all of it at once.
    const late = await open(url);
    await shows(late, 'slow/b', 'restarts', '1');
    await shows(late, 'flaky', 'incarnation', '2');
    await late.locator('.banner', { hasText: "child 'c' needed restart number 1" }).waitFor();
    await late.locator('[data-path="flaky"] > .row').click();
    await late
      .locator('#detail .exits li', { hasText: 'error: MaxRestartsExceededError: ' })
      .waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("keeps its counts moving under a tree that restarts all the time, and they come to the server's", async () => {
    const registry = new Registry();
    const size = 200;
    const specs = Array.from({ length: size }, (_, i) => w(`w${i}`));
    const o = observe(of(...specs).pipe(oneForOne({ registry, intensity: Infinity })));
    observers.push(o);
    const url = await o.ready;
    const page = await open(url);
    const restarts = async (): Promise<number> =>
      Number(await page.locator('#summary b').nth(2).textContent());
    await page.locator('#summary b', { hasText: new RegExp(`^${size}$`) }).waitFor();

    // Crashes keep coming, far more than frames: a few dozen every tick.
    let next = 0;
    const load = setInterval(() => {
      for (let i = 0; i < 30; i++) crash(registry, `w${next++ % size}`);
    }, 5);
    try {
      // The count the page shows goes up, and up again: it is not frozen or swamped.
      let seen = await restarts();
      for (let round = 0; round < 5; round++) {
        await page
          .locator('#summary b')
          .nth(2)
          .filter({ hasNotText: new RegExp(`^${seen}$`) })
          .waitFor();
        const now = await restarts();
        expect(now).toBeGreaterThan(seen);
        seen = now;
      }
      await page.locator('#conn', { hasText: 'live' }).waitFor();
    } finally {
      clearInterval(load);
    }
    // Once the crashes stop, every child is shown up again, and the page's counts are the
    // server's: the total, and each row's.
    await page.locator('#summary b').nth(3).filter({ hasText: /^0$/ }).waitFor();
    const server = await settledSnapshot(url);
    const total = server.nodes.reduce((sum, n) => sum + (n.path.length > 0 ? n.restarts : 0), 0);
    expect(total).toBeGreaterThan(0);
    await page
      .locator('#summary b')
      .nth(2)
      .filter({ hasText: new RegExp(`^${total}$`) })
      .waitFor();
    for (const n of server.nodes.filter((n) => n.path.length > 0)) {
      await shows(page, n.path.join('/'), 'restarts', String(n.restarts));
      await shows(page, n.path.join('/'), 'incarnation', String(n.incarnation));
    }
    expect(pageErrors).toEqual([]);
  });
});

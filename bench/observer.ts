// `npm run bench:observer`: the observer at scale, with the built package. A tree of 10,000
// workers restarts about 5,000 times a second under `observe`, and:
//   1. five pages read the event stream: the loop's p99 lag, and frames a second per page;
//   2. /snapshot.json: its size, and the loop's p99 lag while 200 readers fetch it;
//   3. 50 stalled pages (they never read) join the five: memory, and whether they are dropped;
//   4. a real Chromium page: frames a second it receives, and whether its counters move.
// Figures are medians over the phase; one run. `-- --quick` for 1,000 workers and shorter phases;
// `-- --phase-ms=N` sets each phase's length (the Chromium phase is twice that), so the full-scale
// case runs in bounded time.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { of } from 'rxjs';
import { chromium } from 'playwright-core';
import * as rxotp from 'rxotp';
import { observe } from 'rxotp/observer';
import { chromiumArgs, requireTool } from '../scripts/test-tools.js';

const quick = process.argv.includes('--quick');
const CHILDREN = quick ? 1000 : 10_000;
const RATE = 5000; // crashes a second
const phaseArg = process.argv.find((a) => a.startsWith('--phase-ms='));
const PHASE_MS = phaseArg !== undefined ? Number(phaseArg.slice(11)) : quick ? 2000 : 5000;
if (!(PHASE_MS > 0))
  throw new RangeError(
    `bench:observer: --phase-ms must be a positive number of ms, got ${phaseArg}.`,
  );
const TICK_MS = 10;

const BOOM = new Error('boom');
const worker = rxotp.genServer({
  init: () => 0,
  handleCast: (_: 'crash', _n: number): number => {
    throw BOOM;
  },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};

/** The loop's p99 lag (ms) while `during` runs. */
async function lagDuring(during: () => Promise<void>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await during();
  h.disable();
  return h.percentile(99) / 1e6;
}

/** An event-stream reader that counts frames (`event: change`). */
function reader(url: string): { frames: () => number; req: ClientRequest } {
  let frames = 0;
  const req = request(`${url}events`, (res: IncomingMessage) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      frames += chunk.split('event: change\n').length - 1;
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { frames: () => frames, req };
}

/** A page that asks for the stream and never reads a byte. */
function stalled(url: string): Socket {
  const { port } = new URL(url);
  const s = connect(Number(port), '127.0.0.1', () => {
    s.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    s.pause();
  });
  s.on('error', () => undefined);
  return s;
}

async function fetchSnapshot(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}snapshot.json`, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The restarts the server's snapshot counts (the page's summary adds the same field up). */
async function fetchSnapshotRestarts(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}snapshot.json`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const s = JSON.parse(body) as { nodes: { path: string[]; restarts: number }[] };
        resolve(s.nodes.reduce((sum, n) => sum + (n.path.length > 0 ? (n.restarts ?? 0) : 0), 0));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const registry = new rxotp.Registry();
  const specs = Array.from({ length: CHILDREN }, (_, i) =>
    rxotp.child(`w${i}`, () => worker.start(), { restart: 'permanent' }),
  );
  const tree$ = of(...specs).pipe(rxotp.oneForOne({ registry, intensity: Infinity }));
  const o = observe(tree$, { refreshInterval: 1000 });
  const url = await o.ready;
  console.log(
    `rxotp observer bench · Node ${process.version} · ${CHILDREN.toLocaleString('en-US')} workers, ~${RATE}/s restarts`,
  );

  // The load: every TICK_MS, crash RATE * TICK_MS / 1000 workers, round robin.
  let next = 0;
  let crashes = 0;
  const perTick = Math.round((RATE * TICK_MS) / 1000);
  const load = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const pid = registry.whereis(`w${next}`);
      next = (next + 1) % CHILDREN;
      if (pid !== undefined) {
        rxotp.cast(pid, 'crash');
        crashes++;
      }
    }
  }, TICK_MS);
  await sleep(500);

  // 0. No page: the tree's own cost, the baseline for the lag figures.
  console.log('· tree up; no page');
  const crashesIdle = crashes;
  const tIdle = performance.now();
  const lagIdle = await lagDuring(() => sleep(PHASE_MS));
  const rateIdle = (crashes - crashesIdle) / ((performance.now() - tIdle) / 1000);

  // 1. Five pages.
  console.log('· five pages');
  const pages = Array.from({ length: 5 }, () => reader(url));
  await sleep(500);
  const before = pages.map((p) => p.frames());
  const crashes0 = crashes;
  const t0 = performance.now();
  const lagPages = await lagDuring(() => sleep(PHASE_MS));
  const seconds = (performance.now() - t0) / 1000;
  const fps = median(pages.map((p, i) => (p.frames() - before[i]!) / seconds));
  const rate = (crashes - crashes0) / seconds;

  // 2. The snapshot, and 200 readers.
  console.log('· 200 snapshot readers');
  const snap = await fetchSnapshot(url);
  let served = 0;
  let busy = 0;
  const lagReaders = await lagDuring(async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () => fetchSnapshot(url)));
    for (const r of results)
      if (r.status === 200) served++;
      else if (r.status === 503) busy++;
    await sleep(PHASE_MS / 2);
  });

  // 3. Fifty stalled pages.
  console.log('· 50 stalled pages');
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const stalls = Array.from({ length: 50 }, () => stalled(url));
  let peak = rss0;
  const lagStalled = await lagDuring(async () => {
    for (let t = 0; t < PHASE_MS; t += 250) {
      await sleep(250);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  });
  const clientsAfter = o.clients;
  const pageFrames = pages.map((p) => p.frames());
  await sleep(1000);
  const stillMoving = pages.every((p, i) => p.frames() > pageFrames[i]!);
  for (const s of stalls) s.destroy();

  // 4. A real Chromium page.
  console.log('· a Chromium page');
  const profile = mkdtempSync(join(tmpdir(), 'rxotp-observer-bench-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: requireTool('chromium'),
    headless: true,
    args: [...chromiumArgs],
  });
  const page = await browser.newPage();
  const tOpen = performance.now();
  await page.goto(url);
  // Up once its snapshot is drawn.
  await page.locator('#summary b').first().waitFor({ timeout: 120_000 });
  const firstDraw = performance.now() - tOpen;
  // Count the frames the page receives and the times its summary changes, from inside it.
  // A string, run in the page (it has the DOM this program's types do not).
  await page.evaluate(`
    window.summaries = [];
    const s = document.getElementById('summary');
    new MutationObserver(() => window.summaries.push(s.textContent)).observe(s, {
      childList: true,
      subtree: true,
    });
  `);
  const summaries = async (): Promise<string[]> =>
    page.evaluate<string[]>('window.summaries.slice()');
  // The page's main thread: how much of the time it is busy, and on what (Chrome's own counters).
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Map<string, number>> =>
    new Map(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value] as const),
    );
  const c0 = (await summaries()).length;
  const m0 = await metrics();
  const tp = performance.now();
  const lagChromium = await lagDuring(() => sleep(PHASE_MS * 2));
  const m1 = await metrics();
  const all = await summaries();
  const share = (name: string): string =>
    `${((100 * ((m1.get(name) ?? 0) - (m0.get(name) ?? 0))) / ((performance.now() - tp) / 1000)).toFixed(0)}%`;
  const redraws = (all.length - c0) / ((performance.now() - tp) / 1000);
  const distinct = new Set(all.slice(c0)).size;
  // The restarts the page counts, against the server's own count (its snapshot), taken together.
  const restartsOf = (text: string | undefined): number =>
    Number(/([\d]+) restarts?/.exec(text ?? '')?.[1]);
  const pageRestarts = restartsOf(all.at(-1));
  const serverRestarts = await fetchSnapshotRestarts(url);
  const conn = await page.locator('#conn').textContent();
  await browser.close();
  rmSync(profile, { recursive: true, force: true });

  clearInterval(load);
  for (const p of pages) p.req.destroy();
  await o.close();

  const rows: [string, string, string][] = [
    ['restarts a second (achieved), no page', rateIdle.toFixed(0), `~${RATE}`],
    ['p99 loop lag, no page (the tree alone)', `${lagIdle.toFixed(1)} ms`, ''],
    ['restarts a second (achieved), five pages', rate.toFixed(0), `~${RATE}`],
    ['p99 loop lag, five pages', `${lagPages.toFixed(1)} ms`, '< 50 ms'],
    ['frames a second per page (median)', fps.toFixed(1), '~10'],
    ['snapshot.json size', mb(snap.bytes), '<= 2 MB'],
    ['p99 loop lag, 200 snapshot readers', `${lagReaders.toFixed(1)} ms`, '< 50 ms'],
    ['readers served / told busy (503)', `${served} / ${busy}`, ''],
    ['RSS before / peak with 50 stalled pages', `${mb(rss0)} / ${mb(peak)}`, 'bounded'],
    ['p99 loop lag, 50 stalled pages', `${lagStalled.toFixed(1)} ms`, '< 50 ms'],
    ['pages open after the stalls (5 readers)', String(clientsAfter), '5'],
    ['the five pages kept getting frames', String(stillMoving), 'true'],
    ['Chromium page: first tree drawn after', `${(firstDraw / 1000).toFixed(1)} s`, ''],
    ['Chromium page: redraws a second', redraws.toFixed(1), '~10'],
    ['Chromium page: main thread busy (all tasks)', share('TaskDuration'), ''],
    [
      'Chromium page: script / style / layout',
      `${share('ScriptDuration')} / ${share('RecalcStyleDuration')} / ${share('LayoutDuration')}`,
      '',
    ],
    ['p99 loop lag, five pages and Chromium', `${lagChromium.toFixed(1)} ms`, '< 50 ms'],
    ['Chromium page / server restarts counted', `${pageRestarts} / ${serverRestarts}`, 'close'],
    ['Chromium page: distinct counter texts', String(distinct), '> 1'],
    ['Chromium page: connection', conn ?? '', 'live'],
  ];
  for (const [what, value, want] of rows) {
    console.log(`${what.padEnd(42)} ${value.padStart(22)}   ${want}`);
  }
}

// A failure exits at once: the load's timer and the tree would otherwise keep the process up.
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

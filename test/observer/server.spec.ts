/**
 * The observer's server, over real HTTP on 127.0.0.1 with a free port: the
 * snapshot-then-events stream, late pages, pages that go away, the per-page
 * buffer bound, read-only routes, and what the stream may show.
 */
import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { EMPTY, Subject, of, throwError, type Observable, type Subscription } from 'rxjs';
import {
  Registry,
  cast,
  child,
  genServer,
  oneForOne,
  reports$,
  send,
  stop,
  via,
  whichChildren,
  type ChildSpec,
  type Pid,
  type Report,
  type SupervisorNotification,
} from '../../src/index.js';
import { observe, type ObserverHandle } from '../../src/observer/index.js';
import type {
  ChangeMessage,
  EventView,
  NodeView,
  SnapshotMessage,
} from '../../src/observer/views.js';
import { liveActorCount } from '../../src/testing/index.js';
import { useUnhandledErrors } from '../support.js';
import { SseClient, until, type Frame } from './sse.js';

jest.setTimeout(60_000);

// ---- A small tree -----------------------------------------------------------------------

/** A worker that crashes on 'crash', and on 'hold' keeps its mailbox busy until released. */
let release: () => void = () => {};
const worker = genServer({
  init: () => 0,
  handleCast: (request: 'crash' | 'hold' | 'work', n: number): number | Promise<number> => {
    if (request === 'crash') throw new Error('crash requested');
    if (request === 'hold') return new Promise<number>((done) => (release = () => done(n)));
    return n + 1;
  },
});
type Worker = { call: never; reply: never; cast: 'crash' | 'hold' | 'work'; info: unknown };

const w = (id: string, options?: Omit<ChildSpec, 'id' | 'start'>): ChildSpec =>
  child(id, () => worker.start(), options);

function tree(registry: Registry, ...specs: ChildSpec[]): Observable<SupervisorNotification> {
  return of(...specs).pipe(oneForOne({ registry, intensity: 100 }));
}

const crash = (registry: Registry, name: string): boolean =>
  cast(via<Worker>(registry, name), 'crash');

// ---- Cleanup ----------------------------------------------------------------------------

const observers: ObserverHandle[] = [];
const clients: SseClient[] = [];
const sockets: Socket[] = [];
const subscriptions: Subscription[] = [];

function start(...args: Parameters<typeof observe>): ObserverHandle {
  const o = observe(...args);
  observers.push(o);
  return o;
}
async function page(url: string): Promise<SseClient> {
  const c = await SseClient.open(url);
  clients.push(c);
  return c;
}

afterEach(async () => {
  release();
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(observers.splice(0).map((o) => o.close()));
  for (const s of subscriptions.splice(0)) s.unsubscribe();
});

// ---- Reading frames -----------------------------------------------------------------------

const snapshotOf = (f: Frame): SnapshotMessage => f.data as SnapshotMessage;
const changeOf = (f: Frame): ChangeMessage => f.data as ChangeMessage;
const key = (...path: string[]): string => JSON.stringify(path);

/** The node at `path` in a snapshot or change frame, if the frame has it. */
function nodeIn(f: Frame, ...path: string[]): NodeView | undefined {
  const nodes = f.event === 'snapshot' ? snapshotOf(f).nodes : changeOf(f).nodes;
  return nodes.find((n) => n.key === key(...path));
}

/** The event of `kind` about `path` in a change frame, if the frame has one. */
const eventIn = (f: Frame, kind: string, ...path: string[]): EventView | undefined =>
  f.event === 'change'
    ? changeOf(f).events.find((e) => e.kind === kind && JSON.stringify(e.path) === key(...path))
    : undefined;

/** A change frame holding an event of `kind` about `path`. */
const eventFrame =
  (kind: string, ...path: string[]) =>
  (f: Frame): boolean =>
    eventIn(f, kind, ...path) !== undefined;

/** A frame holding the node at `path` in a state `test` accepts. */
const nodeFrame =
  (test: (n: NodeView) => boolean, ...path: string[]) =>
  (f: Frame): boolean => {
    const n = nodeIn(f, ...path);
    return n !== undefined && test(n);
  };

/** The node at `path` as the latest frame that mentions it says. */
function latest(c: SseClient, ...path: string[]): NodeView | undefined {
  for (let i = c.frames.length - 1; i >= 0; i--) {
    const n = nodeIn(c.frames[i]!, ...path);
    if (n !== undefined) return n;
  }
  return undefined;
}

function get(
  url: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const target = new URL(url);
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { host: options.host ?? target.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

// ---- Snapshot, then events ------------------------------------------------------------------

describe('observe: snapshot, then events', () => {
  it('gives a page the tree as it is, then every change as it happens', async () => {
    const registry = new Registry();
    const o = start(tree(registry, w('w1'), w('w2', { restart: 'permanent' })));
    const url = await o.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(o.url).toBe(url);

    const a = await page(url);
    await a.next((f) => f.event === 'snapshot', 0, 'the snapshot');
    expect(a.frames[0]!.event).toBe('snapshot');
    const snap = snapshotOf(a.frames[0]!);
    expect(snap.showMessages).toBe(false);
    expect(nodeIn(a.frames[0]!)).toMatchObject({ type: 'supervisor', status: 'running' });
    expect(snap.nodes.map((n) => n.path.join('/'))).toEqual(['', 'w1', 'w2']);
    expect(nodeIn(a.frames[0]!, 'w1')).toMatchObject({
      status: 'running',
      incarnation: 1,
      restarts: 0,
    });
    expect(snap.log.map((e) => `${e.kind} ${e.path.join('/')}`)).toEqual([
      'started ',
      'child-started w1',
      'child-started w2',
    ]);
    // The supervisor's own answer adds what events do not carry.
    await a.next(nodeFrame((n) => n.restart === 'permanent' && n.queued === 0, 'w2'));

    const from = a.frames.length;
    crash(registry, 'w1');
    const exited = await a.next(eventFrame('child-exited', 'w1'), from, 'w1 exiting');
    expect(eventIn(exited, 'child-exited', 'w1')!.text).toBe(
      'exited #1: error: Error: crash requested',
    );
    // Changes within one frame come together: the restart may be in the same one.
    expect(nodeIn(exited, 'w1')).toMatchObject({
      exitCount: 1,
      exits: [{ incarnation: 1, kind: 'error', reason: 'error: Error: crash requested' }],
    });
    const restarted = await a.next(eventFrame('restart', 'w1'), from, 'the restart');
    expect(eventIn(restarted, 'restart', 'w1')!.ids).toEqual(['w1']);
    expect(nodeIn(restarted, 'w1')!.restarts).toBe(1);
    const started = await a.next(eventFrame('child-started', 'w1'), from, 'w1 started again');
    expect(nodeIn(started, 'w1')).toMatchObject({ status: 'running', incarnation: 2, restarts: 1 });
    // Its sibling was not touched.
    expect(latest(a, 'w2')).toMatchObject({ status: 'running', incarnation: 1, restarts: 0 });
  });

  it('gives a late page the current tree at once, then the same events as the others', async () => {
    const registry = new Registry();
    const o = start(tree(registry, w('w1'), w('w2')));
    const url = await o.ready;
    const a = await page(url);
    await a.next((f) => f.event === 'snapshot');
    crash(registry, 'w1');
    await a.next(
      nodeFrame((n) => n.incarnation === 2, 'w1'),
      0,
      'w1 restarted',
    );

    const b = await page(url);
    const snap = await b.next((f) => f.event === 'snapshot', 0, 'the late snapshot');
    expect(nodeIn(snap, 'w1')).toMatchObject({
      status: 'running',
      incarnation: 2,
      restarts: 1,
      exits: [{ incarnation: 1, kind: 'error', reason: 'error: Error: crash requested' }],
    });
    expect(snapshotOf(snap).log.map((e) => `${e.kind} ${e.path.join('/')}`)).toEqual([
      'started ',
      'child-started w1',
      'child-started w2',
      'child-exited w1',
      'restart w1',
      'child-started w1',
    ]);
    await until(() => o.clients === 2, 'two pages');

    const [fromA, fromB] = [a.frames.length, b.frames.length];
    crash(registry, 'w2');
    for (const c of [a, b]) {
      await c.next(eventFrame('child-exited', 'w2'), c === a ? fromA : fromB, 'w2 exiting');
      await c.next(eventFrame('child-started', 'w2'), c === a ? fromA : fromB, 'w2 again');
      expect(latest(c, 'w2')).toMatchObject({ incarnation: 2, restarts: 1 });
    }
  });

  it('reports mailbox depth, backoff waits and give-ups', async () => {
    const registry = new Registry();
    const inner$ = of(w('c')).pipe(oneForOne({ registry, intensity: 0 }));
    const backoff$ = of(w('b')).pipe(
      oneForOne({ registry, intensity: 100, backoff: { min: 5000, max: 5000 } }),
    );
    const o = start(
      tree(
        registry,
        w('busy'),
        child('inner', () => inner$),
        child('slow', () => backoff$),
      ),
      { refreshInterval: 50 },
    );
    const a = await page(await o.ready);

    cast(via<Worker>(registry, 'busy'), 'hold');
    for (let i = 0; i < 3; i++) cast(via<Worker>(registry, 'busy'), 'work');
    await a.next(
      nodeFrame((n) => n.queued === 3, 'busy'),
      0,
      'three messages queued',
    );
    release();
    await a.next(
      nodeFrame((n) => n.queued === 0, 'busy'),
      0,
      'the mailbox drained',
    );

    crash(registry, 'b');
    const waiting = await a.next(eventFrame('backoff', 'slow', 'b'), 0, 'the backoff');
    expect(eventIn(waiting, 'backoff', 'slow', 'b')!.text).toBe('backoff 5000 ms');
    const b = nodeIn(waiting, 'slow', 'b')!;
    expect(b).toMatchObject({ status: 'backoff', backoffDelay: 5000 });
    expect(b.backoffLeft).toBeGreaterThan(0);
    expect(b.backoffLeft).toBeLessThanOrEqual(5000);

    crash(registry, 'c');
    const gaveUp = await a.next(eventFrame('give-up', 'inner'), 0, 'the give-up');
    expect(eventIn(gaveUp, 'give-up', 'inner')).toMatchObject({
      childId: 'c',
      text: "gave up: 'c' needed restart number 1 within 5000 ms",
    });
    expect(nodeIn(gaveUp, 'inner')!.gaveUp).toMatchObject({ childId: 'c', restarts: 1 });
    // Its parent restarts it, and the page sees the new incarnation with its child.
    await a.next(nodeFrame((n) => n.incarnation === 2 && n.status === 'running', 'inner'));
    await a.next(nodeFrame((n) => n.incarnation === 1 && n.status === 'running', 'inner', 'c'));
    const inner = latest(a, 'inner')!;
    expect(inner.exits![0]!.reason).toMatch(/^error: MaxRestartsExceededError: /);
  });
});

// ---- Sources ------------------------------------------------------------------------------

describe('observe: a running supervisor', () => {
  it('watches a supervisor by pid without owning it', async () => {
    const registry = new Registry();
    let root: Pid | undefined;
    subscriptions.push(
      tree(registry, w('w1', { restart: 'temporary' }), w('w2')).subscribe((n) => {
        if (n.kind === 'started') root = n.pid;
      }),
    );
    const o = start(root!);
    const a = await page(await o.ready);
    const snap = await a.next((f) => f.event === 'snapshot');
    expect(snapshotOf(snap).title).toBe(String(root));
    // The children come from whichChildren, asked when the page came.
    const listed = await a.next(
      nodeFrame(() => true, 'w2'),
      0,
      'the children',
    );
    expect(changeOf(listed).nodes.map((n) => n.id)).toEqual(['w1', 'w2']);
    await a.next(nodeFrame((n) => n.restart === 'temporary' && n.status === 'running', 'w1'));

    const from = a.frames.length;
    crash(registry, 'w2');
    await a.next(eventFrame('restart', 'w2'), from, 'the restart');
    await a.next(
      nodeFrame((n) => n.incarnation === 2, 'w2'),
      from,
      'w2 again',
    );
    // A temporary child that exits is not restarted: the supervisor's answer removes it.
    crash(registry, 'w1');
    await a.next((f) => f.event === 'change' && changeOf(f).removed.includes(key('w1')), from);

    await o.close();
    // The supervisor keeps running: closing the observer only stopped watching.
    expect((await whichChildren(root!)).map((c) => c.id)).toEqual(['w2']);
  });

  it('follows a via name across the supervisor it names restarting', async () => {
    const registry = new Registry();
    const inner$ = of(w('c')).pipe(oneForOne({ registry, intensity: 0 }));
    subscriptions.push(
      tree(
        registry,
        child('inner', () => inner$),
      ).subscribe(),
    );
    const o = start(via(registry, 'inner'));
    const a = await page(await o.ready);
    expect(snapshotOf(await a.next((f) => f.event === 'snapshot')).title).toBe('inner');
    await a.next(
      nodeFrame((n) => n.status === 'running', 'c'),
      0,
      'c listed',
    );

    crash(registry, 'c');
    await a.next(eventFrame('give-up'), 0, 'the give-up');
    await a.next(eventFrame('exit'), 0, 'the root exiting');
    await a.next(
      nodeFrame((n) => n.incarnation === 2 && n.status === 'running'),
      0,
      'again',
    );
    await a.next(nodeFrame((n) => n.incarnation === 1 && n.status === 'running', 'c'));
  });

  it('rejects what it cannot watch, and bad options', () => {
    const plain = genServer({ init: () => 0 });
    const registry = new Registry();
    subscriptions.push(
      of(child('p', () => plain.start()))
        .pipe(oneForOne({ registry }))
        .subscribe(),
    );
    expect(() => observe(registry.whereis('p')!)).toThrow(/is not a supervisor/);
    expect(() => observe({} as Pid)).toThrow(TypeError);
    expect(() => observe(null as unknown as Pid)).toThrow(/source must be/);
    expect(() => observe(EMPTY, { port: -1 })).toThrow(RangeError);
    expect(() => observe(EMPTY, { port: 1.5 })).toThrow(RangeError);
    expect(() => observe(EMPTY, { maxBuffered: -1 })).toThrow(RangeError);
    expect(() => observe(EMPTY, { refreshInterval: 0 })).toThrow(RangeError);
  });
});

// ---- Pages coming and going ------------------------------------------------------------------

describe('observe: pages', () => {
  it('forgets a page that goes away, and goes on serving the others', async () => {
    const registry = new Registry();
    const o = start(tree(registry, w('w1')), { refreshInterval: 20 });
    const url = await o.ready;
    const a = await page(url);
    const b = await page(url);
    await until(() => o.clients === 2, 'two pages');
    a.close();
    await until(() => o.clients === 1, 'the closed page to be forgotten');
    b.close();
    await until(() => o.clients === 0, 'no pages');

    // Events with nobody watching cost a model update and nothing else; a new page is current.
    crash(registry, 'w1');
    const c = await page(url);
    const snap = await c.next((f) => f.event === 'snapshot');
    const w1 = nodeIn(snap, 'w1')!;
    expect(w1.exits).toHaveLength(1);
    expect(w1.restarts).toBe(1);
  });

  it('forgets a child whose spec is gone as soon as child-removed says so, page or not', async () => {
    const specs = new Subject<ChildSpec>();
    const o = start(specs.pipe(oneForOne()));
    // Short-lived temporary children: each exit removes its spec, and the event says so.
    for (let i = 0; i < 1500; i++) {
      specs.next(child(`t${i}`, () => EMPTY, { restart: 'temporary' }));
    }
    specs.next(w('alive'));
    const a = await page(await o.ready);
    const snap = snapshotOf(await a.next((f) => f.event === 'snapshot'));
    expect(snap.nodes.map((n) => n.id)).toEqual(['root', 'alive']);
    expect(snap.nodes.at(-1)).toMatchObject({ id: 'alive', status: 'running' });
    // With a page open, one more goes the same way, as a change.
    specs.next(child('t1500', () => EMPTY, { restart: 'temporary' }));
    await a.next((f) => f.event === 'change' && changeOf(f).removed.includes(key('t1500')));
  });

  it('drops a page that does not read once its backlog passes maxBuffered; the others keep up', async () => {
    const specs = new Subject<ChildSpec>();
    const o = start(specs.pipe(oneForOne()), { maxBuffered: 64 * 1024 });
    const url = new URL(await o.ready);
    const reader = await page(url.href);

    // A page that asks for the stream and then never reads a byte.
    const stalled = connect(Number(url.port), url.hostname);
    sockets.push(stalled);
    stalled.pause();
    stalled.write(`GET /events HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await until(() => o.clients === 2, 'the stalled page to connect');

    // Temporary children with long ids: each start and exit is a frame of some 6 KiB.
    // The reading page takes each pair before the next comes, so only the stalled
    // page's backlog grows: first into the socket buffers, then in the server.
    const long = 'x'.repeat(2 * 1024);
    let n = 0;
    while (o.clients === 2) {
      if (n >= 10_000) throw new Error('the stalled page was never dropped');
      const from = reader.frames.length;
      specs.next(child(`${long}${n}`, () => EMPTY, { restart: 'temporary' }));
      await reader.next(eventFrame('child-exited', `${long}${n}`), from, `child ${n}`);
      n++;
    }
    expect(o.clients).toBe(1);

    // The reading page got everything, up to a child started after the drop.
    specs.next(child('last', () => EMPTY, { restart: 'temporary' }));
    await reader.next(eventFrame('child-exited', 'last'), 0, 'the last child');
    const started = reader.frames.filter(eventFrame('child-started', `${long}${n - 1}`));
    expect(started).toHaveLength(1);
    expect(reader.closed).toBe(false);
  });
});

describe('observe: after an exit', () => {
  it('shows a child its supervisor leaves down as down, and leaves its siblings as they are', async () => {
    const registry = new Registry();
    // A transient child that ends normally when `done` completes: its supervisor leaves it down.
    const done = new Subject<never>();
    const o = start(
      tree(
        registry,
        w('w1'),
        w('w2'),
        child('once', () => done, { restart: 'transient' }),
      ),
      // No periodic refresh in this test: what it sees comes from the events and the settle.
      { refreshInterval: 1e9 },
    );
    const a = await page(await o.ready);
    await a.next(
      nodeFrame((n) => n.status === 'running', 'once'),
      0,
      'once running',
    );

    crash(registry, 'w1');
    done.complete();
    await a.next(
      nodeFrame((n) => n.status === 'terminated', 'once'),
      0,
      'once down',
    );
    await a.next(
      nodeFrame((n) => n.incarnation === 2 && n.status === 'running', 'w1'),
      0,
      'w1 again',
    );
    expect(latest(a, 'once')).toMatchObject({ status: 'terminated', incarnation: 1 });
    expect(latest(a, 'w1')).toMatchObject({ status: 'running', incarnation: 2, restarts: 1 });
    expect(latest(a, 'w2')).toMatchObject({ status: 'running', incarnation: 1 });
  });
});

describe('observe: snapshot readers', () => {
  /**
   * A /snapshot.json reader that reads the head of its answer and then stops
   * reading: the server has counted it once its first bytes come.
   */
  function stalledReader(url: URL): Promise<{ socket: Socket; head: Buffer }> {
    return new Promise((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname);
      sockets.push(s);
      s.on('error', reject);
      s.write(`GET /snapshot.json HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
      s.once('data', (head: Buffer) => {
        s.pause();
        expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
        resolve({ socket: s, head });
      });
    });
  }

  it('serves 32 readers at once and tells a 33rd busy (503, Retry-After); the others are unaffected', async () => {
    // Long ids make a snapshot of some 12 MB: more than a stalled reader's socket takes in.
    const long = 'x'.repeat(4 * 1024);
    const registry = new Registry();
    const specs = Array.from({ length: 1000 }, (_, i) => w(`${long}${i}`));
    // A page is sent the same 12 MB as its first frame: room for it, so it is not dropped.
    const o = start(tree(registry, w('w1'), ...specs), { maxBuffered: 64 * 1024 * 1024 });
    const url = new URL(await o.ready);
    const watcher = await page(url.href);
    await watcher.next((f) => f.event === 'snapshot');

    const readers = await Promise.all(Array.from({ length: 32 }, () => stalledReader(url)));
    const refused = await get(`${url.href}snapshot.json`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toBe('busy: too many snapshot readers\n');

    // The page, the stream and the readers being served are not held up by it.
    expect((await get(url.href)).status).toBe(200);
    const from = watcher.frames.length;
    crash(registry, 'w1');
    await watcher.next(eventFrame('restart', 'w1'), from, 'the restart of w1');
    const first = readers[0]!;
    const whole = new Promise<string>((resolve) => {
      const chunks: Buffer[] = [first.head];
      first.socket.on('data', (c: Buffer) => chunks.push(c));
      first.socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    first.socket.resume();
    const body = (await whole).split('\r\n\r\n').slice(1).join('\r\n\r\n');
    expect((JSON.parse(body) as SnapshotMessage).nodes).toHaveLength(1002);

    // A reader that is done frees its place.
    const served = await get(`${url.href}snapshot.json`);
    expect(served.status).toBe(200);
    expect((JSON.parse(served.body) as SnapshotMessage).nodes).toHaveLength(1002);
  });

  it("keeps each child's latest exit and a count of all: the snapshot does not grow with a child's history", async () => {
    // A child whose start fails `n` times (it is restarted at once each time), then runs.
    const failing = (id: string, n: number): ChildSpec => {
      let left = n;
      return child(id, () =>
        left-- > 0 ? throwError(() => new Error(`start failure ${left}`)) : worker.start(),
      );
    };
    const snapshotAfter = async (failures: number): Promise<{ bytes: number; node: NodeView }> => {
      const o = start(of(failing('flaky', failures)).pipe(oneForOne({ intensity: Infinity })));
      const url = await o.ready;
      const c = await page(url);
      await c.next(
        nodeFrame((n) => n.status === 'running', 'flaky'),
        0,
        'flaky running',
      );
      const got = await get(`${url}snapshot.json`);
      const node = (JSON.parse(got.body) as SnapshotMessage).nodes.find((n) => n.id === 'flaky')!;
      return { bytes: Buffer.byteLength(got.body), node };
    };

    const few = await snapshotAfter(2000);
    const many = await snapshotAfter(6000);
    expect(many.node.exitCount).toBe(6000);
    expect(many.node.exits).toHaveLength(1);
    expect(many.node.exits![0]!.reason).toBe('error: Error: start failure 0');
    expect(few.node.exitCount).toBe(2000);
    expect(few.node.exits).toHaveLength(1);
    // Three times the history, the same size (the counts and the log's 200 latest events have
    // as many digits either way; a pid or a time may take one more).
    expect(Math.abs(many.bytes - few.bytes)).toBeLessThan(16);
  });
});

// ---- Safety ------------------------------------------------------------------------------

describe('observe: safety', () => {
  it('is read-only, and answers only to loopback names when bound to loopback', async () => {
    const registry = new Registry();
    const o = start(tree(registry, w('w1')));
    const url = await o.ready;
    const w1 = registry.whereis('w1');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['', 'events', 'snapshot.json']) {
        const res = await get(`${url}${path}`, { method });
        expect(res.status).toBe(405);
        expect(res.headers['allow']).toBe('GET, HEAD');
      }
    }
    expect((await get(`${url}restart?id=w1`)).status).toBe(404);
    expect((await get(url, { host: 'attacker.example' })).status).toBe(403);
    expect((await get(url, { host: `localhost:${new URL(url).port}` })).status).toBe(200);

    const html = await get(url);
    expect(html.status).toBe(200);
    expect(html.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const json = await get(`${url}snapshot.json`);
    expect((JSON.parse(json.body) as SnapshotMessage).nodes.map((n) => n.id)).toEqual([
      'root',
      'w1',
    ]);
    // Nothing moved.
    expect(registry.whereis('w1')).toBe(w1);
  });

  it('shows lost messages, their contents only with showMessages', async () => {
    for (const showMessages of [false, true]) {
      const registry = new Registry();
      const o = start(tree(registry, w('w1')), { showMessages });
      const a = await page(await o.ready);
      await a.next((f) => f.event === 'snapshot');
      const old = registry.whereis('w1')!;
      stop(old, { kind: 'error', error: new Error('planned') });
      await a.next(nodeFrame((n) => n.incarnation === 2, 'w1'));
      send(old, { password: 'hunter2' });
      const lost = await a.next(
        nodeFrame((n) => n.lostCount === 1, 'w1'),
        0,
        'the lost message',
      );
      const [letter] = nodeIn(lost, 'w1')!.lost!;
      expect(letter).toMatchObject({ kind: 'info', reason: 'error: Error: planned' });
      const everything = JSON.stringify(a.frames);
      if (showMessages) {
        expect(letter!.message).toBe('{"password":"hunter2"}');
      } else {
        expect(letter!.message).toBeUndefined();
        expect(everything).not.toContain('hunter2');
      }
      await o.close();
    }
  });
});

describe('observe: a message no preview can print', () => {
  const unhandled = useUnhandledErrors();

  it('previews it as [unprintable], reports why, and goes on', async () => {
    const reported: Report[] = [];
    subscriptions.push(reports$.subscribe((r) => reported.push(r)));
    const registry = new Registry();
    const o = start(tree(registry, w('w1')), { showMessages: true });
    const a = await page(await o.ready);
    await a.next((f) => f.event === 'snapshot');
    const old = registry.whereis('w1')!;
    stop(old, { kind: 'error', error: new Error('planned') });
    await a.next(nodeFrame((n) => n.incarnation === 2, 'w1'));
    // Every trap throws: JSON.stringify fails, and so does Object.prototype.toString.
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no reading me');
        },
        ownKeys: () => {
          throw new Error('no listing me');
        },
        getPrototypeOf: () => {
          throw new Error('no prototype');
        },
      },
    );
    send(old, hostile);
    const lost = await a.next(
      nodeFrame((n) => n.lostCount === 1, 'w1'),
      0,
      'the lost message',
    );
    expect(nodeIn(lost, 'w1')!.lost![0]!.message).toBe('[unprintable]');
    expect(reported).toEqual([
      expect.objectContaining({ kind: 'callback', callback: 'preview', pid: old }),
    ]);
    // The server goes on serving.
    expect((await get(`${await o.ready}snapshot.json`)).status).toBe(200);
    expect(unhandled()).toHaveBeenCalledTimes(1);
  });
});

// ---- Lifetime ------------------------------------------------------------------------------

describe('observe: lifetime', () => {
  it('close() tears down a tree it subscribed and closes the server', async () => {
    const registry = new Registry();
    const before = liveActorCount();
    const o = start(tree(registry, w('w1'), w('w2')));
    const url = await o.ready;
    const a = await page(url);
    await a.next((f) => f.event === 'snapshot');
    expect(liveActorCount()).toBe(before + 3);
    const closing = o.close();
    expect(o.close()).toBe(closing);
    await closing;
    expect(liveActorCount()).toBe(before);
    await until(() => a.closed, 'the page stream to end');
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('shows a tree whose supervisor never started, and why', async () => {
    const o = start(of(w('same'), w('same')).pipe(oneForOne()));
    const a = await page(await o.ready);
    const root = nodeIn(await a.next((f) => f.event === 'snapshot'))!;
    expect(root.status).toBe('terminated');
    expect(root.exits).toEqual([
      expect.objectContaining({
        kind: 'error',
        reason: expect.stringMatching(/^error: ChildSpecError: /) as unknown,
      }),
    ]);
  });

  it('close() right away still closes the server once it listens', async () => {
    const o = start(EMPTY);
    await o.close();
    await expect(get(await o.ready)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('ready rejects when the port is taken', async () => {
    const first = start(EMPTY);
    const port = Number(new URL(await first.ready).port);
    const second = start(EMPTY, { port });
    await expect(second.ready).rejects.toThrow(/EADDRINUSE/);
    expect(second.url).toBeUndefined();
    await second.close();
  });

  it("importing 'rxotp' does not load node:http; 'rxotp/observer' does", () => {
    const root = resolve(__dirname, '../..');
    const loads = (entry: string): boolean =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import(${JSON.stringify(entry)}).then(() => console.log(process.moduleLoadList.includes('NativeModule http')))`,
        ],
        { cwd: root, encoding: 'utf8' },
      ).trim() === 'true';
    expect(loads('./src/index.ts')).toBe(false);
    expect(loads('./src/observer/index.ts')).toBe(true);
  });
});

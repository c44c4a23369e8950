/**
 * Every exported function of rxotp, rxotp/testing, rxotp/observer and rxotp/remote, given
 * each hostile value in each argument: it either takes the value (where any
 * value is valid: a message, a name) or throws a TypeError or RangeError that
 * names the function and the argument, in a message of bounded length (a 5 MB
 * string is never copied into it, nor spread), and sends nothing.
 */
import { EMPTY, asyncScheduler, of, type Subscription } from 'rxjs';
import {
  Registry,
  call,
  call$,
  cast,
  child,
  childrenOf,
  countChildren,
  deleteChild,
  events$,
  formatExit,
  broadcast,
  genServer,
  GroupScope,
  join,
  leave,
  members$,
  next,
  oneForAll,
  oneForOne,
  published$,
  restForOne,
  restartChild,
  send,
  spawn,
  state$,
  stop,
  supervise,
  startChild,
  terminateChild,
  typedName,
  via,
  whichChildren,
  type Pid,
} from '../../src/index.js';
import { observe } from '../../src/observer/index.js';
import {
  clusterGroups,
  clusterPermissions,
  ClusterRegistry,
  connectNode,
  entities,
  entity,
  clusterSingleton,
  singletonVia,
  joinCluster,
  linkPair,
  natsLink,
  portLink,
  type ClusterConnection,
  type ClusterKv,
  type ClusterNode,
  type EntityKv,
  type SingletonKv,
  type NatsLinkConnection,
} from '../../src/remote/index.js';
import { EntityRouter } from '../../src/cluster/entity-router.js';
import {
  describeEvent,
  scriptedChild,
  treeMarbles,
  whereisMarbles,
} from '../../src/testing/index.js';

// ---- The hostile values ----------------------------------------------------------------------

const HUGE = 'x'.repeat(5_000_000);
const fail = (): never => {
  throw new Error('a trap or getter that throws');
};
/** Every field anything in rxotp reads, as a getter that throws. */
const throwingGetters = Object.fromEntries(
  [
    'kind',
    'error',
    'timeout',
    'scheduler',
    'name',
    'registry',
    'strategy',
    'intensity',
    'period',
    'backoff',
    'maxChildren',
    'autoShutdown',
    'holdBound',
    'init',
    'boot',
    'port',
    'host',
    'showMessages',
    'maxBuffered',
    'refreshInterval',
    'restart',
    'shutdown',
    'type',
    'significant',
    'id',
    'start',
    'mailbox',
    's',
    'link',
    'connection',
    'node',
    'peer',
    'codec',
    'heartbeat',
    'interval',
    'missed',
    'replicas',
    'maxPeers',
    'bucket',
    'cluster',
    'signal',
    'trapExit',
    'continue',
    'leaving$',
  ].map((key) => [key, { get: fail, enumerable: true }]),
);
const getterObject: object = Object.defineProperties({}, throwingGetters);
const hostileProxy: object = new Proxy(
  {},
  {
    get: fail,
    has: fail,
    ownKeys: fail,
    getPrototypeOf: fail,
    getOwnPropertyDescriptor: fail,
  },
);

const BAD: readonly [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['NaN', NaN],
  ['-1', -1],
  ['Infinity', Infinity],
  ['a Symbol', Symbol('bad')],
  ['a 5 MB string', HUGE],
  ['an object with a throwing getter', getterObject],
  ['a Proxy whose traps throw', hostileProxy],
];
type Label = (typeof BAD)[number][0];
const ANY: Label[] = BAD.map(([label]) => label);
const OPTIONAL: Label[] = ['undefined'];
const STRING: Label[] = ['a 5 MB string'];

// ---- Valid baselines --------------------------------------------------------------------------

const echo = genServer({
  init: () => 0,
  handleCall: (_: unknown, _from, n: number) => ({ reply: n, state: n }),
  handleCast: (_: unknown, n: number) => n,
  handleInfo: (_: unknown, n: number) => n,
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

function anActor(): Pid {
  const pid = spawn(echo, undefined);
  cleanups.push(() => stop(pid));
  return pid;
}

function aSupervisor(): Pid {
  let pid: Pid | undefined;
  const subscription: Subscription = supervise([child('w', () => echo.start())]).subscribe((n) => {
    if (n.kind === 'started') pid = n.pid;
  });
  cleanups.push(() => subscription.unsubscribe());
  return pid!;
}

/** Swallows what an accepted call returns (a Promise that may reject, a server to close). */
function settle(result: unknown): void {
  if (result instanceof Promise) result.catch(() => {});
  const handle = result as { close?: () => Promise<void> } | undefined;
  if (handle !== null && typeof handle === 'object' && typeof handle.close === 'function') {
    const close = handle.close;
    cleanups.push(() => void close());
  }
}

/** A link to nowhere, closed after the test. */
function aLink(): ReturnType<typeof linkPair>[0] {
  const [link] = linkPair();
  cleanups.push(() => link.close());
  return link;
}

/** A node on a link to nowhere, with `overrides` in its options; closed after the test. */
function aNode(overrides: object): { whereis$: (name: string) => unknown } {
  const node = connectNode({ name: 'a', link: aLink(), ...overrides });
  cleanups.push(() => node.close());
  // Not the node itself: `settle` would take its close() for a server's.
  return { whereis$: (name) => node.whereis$(name) };
}

/** A NATS connection that carries nothing: natsLink's checks run before it is used. */
const idleNats: NatsLinkConnection = {
  publish: () => undefined,
  subscribe: () => ({ unsubscribe: () => undefined }),
  closed: () => new Promise(() => undefined),
  isClosed: () => false,
};
/** A cluster connection that carries nothing: joinCluster refuses bad options before it is used. */
const silentCluster: ClusterConnection = {
  publish: () => undefined,
  subscribe: () => ({ unsubscribe: () => undefined }),
  flush: () => Promise.resolve(),
  closed: () => new Promise(() => undefined),
};
/** A bucket that is never there: a join with valid options rejects, having sent nothing. */
const missingBucket: ClusterKv = {
  create: () => Promise.reject(new Error('no bucket')),
  update: () => Promise.reject(new Error('no bucket')),
  delete: () => Promise.reject(new Error('no bucket')),
  watch: () => Promise.reject(new Error('no bucket')),
  status: () => Promise.reject(new Error('no bucket')),
};
const clusterBase = { connection: silentCluster, name: 'a', bucket: missingBucket };
/** A node that has left its cluster: entities with valid options reject at once, having sent nothing. */
function leftNode(): ClusterNode {
  const registry = new ClusterRegistry(missingBucket, {
    name: 'a',
    address: 'a.r',
    scheduler: asyncScheduler,
    remotePid: fail,
    publish: () => undefined,
    reportFailure: () => undefined,
    unregisterAt: () => undefined,
    isMet: () => false,
  });
  registry.detach();
  return {
    name: 'a',
    registry,
    nodes$: of([]),
    down$: EMPTY,
    leaving$: EMPTY,
    stats: () => ({ peers: 0, badFrames: 0, refusedPeers: 0 }),
    close: () => Promise.resolve(),
  };
}
const missingEntities: EntityKv = {
  create: () => Promise.reject(new Error('no bucket')),
  get: () => Promise.reject(new Error('no bucket')),
  delete: () => Promise.reject(new Error('no bucket')),
};
const entityDef = echo as never;
const anEntities = (options: object) =>
  entities(leftNode(), 't', entityDef, { bucket: missingEntities, ...options });
const aRegion = () =>
  new EntityRouter(leftNode(), 't', entityDef, {
    bucket: missingEntities,
    shards: 1,
    idleTimeout: Infinity,
    holdBound: 1,
    intensity: undefined,
    period: undefined,
    backoff: undefined,
    scheduler: asyncScheduler,
  });
/** A stand-in for a joined node: clusterGroups checks its options before it uses the node. */
const fakeNode = {
  name: 'a',
  address: 'a.r1',
  scheduler: asyncScheduler,
  remotePid: () => undefined,
  publish: () => undefined,
  reportFailure: () => undefined,
  close: () => Promise.resolve(),
} as unknown as ClusterNode;

/** The ctx of a running actor (its methods check their arguments, inside a handler or not). */
function aCtx(): { monitor(pid: unknown): unknown; demonitor(ref: unknown): unknown } {
  let ctx: { monitor(pid: unknown): unknown; demonitor(ref: unknown): unknown } | undefined;
  const def = genServer({
    init: (_: void, c) => {
      ctx = c;
      return 0;
    },
  });
  const pid = spawn(def, undefined);
  cleanups.push(() => stop(pid));
  return ctx!;
}
/** A node that never hears of anything: clusterSingleton and singletonVia check before using it. */
const quietNode = {
  name: 'a',
  registry: { claim: () => Promise.resolve(), whereis$: () => of(undefined) },
  leaving$: EMPTY,
} as unknown as ClusterNode;
/** A lease bucket that is never reached: a valid clusterSingleton spec is only built here. */
const unusedLeases: SingletonKv = {
  ...missingBucket,
  watch: () => Promise.reject(new Error('no bucket')),
};
const singletonChild = () => child('s', () => echo.start());

// ---- The table --------------------------------------------------------------------------------

interface Row {
  /** The name the error must give: the function (or method) called. */
  readonly fn: string;
  /** The argument's name, as the error must give it. */
  readonly arg: string;
  /** Calls the export with `value` in that argument and valid values elsewhere. */
  readonly run: (value: unknown) => unknown;
  /** The hostile values that are valid there. */
  readonly accepts: readonly Label[];
}

const row = (
  fn: string,
  arg: string,
  run: (v: unknown) => unknown,
  accepts: readonly Label[] = [],
): Row => ({
  fn,
  arg,
  run,
  accepts,
});
const specs = () => [child('w', () => echo.start())];
const as = (v: unknown): never => v as never;

const ROWS: readonly Row[] = [
  // rxotp: exit reasons and actors
  row('formatExit', 'reason', (v) => formatExit(as(v))),
  row('genServer', 'behavior', (v) => genServer(as(v))),
  row('genServer<P>()', 'behavior', (v) => genServer<{ cast: 'inc' }>()(as(v))),
  row('spawn', 'def', (v) => spawn(as(v), undefined)),
  row(
    'spawn',
    'args',
    (v) =>
      cleanups.push(
        (
          (p) => () =>
            stop(p)
        )(spawn(echo, as(v))),
      ),
    ANY,
  ),
  row('spawn', 'options', (v) => spawn(echo, undefined, as(v)), OPTIONAL),
  row('start', 'options', (v) => echo.start(undefined, as(v)), OPTIONAL),
  row('state$', 'address', (v) => state$(as(v))),
  row('published$', 'address', (v) => published$(as(v))),
  row('genServer', 'trapExit', (v) => genServer({ init: () => 0, trapExit: as(v) }), OPTIONAL),
  row('next', 'result', (v) => next(v, { timeout: 5 }), ANY),
  row('next', 'options', (v) => next(0, as(v))),
  row('next', 'timeout', (v) => next(0, { timeout: as(v) }), ['undefined', 'Infinity']),
  row('next', 'continue', (v) => next(0, { continue: v }), ANY),
  row('ctx.monitor', 'pid', (v) => aCtx().monitor(v)),
  // An unknown ref (any object) gives false, as Erlang's demonitor of an unknown ref.
  row('ctx.demonitor', 'ref', (v) => aCtx().demonitor(v), [
    'an object with a throwing getter',
    'a Proxy whose traps throw',
  ]),
  // process groups
  row('join', 'group', (v) => join(as(v), anActor()), STRING),
  row('join', 'pid', (v) => join('g', as(v))),
  row('join', 'scope', (v) => join('g', anActor(), as(v)), OPTIONAL),
  row('leave', 'group', (v) => leave(as(v), anActor()), STRING),
  row('leave', 'pid', (v) => leave('g', as(v))),
  row('leave', 'scope', (v) => leave('g', anActor(), as(v)), OPTIONAL),
  row('members$', 'group', (v) => members$(as(v)), STRING),
  row('members$', 'scope', (v) => members$('g', as(v)), OPTIONAL),
  row('broadcast', 'group', (v) => broadcast(as(v), 1), STRING),
  row('broadcast', 'message', (v) => broadcast('g', v, new GroupScope()), ANY),
  row('broadcast', 'scope', (v) => broadcast('g', 1, as(v)), OPTIONAL),
  // messaging
  row('send', 'target', (v) => send(as(v), 1)),
  row('send', 'message', (v) => send(anActor(), v), ANY),
  row('cast', 'target', (v) => cast(as(v), 1)),
  row('cast', 'request', (v) => cast(anActor(), v), ANY),
  row('call', 'target', (v) => call(as(v), 1)),
  row('call', 'request', (v) => call(anActor(), v), ANY),
  row('call', 'options', (v) => call(anActor(), 1, as(v)), OPTIONAL),
  row('call$', 'target', (v) => call$(as(v), 1)),
  row('call$', 'options', (v) => call$(anActor(), 1, as(v)), OPTIONAL),
  row('call', 'signal', (v) => call(anActor(), 1, { signal: as(v) }), OPTIONAL),
  row('call$', 'signal', (v) => call$(anActor(), 1, { signal: as(v) }), OPTIONAL),
  row('stop', 'target', (v) => stop(as(v))),
  row('stop', 'reason', (v) => stop(anActor(), as(v)), OPTIONAL),
  // registry
  row('via', 'registry', (v) => via(as(v), 'a')),
  row('via', 'name', (v) => via(new Registry(), as(v)), STRING),
  row('typedName', 'name', (v) => typedName(as(v)), STRING),
  row('register', 'name', (v) => new Registry().register(as(v), anActor()), STRING),
  row('register', 'pid', (v) => new Registry().register('a', as(v))),
  row('unregister', 'name', (v) => new Registry().unregister(as(v)), STRING),
  row('unregister', 'pid', (v) => new Registry().unregister('a', as(v)), OPTIONAL),
  row('whereis', 'name', (v) => new Registry().whereis(as(v)), STRING),
  row('whereis$', 'name', (v) => new Registry().whereis$(as(v)), STRING),
  // supervisors
  row('child', 'id', (v) => child(as(v), () => EMPTY), STRING),
  row('child', 'start', (v) => child('a', as(v))),
  row('child', 'options', (v) => child('a', () => EMPTY, as(v)), OPTIONAL),
  row('oneForOne', 'options', (v) => oneForOne(as(v)), OPTIONAL),
  row('oneForAll', 'options', (v) => oneForAll(as(v)), OPTIONAL),
  row('restForOne', 'options', (v) => restForOne(as(v)), OPTIONAL),
  row('supervise', 'specs', (v) => supervise(as(v))),
  row('supervise', 'options', (v) => supervise(specs(), as(v)), OPTIONAL),
  row('events$', 'supervisor', (v) => events$(as(v))),
  row('childrenOf', 'supervisor', (v) => childrenOf(as(v))),
  row('whichChildren', 'supervisor', (v) => whichChildren(as(v))),
  row('countChildren', 'supervisor', (v) => countChildren(as(v))),
  row('startChild', 'supervisor', (v) =>
    startChild(
      as(v),
      child('n', () => echo.start()),
    ),
  ),
  row('startChild', 'spec', (v) => startChild(aSupervisor(), as(v))),
  row('terminateChild', 'supervisor', (v) => terminateChild(as(v), 'w')),
  row('terminateChild', 'id', (v) => terminateChild(aSupervisor(), as(v)), STRING),
  row('restartChild', 'supervisor', (v) => restartChild(as(v), 'w')),
  row('restartChild', 'id', (v) => restartChild(aSupervisor(), as(v)), STRING),
  row('deleteChild', 'supervisor', (v) => deleteChild(as(v), 'w')),
  row('deleteChild', 'id', (v) => deleteChild(aSupervisor(), as(v)), STRING),
  // rxotp/testing
  row('describeEvent', 'n', (v) => describeEvent(as(v))),
  row('scriptedChild', 'id', (v) => scriptedChild(as(v), EMPTY), STRING),
  row('scriptedChild', 'script', (v) => scriptedChild('a', as(v))),
  row('scriptedChild', 'options', (v) => scriptedChild('a', EMPTY, as(v)), OPTIONAL),
  row('treeMarbles', 'tree$', (v) => treeMarbles(as(v), { s: 'start a' })),
  row('treeMarbles', 'letters', (v) => treeMarbles(of(), as(v))),
  row('whereisMarbles', 'registry', (v) => whereisMarbles(as(v), 'a')),
  row('whereisMarbles', 'name', (v) => whereisMarbles(new Registry(), as(v)), STRING),
  // rxotp/observer
  row('observe', 'source', (v) => observe(as(v))),
  row('observe', 'options', (v) => observe(EMPTY, as(v)), OPTIONAL),
  // rxotp/remote (nothing here reaches a server: every check runs before anything is sent)
  row('connectNode', 'options', (v) => connectNode(as(v))),
  row('connectNode', 'name', (v) => connectNode({ name: as(v), link: aLink() })),
  row('connectNode', 'link', (v) => connectNode({ name: 'a', link: as(v) })),
  row('connectNode', 'heartbeat', (v) => aNode({ heartbeat: as(v) }), OPTIONAL),
  row(
    'connectNode',
    'heartbeat.interval',
    (v) => aNode({ heartbeat: { interval: as(v) } }),
    OPTIONAL,
  ),
  row('connectNode', 'heartbeat.missed', (v) => aNode({ heartbeat: { missed: as(v) } }), OPTIONAL),
  row('connectNode', 'registry', (v) => aNode({ registry: as(v) }), OPTIONAL),
  row('connectNode', 'scheduler', (v) => aNode({ scheduler: as(v) }), OPTIONAL),
  row('whereis', 'name', (v) => aNode({ heartbeat: false }).whereis$(as(v)), STRING),
  row('linkPair', 'options', (v) => linkPair(as(v)), OPTIONAL),
  row('portLink', 'port', (v) => portLink(as(v))),
  row('natsLink', 'options', (v) => natsLink(as(v))),
  row('natsLink', 'connection', (v) => natsLink({ connection: as(v), node: 'a', peer: 'b' })),
  row('natsLink', 'node', (v) => natsLink({ connection: idleNats, node: as(v), peer: 'b' })),
  row('natsLink', 'peer', (v) => natsLink({ connection: idleNats, node: 'a', peer: as(v) })),
  row(
    'natsLink',
    'codec',
    (v) => natsLink({ connection: idleNats, node: 'a', peer: 'b', codec: as(v) }),
    OPTIONAL,
  ),
  row('joinCluster', 'options', (v) => joinCluster(as(v))),
  row('joinCluster', 'connection', (v) => joinCluster({ connection: as(v), name: 'a' })),
  row('joinCluster', 'name', (v) => joinCluster({ connection: silentCluster, name: as(v) })),
  row('joinCluster', 'cluster', (v) => joinCluster({ ...clusterBase, cluster: as(v) }), OPTIONAL),
  row(
    'joinCluster',
    'heartbeat',
    (v) => joinCluster({ ...clusterBase, heartbeat: as(v) }),
    OPTIONAL,
  ),
  row('joinCluster', 'codec', (v) => joinCluster({ ...clusterBase, codec: as(v) }), OPTIONAL),
  row('joinCluster', 'replicas', (v) => joinCluster({ ...clusterBase, replicas: as(v) }), OPTIONAL),
  row('joinCluster', 'maxPeers', (v) => joinCluster({ ...clusterBase, maxPeers: as(v) }), OPTIONAL),
  row(
    'joinCluster',
    'bucket',
    (v) => joinCluster({ connection: silentCluster, name: 'a', bucket: as(v) }),
    OPTIONAL,
  ),
  row(
    'joinCluster',
    'scheduler',
    (v) => joinCluster({ ...clusterBase, scheduler: as(v) }),
    OPTIONAL,
  ),
  row('entities', 'node', (v) => entities(as(v), 't', entityDef, { bucket: missingEntities })),
  row('entities', 'type', (v) =>
    entities(leftNode(), as(v), entityDef, { bucket: missingEntities }),
  ),
  row('entities', 'def', (v) => entities(leftNode(), 't', as(v), { bucket: missingEntities })),
  row('entities', 'options', (v) => entities(leftNode(), 't', entityDef, as(v))),
  row('entities', 'bucket', (v) => entities(leftNode(), 't', entityDef, { bucket: as(v) })),
  row('entities', 'shards', (v) => anEntities({ shards: v }), OPTIONAL),
  row('entities', 'idleTimeout', (v) => anEntities({ idleTimeout: v }), [...OPTIONAL, 'Infinity']),
  row('entities', 'holdBound', (v) => anEntities({ holdBound: v }), [...OPTIONAL, 'Infinity']),
  row('entities', 'intensity', (v) => anEntities({ intensity: v }), [...OPTIONAL, 'Infinity']),
  row('entities', 'period', (v) => anEntities({ period: v }), [...OPTIONAL, 'Infinity']),
  row('entities', 'backoff', (v) => anEntities({ backoff: v }), OPTIONAL),
  row('entities', 'scheduler', (v) => anEntities({ scheduler: v }), OPTIONAL),
  row('entity', 'region', (v) => entity(as(v), 'x')),
  row('entity', 'id', (v) => entity(aRegion(), as(v)), STRING),
  row('clusterGroups', 'node', (v) => clusterGroups(as(v), { bucket: missingBucket })),
  row('clusterGroups', 'options', (v) => clusterGroups(fakeNode, as(v))),
  row(
    'clusterGroups',
    'bucket',
    (v) => clusterGroups(fakeNode, { bucket: as(v), connection: as('none') }),
    [],
  ),
  row('clusterGroups', 'connection', (v) => clusterGroups(fakeNode, { connection: as(v) })),
  row(
    'clusterGroups',
    'cluster',
    (v) => clusterGroups(fakeNode, { bucket: missingBucket, cluster: as(v) }),
    OPTIONAL,
  ),
  row('clusterSingleton', 'node', (v) =>
    clusterSingleton(as(v), singletonChild(), { bucket: unusedLeases }),
  ),
  row('clusterSingleton', 'spec', (v) =>
    clusterSingleton(quietNode, as(v), { bucket: unusedLeases }),
  ),
  row('clusterSingleton', 'options', (v) => clusterSingleton(quietNode, singletonChild(), as(v))),
  row('clusterSingleton', 'bucket', (v) =>
    clusterSingleton(quietNode, singletonChild(), { bucket: as(v) }),
  ),
  row(
    'clusterSingleton',
    'name',
    (v) => clusterSingleton(quietNode, singletonChild(), { bucket: unusedLeases, name: as(v) }),
    OPTIONAL,
  ),
  row(
    'clusterSingleton',
    'heartbeat',
    (v) =>
      clusterSingleton(quietNode, singletonChild(), { bucket: unusedLeases, heartbeat: as(v) }),
    OPTIONAL,
  ),
  row(
    'clusterSingleton',
    'holdBound',
    (v) =>
      clusterSingleton(quietNode, singletonChild(), { bucket: unusedLeases, holdBound: as(v) }),
    OPTIONAL,
  ),
  row(
    'clusterSingleton',
    'scheduler',
    (v) =>
      clusterSingleton(quietNode, singletonChild(), { bucket: unusedLeases, scheduler: as(v) }),
    OPTIONAL,
  ),
  row('singletonVia', 'node', (v) => singletonVia(as(v), 's')),
  row('singletonVia', 'name', (v) => singletonVia(quietNode, as(v))),
  row('singletonVia', 'options', (v) => singletonVia(quietNode, 's', as(v)), OPTIONAL),
  row('clusterPermissions', 'options', (v) => clusterPermissions(as(v))),
  row('clusterPermissions', 'name', (v) => clusterPermissions({ name: as(v) })),
  row(
    'clusterPermissions',
    'cluster',
    (v) => clusterPermissions({ name: 'a', cluster: as(v) }),
    OPTIONAL,
  ),
];

const CASES = ROWS.flatMap((r) =>
  BAD.map(([label, value]) => [`${r.fn} ${r.arg}: ${label}`, r, label, value] as const),
);

describe('every export checks every argument', () => {
  test.each(CASES)('%s', (_title, r, label, value) => {
    if (r.accepts.includes(label)) {
      settle(r.run(value));
      return;
    }
    let thrown: unknown;
    try {
      settle(r.run(value));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeDefined();
    expect([TypeError, RangeError].some((kind) => thrown instanceof kind)).toBe(true);
    const { message } = thrown as Error;
    expect(message).toContain(r.fn);
    expect(message).toContain(r.arg);
    // Bounded whatever the value: a 5 MB string is quoted by its start.
    expect(message.length).toBeLessThan(400);
  });
});

describe('formatExit of a non-reason', () => {
  it('throws a TypeError naming formatExit and what an ExitReason is', () => {
    expect(() => formatExit(as(undefined))).toThrow(
      /^formatExit: reason must be an ExitReason \(\{ kind: 'normal' \| 'cancelled' \} or \{ kind: 'error', error \}\), got undefined\.$/,
    );
    expect(() => formatExit(as({}))).toThrow(/^formatExit: reason must be an ExitReason/);
  });
});

describe('supervise with options that are not options', () => {
  it.each([
    ['null', null],
    ['-1', -1],
    ["'one_for_all'", 'one_for_all'],
    ['a Symbol', Symbol('s')],
    ['a function', () => ({ strategy: 'one_for_all' })],
  ])('%s throws instead of running one_for_one', (_label, options) => {
    expect(() => supervise(specs(), as(options))).toThrow(
      /^supervise: options must be an object like \{ intensity: 3, period: 5000 \}, got /,
    );
  });
});

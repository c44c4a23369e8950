// One node of a cluster in a child process of its own, for cluster-processes.spec.ts.
// Run: node --import tsx cluster-node-process.ts '<NodeConfig as JSON>' (with an IPC channel).
// It joins the cluster, says { event: 'ready' }, then obeys one Command per IPC message and
// answers each with a Reply carrying the command's ref (some answer later: a monitor, a hammer).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { config, filter, firstValueFrom, type Subscription } from 'rxjs';
import {
  call,
  cast,
  child,
  formatExit,
  genServer,
  spawn,
  stop,
  supervise,
  via,
  type ExitReason,
  type Pid,
  type Protocol,
} from '../../src/index.js';
import { NodeDownError, joinCluster, type ClusterNode } from '../../src/remote/index.js';

/** What a node is told at start (argv[2], JSON). */
export interface NodeConfig {
  /** The one server this node connects to. */
  readonly url: string;
  readonly name: string;
  readonly cluster: string;
  readonly heartbeat: { readonly interval: number; readonly missed: number };
  readonly replicas: number;
  /** A subject this process answers on: once no one does, its connection is gone. */
  readonly probe: string;
}

/** The worker's protocol: casts and calls a test sends through a name. */
export type Request = 'get' | 'who' | { readonly echo: number };
/** 'slow' keeps the worker busy a while, so later messages queue in its mailbox. */
export type CastRequest = 'inc' | 'slow' | 'crash' | { readonly mark: number };
export interface WhoReply {
  readonly node: string;
  readonly id: number;
}
export interface EchoReply {
  readonly echo: number;
  readonly incarnation: number;
}

/** An exit reason as it crosses IPC. */
export interface ReasonReport {
  readonly text: string;
  readonly errorName?: string;
  readonly node?: string;
  readonly why?: string;
}

export interface ClaimReport {
  readonly won: boolean;
  readonly pid: string;
  readonly error?: string;
  /** Whether the pid still runs after the race (a loser keeps running, unnamed). */
  readonly alive: boolean;
}

export interface HammerReport {
  /** Every `{ mark }` cast sent, in order. */
  readonly casts: number[];
  /** Casts sent while the name resolved to nothing here (held for the next incarnation). */
  readonly gapCasts: number;
  /** Casts `cast` refused at once (dead letters). */
  readonly refused: number;
  readonly calls: number;
  /** Answered calls per incarnation that answered. */
  readonly answered: Record<string, number>;
  /** Failed calls by error name. */
  readonly errors: Record<string, number>;
  /** Calls answered with another call's id. */
  readonly mismatched: number;
}

export type Command =
  /** Spawns a worker named `name` and registers it (sync) or claims it (awaits the bucket). */
  | { readonly op: 'spawn'; readonly name: string; readonly claim: boolean }
  /** Spawns one unnamed worker per name, ready for `claim-go`. */
  | { readonly op: 'claim-prepare'; readonly names: readonly string[] }
  /** Claims every prepared name at once; answers a ClaimReport per name. */
  | { readonly op: 'claim-go' }
  /** Starts a one_for_one supervisor with one permanent worker child named `name` (backoff in ms, 0 for none). */
  | { readonly op: 'supervise'; readonly name: string; readonly backoff: number }
  /** Crashes the worker under `name`; answers once the name points at a new pid here. */
  | { readonly op: 'crash'; readonly name: string }
  /** Stops the pid under `name` (normal); answers once it has exited. */
  | { readonly op: 'stop'; readonly name: string }
  | { readonly op: 'call'; readonly name: string; readonly request: Request }
  | { readonly op: 'cast'; readonly name: string; readonly request: CastRequest }
  /** Casts each of `casts` through `name` at once, then calls `then` there and answers its reply. */
  | {
      readonly op: 'burst';
      readonly name: string;
      readonly casts: readonly CastRequest[];
      readonly then: Request;
    }
  /** Answers once `name` resolves here (present: its pid as text) or no longer does (null). */
  | { readonly op: 'await-name'; readonly name: string; readonly present: boolean }
  /** Watches the pid under `name` now; answers with its exit reason when it exits. */
  | { readonly op: 'monitor'; readonly name: string }
  /** Casts `{ mark }` and calls `{ echo }` through `name` every `every` ms; answers when `warm` calls were answered. */
  | {
      readonly op: 'hammer-start';
      readonly name: string;
      readonly every: number;
      readonly warm: number;
    }
  /** Stops the hammer once `after` calls were answered by a later incarnation; answers a HammerReport. */
  | { readonly op: 'hammer-stop'; readonly after: number }
  /** `count` calls `{ echo: i }` through `name`, `window` at a time; answers the echoes and errors. */
  | { readonly op: 'calls'; readonly name: string; readonly count: number; readonly window: number }
  /** What the workers of this process received: marks cast and ids echoed. */
  | { readonly op: 'ledger' }
  | { readonly op: 'close' };

export type Message = { readonly ref: number; readonly command: Command };

export type Reply =
  | { readonly ref: number; readonly ok: true; readonly value: unknown }
  | { readonly ref: number; readonly ok: false; readonly error: { name: string; message: string } };

export type Event =
  { readonly event: 'ready' } | { readonly event: 'unhandled'; readonly error: string };

const settings = JSON.parse(process.argv[2] ?? '{}') as NodeConfig;
const nodeName = settings.name;
const ledger = { marks: [] as number[], echoes: [] as number[] };
const incarnations = new Map<string, number>();

/** A worker: counts `inc`, records marks and echoes (across its incarnations), crashes on demand. */
const worker = genServer<{
  state: { readonly count: number; readonly incarnation: number };
  args: string;
  call: Request;
  reply: unknown;
  cast: CastRequest;
}>()({
  init: (label) => {
    const incarnation = (incarnations.get(label) ?? 0) + 1;
    incarnations.set(label, incarnation);
    return { count: 0, incarnation };
  },
  handleCall: (request, _from, state, ctx) => {
    if (request === 'get') return { reply: state.count, state };
    if (request === 'who') return { reply: { node: nodeName, id: ctx.self.id }, state };
    ledger.echoes.push(request.echo);
    return { reply: { echo: request.echo, incarnation: state.incarnation }, state };
  },
  handleCast: (request, state) => {
    if (request === 'slow') return new Promise((resolve) => setTimeout(() => resolve(state), 300));
    if (request === 'crash') throw new Error('crashed on request');
    if (request !== 'inc') ledger.marks.push(request.mark);
    return { ...state, count: state.count + 1 };
  },
});

const send = (message: Reply | Event): void => {
  process.send?.(message);
};

const prepared = new Map<string, Pid>();
const subscriptions: Subscription[] = [];
let hammer: Hammer | null = null;
let node: ClusterNode;
let connection: NatsConnection;

function reasonReport(reason: ExitReason): ReasonReport {
  if (reason.kind !== 'error') return { text: formatExit(reason) };
  const { error } = reason;
  const errorName = error instanceof Error ? error.name : typeof error;
  if (error instanceof NodeDownError) {
    return { text: formatExit(reason), errorName, node: error.node, why: error.why };
  }
  return { text: formatExit(reason), errorName };
}

const alive = (pid: Pid): boolean => {
  let exited = false;
  pid.exit$.subscribe(() => (exited = true)).unsubscribe();
  return !exited;
};

const errorName = (error: unknown): string => (error instanceof Error ? error.name : String(error));

/** The pid under `name` in the cluster registry, once it has one. */
const lookup = (name: string): Promise<Pid> =>
  firstValueFrom(node.registry.whereis$(name).pipe(filter((pid) => pid !== undefined)));

/** Sends `{ mark }` casts and `{ echo }` calls through a name on a timer, and tallies the outcome. */
class Hammer {
  private readonly casts: number[] = [];
  private gapCasts = 0;
  private refused = 0;
  private readonly answered: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private mismatched = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private first: number | undefined;
  private later = 0;
  private okCount = 0;
  private waiters: { until: () => boolean; resolve: () => void }[] = [];

  constructor(
    private readonly name: string,
    every: number,
  ) {
    this.timer = setInterval(() => this.tick(), every);
  }

  /** Resolves once `count` calls were answered. */
  warmed(count: number): Promise<void> {
    return this.when(() => this.okCount >= count);
  }

  /** Stops once `after` calls were answered by an incarnation after the first, and all calls settled. */
  async stop(after: number): Promise<HammerReport> {
    await this.when(() => this.later >= after);
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    const { casts, gapCasts, refused, answered, errors, mismatched } = this;
    return { casts, gapCasts, refused, calls: casts.length, answered, errors, mismatched };
  }

  private when(until: () => boolean): Promise<void> {
    return until()
      ? Promise.resolve()
      : new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  private tick(): void {
    const i = this.casts.length + 1;
    const target = via<Protocol>(node.registry, this.name);
    if (node.registry.whereis(this.name) === undefined) this.gapCasts += 1;
    this.casts.push(i);
    if (!cast(target, { mark: i })) this.refused += 1;
    const settled = (call(target, { echo: i }, { timeout: 30_000 }) as Promise<EchoReply>).then(
      (reply) => {
        if (reply.echo !== i) this.mismatched += 1;
        const key = String(reply.incarnation);
        this.answered[key] = (this.answered[key] ?? 0) + 1;
        this.first ??= reply.incarnation;
        if (reply.incarnation !== this.first) this.later += 1;
        this.okCount += 1;
      },
      (error: unknown) => {
        const key = errorName(error);
        this.errors[key] = (this.errors[key] ?? 0) + 1;
      },
    );
    const tracked = settled.finally(() => {
      this.inFlight.delete(tracked);
      this.wake();
    });
    this.inFlight.add(tracked);
  }

  private wake(): void {
    const ready = this.waiters.filter((waiter) => waiter.until());
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }
}

async function run(command: Command): Promise<unknown> {
  const { registry } = node;
  switch (command.op) {
    case 'spawn': {
      const pid = spawn(worker, command.name);
      if (command.claim) await registry.claim(command.name, pid);
      else registry.register(command.name, pid);
      return String(pid);
    }
    case 'claim-prepare':
      for (const name of command.names) prepared.set(name, spawn(worker, name));
      return prepared.size;
    case 'claim-go': {
      const entries = [...prepared];
      prepared.clear();
      const results = await Promise.all(
        entries.map(([name, pid]) =>
          registry.claim(name, pid).then(
            () => ({ won: true }),
            (error: unknown) => ({ won: false, error: errorName(error) }),
          ),
        ),
      );
      const reports: Record<string, ClaimReport> = {};
      entries.forEach(([name, pid], i) => {
        reports[name] = { ...results[i]!, pid: String(pid), alive: alive(pid) };
      });
      return reports;
    }
    case 'supervise': {
      const { name, backoff } = command;
      const tree$ = supervise([child(name, () => worker.start(name), { restart: 'permanent' })], {
        registry,
        intensity: 10,
        ...(backoff > 0 ? { backoff: { min: backoff, max: backoff } } : {}),
      });
      subscriptions.push(tree$.subscribe());
      return String(await lookup(name));
    }
    case 'crash': {
      const before = await lookup(command.name);
      cast(via<Protocol>(registry, command.name), 'crash');
      const after = await firstValueFrom(
        registry.whereis$(command.name).pipe(filter((pid) => pid !== undefined && pid !== before)),
      );
      return { before: String(before), after: String(after) };
    }
    case 'stop': {
      const pid = await lookup(command.name);
      stop(pid);
      return reasonReport(await firstValueFrom(pid.exit$));
    }
    case 'call':
      return call(via<Protocol>(registry, command.name), command.request, { timeout: 30_000 });
    case 'cast':
      return cast(via<Protocol>(registry, command.name), command.request);
    case 'burst': {
      const target = via<Protocol>(registry, command.name);
      for (const request of command.casts) cast(target, request);
      return call(target, command.then, { timeout: 30_000 });
    }
    case 'await-name': {
      const { name, present } = command;
      const pid = await firstValueFrom(
        registry.whereis$(name).pipe(filter((p) => (p !== undefined) === present)),
      );
      return pid === undefined ? null : String(pid);
    }
    case 'monitor': {
      const pid = registry.whereis(command.name);
      if (pid === undefined) throw new Error(`monitor: no pid under '${command.name}'`);
      // Watched now; the answer comes when the pid exits.
      const exited = firstValueFrom(pid.exit$);
      return { pid: String(pid), reason: reasonReport(await exited) };
    }
    case 'hammer-start':
      hammer = new Hammer(command.name, command.every);
      await hammer.warmed(command.warm);
      return 'warm';
    case 'hammer-stop': {
      if (hammer === null) throw new Error('hammer-stop: no hammer running');
      return hammer.stop(command.after);
    }
    case 'calls': {
      const { name, count, window } = command;
      const target = via<Protocol>(registry, name);
      const echoes: number[] = [];
      const errors: string[] = [];
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < count) {
          const i = next++;
          try {
            echoes.push(((await call(target, { echo: i }, { timeout: 30_000 })) as EchoReply).echo);
          } catch (error) {
            errors.push(errorName(error));
          }
        }
      };
      await Promise.all(Array.from({ length: window }, lane));
      return { echoes, errors };
    }
    case 'ledger':
      return ledger;
    case 'close':
      for (const subscription of subscriptions) subscription.unsubscribe();
      await node.close();
      await connection.close();
      // Answered first, then gone.
      setImmediate(() => process.exit(0));
      return 'closed';
  }
}

async function main(): Promise<void> {
  // An error nobody handles is told to the test instead of crashing this process.
  config.onUnhandledError = (error: unknown) =>
    send({
      event: 'unhandled',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  // The test process went away (killed, or ended without stopping us): so do we.
  process.on('disconnect', () => process.exit(1));
  const { url, name, cluster, heartbeat, replicas, probe } = settings;
  connection = await connect({ servers: url, ignoreClusterUpdates: true });
  connection.subscribe(probe, {
    callback: (_error, msg) => {
      msg.respond();
    },
  });
  node = await joinCluster({ connection, name, cluster, heartbeat, replicas });
  process.on('message', (message: Message) => {
    run(message.command).then(
      (value) => send({ ref: message.ref, ok: true, value }),
      (error: unknown) =>
        send({
          ref: message.ref,
          ok: false,
          error: {
            name: errorName(error),
            message: error instanceof Error ? error.message : String(error),
          },
        }),
    );
  });
  send({ event: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});

import { concat, config, from, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  cast,
  child,
  ChildRunningError,
  deadLetters$,
  deleteChild,
  genServer,
  HoldOverflowError,
  NoProcError,
  NoSuchChildError,
  oneForAll,
  oneForOne,
  Registry,
  restartChild,
  restForOne,
  stop,
  terminateChild,
  via,
  type Address,
  type ChildSpec,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
  type SupervisorOptions,
  type Protocol,
} from '../../src/index.js';
import { liveActorCount } from '../../src/testing/index.js';
import {
  msgId,
  type LeafAction,
  type NodeSpec,
  type ReasonKind,
  type Step,
  type SupSpec,
  type TraceEntry,
} from './model/types.js';
import type { Case } from './arbitraries.js';

// Runs one case against rxotp on virtual time and records what a user can
// observe: the root's notifications (in the model's vocabulary), the registry
// at each quiet point, who handled each message and which became dead letters.

/** What the implementation showed after one step. */
export interface ImplStep {
  readonly trace: readonly TraceEntry[];
  readonly registry: ReadonlyMap<string, Pid>;
}

export interface ImplResult {
  readonly steps: readonly ImplStep[];
  /** The pid each `child-started` announced, by the incarnation's full key (`s1#2/w3#1`). */
  readonly pids: ReadonlyMap<string, Pid>;
  /** Who handled each message (by the incarnation its pid was announced as, or the pid's id). */
  readonly handled: ReadonlyMap<string, readonly string[]>;
  /** How many dead letters each message became. */
  readonly dead: ReadonlyMap<string, number>;
  readonly liveBefore: number;
  readonly liveAfter: number;
  /** Errors that reached `config.onUnhandledError`. */
  readonly unhandled: readonly unknown[];
  /** Notifications the model has no word for (kinds added to rxotp later). */
  readonly foreign: readonly string[];
  /** Names still registered, and spec sources still subscribed, after the root was unsubscribed. */
  readonly leftovers: readonly string[];
  /** How each control call answered (an `Outcome`, or what else it rejected with), by step index. */
  readonly outcomes: ReadonlyMap<number, Promise<string>>;
}

interface LeafMsg {
  readonly tag: symbol;
  readonly id: string;
  readonly step: number;
  readonly action: LeafAction;
  readonly burst: number;
}

const toReason = (kind: ReasonKind): ExitReason =>
  kind === 'error' ? { kind: 'error', error: new Error('stopped from outside') } : { kind };

const operators = { one_for_one: oneForOne, one_for_all: oneForAll, rest_for_one: restForOne };

const outcomeOf = (e: unknown): string =>
  e instanceof NoProcError
    ? 'noproc'
    : e instanceof NoSuchChildError
      ? 'no-such-child'
      : e instanceof ChildRunningError
        ? 'running'
        : e instanceof HoldOverflowError
          ? 'overflow'
          : `rejected with ${String(e)}`;

const isLeafMsg = (tag: symbol, m: unknown): m is LeafMsg =>
  typeof m === 'object' && m !== null && (m as { tag?: unknown }).tag === tag;

/**
 * Runs `c` under a fresh `TestScheduler`; the root is unsubscribed one frame
 * after the last step, right after a last snapshot (the "end" step).
 */
export function runImpl(c: Case): ImplResult {
  const tag = Symbol('run');
  const registry = new Registry();
  const adds = new Map<string, Subject<ChildSpec>>();
  const steps: ImplStep[] = [];
  const pids = new Map<string, Pid>();
  const names = new Map<Pid, string>();
  // Incarnations are keyed as the model keys them: the latest key announced
  // at each path, and how many specs have started afresh at each parent key.
  const current = new Map<string, string>();
  const generations = new Map<string, number>();
  const handledBy = new Map<string, string[]>();
  const dead = new Map<string, number>();
  const unhandled: unknown[] = [];
  const foreign: string[] = [];
  const outcomes = new Map<number, Promise<string>>();
  let trace: TraceEntry[] = [];
  let rootPid: Pid | undefined;

  const leaf = genServer({
    init: (name: string) => name,
    handleCast: (msg: LeafMsg, name: string, ctx) => {
      const by = names.get(ctx.self) ?? `unannounced ${String(ctx.self)}`;
      handledBy.set(msg.id, [...(handledBy.get(msg.id) ?? []), by]);
      // Sent from inside a handler, so they queue behind this message.
      for (let k = 1; k <= msg.burst; k++) {
        const ping: LeafMsg = {
          tag,
          id: msgId(msg.step, k),
          step: msg.step,
          action: 'ping',
          burst: 0,
        };
        cast(via<Protocol>(registry, name), ping);
      }
      if (msg.action === 'crash') throw new Error(`crash on ${msg.id}`);
      if (msg.action === 'exit') ctx.stop();
      if (msg.action === 'cancel') ctx.stop({ kind: 'cancelled' });
      return name;
    },
  });

  const specOf = (node: NodeSpec): ChildSpec =>
    node.kind === 'leaf'
      ? child(node.id, () => leaf.start(node.id), { restart: node.restart })
      : child(node.id, () => supervisor(node), { restart: node.restart, type: 'supervisor' });

  /** Each incarnation starts from the static children; later adds come through a Subject. */
  const supervisor = (node: SupSpec): Observable<SupervisorNotification> => {
    let added = adds.get(node.id);
    if (added === undefined) adds.set(node.id, (added = new Subject<ChildSpec>()));
    const { intensity, period, holdBound, backoff } = node;
    const options: SupervisorOptions = { intensity, period, holdBound, registry, backoff };
    return concat(from(node.children.map(specOf)), added).pipe(operators[node.strategy](options));
  };

  const record = (n: SupervisorNotification, t: number): void => {
    switch (n.kind) {
      case 'started':
        rootPid = n.pid;
        trace.push({ t, kind: 'started' });
        return;
      case 'exit':
        trace.push({ t, kind: 'exit', reason: n.reason.kind });
        return;
      case 'child-started': {
        const prefix = current.get(n.path.slice(0, -1).join('/')) ?? '';
        const at = `${prefix}/${n.path.at(-1) ?? ''}`;
        if (n.incarnation === 1) generations.set(at, (generations.get(at) ?? 0) + 1);
        const g = generations.get(at) ?? 1;
        const key = `${prefix === '' ? '' : `${prefix}/`}${n.path.at(-1) ?? ''}${g === 1 ? '' : `@${g}`}#${n.incarnation}`;
        current.set(n.path.join('/'), key);
        pids.set(key, n.pid);
        names.set(n.pid, key);
        trace.push({ t, kind: 'child-started', path: n.path, inc: n.incarnation });
        return;
      }
      case 'child-exited':
        trace.push({
          t,
          kind: 'child-exited',
          path: n.path,
          inc: n.incarnation,
          reason: n.reason.kind,
        });
        return;
      case 'restart':
        trace.push({ t, kind: 'restart', path: n.path, ids: n.ids, count: n.count });
        return;
      case 'give-up':
        trace.push({ t, kind: 'give-up', path: n.path });
        return;
      case 'backoff':
        trace.push({ t, kind: 'backoff', path: n.path, delay: n.delay });
        return;
      case 'refused':
        trace.push({ t, kind: 'refused', path: n.path.slice(0, -1), id: n.path.at(-1) ?? '' });
        return;
      case 'child-removed':
        // Bookkeeping for watchers (the observer); the model's trace leaves it out,
        // and test/supervisor/child-removed.spec.ts pins down when it comes.
        return;
      default: {
        // A kind added later: reported, so the model learns a word for it.
        const other: { readonly kind: string } = n;
        foreign.push(`${t} ${other.kind}`);
      }
    }
  };

  const supAddress = (id: string): Address | undefined =>
    id === c.root.id ? rootPid : via(registry, id);

  const apply = (step: Step, index: number): void => {
    switch (step.kind) {
      case 'cast': {
        const { action, burst } = step;
        const msg: LeafMsg = { tag, id: msgId(index, 0), step: index, action, burst };
        cast(via<Protocol>(registry, step.target), msg);
        return;
      }
      case 'stop': {
        const target = step.target === c.root.id ? rootPid : via(registry, step.target);
        if (target !== undefined) stop(target, toReason(step.reason));
        return;
      }
      case 'add':
        adds.get(step.sup)?.next(specOf(step.spec));
        return;
      default: {
        const sup = supAddress(step.sup);
        const control = { terminate: terminateChild, restart: restartChild, delete: deleteChild };
        // Promises settle after `run` returns: the answers are compared then.
        const answer =
          sup === undefined
            ? Promise.reject(new NoProcError('root'))
            : control[step.kind](sup, step.id);
        outcomes.set(
          index,
          answer.then(() => 'ok' as const, outcomeOf),
        );
      }
    }
  };

  const snapshotRegistry = (): ReadonlyMap<string, Pid> => {
    let view: ReadonlyMap<string, Pid> = new Map();
    registry.entries$.subscribe((v) => (view = new Map(v))).unsubscribe();
    return view;
  };

  const snapshot = (): void => {
    steps.push({ trace, registry: snapshotRegistry() });
    trace = [];
  };

  const previous = config.onUnhandledError;
  config.onUnhandledError = (e: unknown) => unhandled.push(e);
  const letters = deadLetters$.subscribe((d) => {
    if (isLeafMsg(tag, d.message)) dead.set(d.message.id, (dead.get(d.message.id) ?? 0) + 1);
  });
  const leftovers: string[] = [];
  const liveBefore = liveActorCount();
  try {
    const ts = new TestScheduler(() => {
      throw new Error('no marble assertions here');
    });
    ts.run(() => {
      const sub = supervisor(c.root).subscribe((n) => record(n, ts.now()));
      snapshot();
      c.schedule.forEach((step, i) => {
        ts.schedule(() => {
          apply(step, i + 1);
          snapshot();
        }, step.at);
      });
      ts.schedule(
        () => {
          snapshot();
          sub.unsubscribe();
          for (const [name, pid] of snapshotRegistry()) {
            leftovers.push(`${name} still registered to ${String(pid)}`);
          }
          for (const [id, subject] of adds) {
            if (subject.observed) leftovers.push(`the spec source of ${id} is still subscribed`);
          }
        },
        (c.schedule.at(-1)?.at ?? 0) + 1,
      );
    });
  } finally {
    letters.unsubscribe();
    config.onUnhandledError = previous;
  }
  return {
    steps,
    pids,
    handled: handledBy,
    dead,
    liveBefore,
    liveAfter: liveActorCount(),
    unhandled,
    foreign,
    leftovers,
    outcomes,
  };
}

import {
  Observable,
  Subscription,
  concat,
  defer,
  distinctUntilChanged,
  filter,
  isObservable,
  map,
  mergeMap,
  of,
  timer,
  type Observer,
} from 'rxjs';
import {
  deadLetters$,
  events$,
  childrenOf,
  type Address,
  type ExitReason,
  type Pid,
  type SupervisorNotification,
  type Via,
} from '../index.js';
import { FRAME_MS } from './shared.js';
import type { TreeModel } from './tree-model.js';
import type { ChangeMessage, EventView } from './views.js';

/**
 * What `observe` watches: a tree's notification stream, which it subscribes
 * (so it runs the tree), or a running supervisor's pid or `via` address,
 * which it only watches.
 *
 * @example
 * ```ts
 * const source: ObserveSource = Math.random() > 0.5 ? tree$ : via(registry, 'workers');
 * observe(source);
 * ```
 */
export type ObserveSource = Observable<SupervisorNotification> | Address;

/** How soon after a child exits its supervisor is asked for the outcome (down or restarting). */
const SETTLE_MS = 100;
/** Events kept for one frame: the page's log shows only the latest anyway. */
const MAX_FRAME_EVENTS = 50;

/** A root supervisor coming and going: `started` for each incarnation, `exit` at its end. */
type RootNote =
  | { readonly kind: 'started'; readonly pid: Pid }
  | { readonly kind: 'exit'; readonly pid: Pid | undefined; readonly reason: ExitReason };

/** @internal The running parts of a watch. */
export interface TreeWatch {
  /** Asks every supervisor for its children (mailbox depths, restart types, removals). */
  refresh(): void;
  /** Refreshes run only while someone looks: a page that goes away costs the tree nothing. */
  setActive(active: boolean): void;
  /** Sends what is waiting for the next frame now (before a new page's snapshot). */
  flush(): void;
  /** Unsubscribes everything (a tree that `observe` started is torn down). */
  stop(): void;
}

/**
 * @internal Feeds `model` from `source` and hands each change to `publish`.
 * A supervisor's children are read (`childrenOf`) only while `active`: for the
 * snapshot a page needs and for what events do not carry.
 */
export function watchTree(
  source: ObserveSource,
  model: TreeModel,
  publish: (change: ChangeMessage) => void,
): TreeWatch {
  let active = false;
  let stopped = false;
  /** The children that exited and are not read again yet, by their supervisor's key. */
  const settling = new Map<string, Set<string>>();
  let settleTimer: Subscription | undefined;
  const subscription = new Subscription();

  /** Events since the last frame (the latest `MAX_FRAME_EVENTS`), and how many more there were. */
  let events: EventView[] = [];
  let skipped = 0;
  let pending = false;
  let frameTimer: Subscription | undefined;

  const flush = (): void => {
    if (!pending) return;
    const change = model.changes(events, skipped);
    events = [];
    skipped = 0;
    pending = false;
    if (change !== undefined) publish(change);
  };
  /** Throttled: the first change at once, then one frame per `FRAME_MS` while changes keep coming. */
  const tick = (): void => {
    frameTimer = undefined;
    if (!pending || stopped) return;
    flush();
    frameTimer = timer(FRAME_MS).subscribe(tick);
  };
  const send = (event?: EventView): void => {
    if (event !== undefined) {
      events.push(event);
      if (events.length > MAX_FRAME_EVENTS) {
        events.shift();
        skipped++;
      }
    }
    pending = true;
    if (frameTimer === undefined) {
      flush();
      frameTimer = timer(FRAME_MS).subscribe(tick);
    }
  };

  /**
   * Reads one supervisor's children (synchronously: no call), then each nested
   * supervisor's; with `only`, just those children (and the nested supervisors among them).
   */
  const ask = (pid: Pid, only?: ReadonlySet<string>): void => {
    if (!active || stopped || !isSupervisor(pid)) return;
    const infos = childrenOf(pid);
    // It exited meanwhile: its exit is an event, nothing to correct here.
    if (infos === undefined) return;
    const nested = model.merge(pid, infos, model.seq, only);
    send();
    for (const [, child] of nested) ask(child);
  };

  const refresh = (): void => {
    const root = model.pidAt([]);
    if (root !== undefined) ask(root);
  };

  /**
   * After an exit the supervisor decides (restart or leave down) without an
   * event for "down": the children that exited are read again, and only they.
   */
  const settle = (path: readonly string[]): void => {
    if (!active) return;
    const parent = JSON.stringify(path.slice(0, -1));
    const ids = settling.get(parent) ?? new Set<string>();
    ids.add(path[path.length - 1]!);
    settling.set(parent, ids);
    settleTimer ??= timer(SETTLE_MS).subscribe(() => {
      settleTimer = undefined;
      for (const [key, only] of settling) {
        const pid = model.pidAt(JSON.parse(key) as string[]);
        if (pid !== undefined) ask(pid, only);
      }
      settling.clear();
    });
  };

  const onNote = (n: SupervisorNotification | RootNote): void => {
    if (stopped) return;
    switch (n.kind) {
      case 'started':
        send(model.rootStarted(n.pid));
        return refresh();
      case 'exit': {
        const event = model.rootExited(n.pid, n.reason);
        return event === undefined ? undefined : send(event);
      }
      default:
        send(model.apply(n));
        if (n.kind === 'child-exited') settle(n.path);
    }
  };
  const observer: Partial<Observer<SupervisorNotification | RootNote>> = {
    next: onNote,
    // A tree stream is not meant to error; if one does, the root is down with that error.
    error: (error: unknown) =>
      onNote({ kind: 'exit', pid: model.pidAt([]), reason: { kind: 'error', error } }),
  };

  // First, since it throws for a source that cannot be watched.
  const notes = rootNotes(source);
  subscription.add(
    deadLetters$.subscribe((letter) => {
      model.lostLetter(letter);
      send();
    }),
  );
  subscription.add(notes.subscribe(observer));

  return {
    refresh,
    flush,
    setActive(next) {
      active = next;
      if (active) refresh();
    },
    stop() {
      stopped = true;
      settleTimer?.unsubscribe();
      frameTimer?.unsubscribe();
      subscription.unsubscribe();
    },
  };
}

/**
 * The root's notifications: a tree stream as it is; a pid's events from now
 * on, between a `started` and an `exit`; a `via` name followed across the
 * supervisor's restarts. (Each incarnation's watch runs to its `exit`: the
 * registry lets the name go before the supervisor's events end.)
 */
function rootNotes(source: ObserveSource): Observable<SupervisorNotification | RootNote> {
  if (isObservable(source)) return source;
  if (isVia(source)) {
    return source.registry.whereis$(source.name).pipe(
      filter((pid): pid is Pid => pid !== undefined),
      distinctUntilChanged(),
      mergeMap(lifetime),
    );
  }
  if (!isSupervisor(source) && !isDead(source)) {
    throw new TypeError(
      `observe: ${String(source)} is not a supervisor. Pass a supervisor's pid, a via address naming one, or the tree's notification stream.`,
    );
  }
  return lifetime(source);
}

/** One supervisor incarnation: `started`, its events until it exits, then `exit`. */
const lifetime = (pid: Pid): Observable<SupervisorNotification | RootNote> =>
  concat(
    of<RootNote>({ kind: 'started', pid }),
    events$(pid),
    defer(() => pid.exit$).pipe(map((reason): RootNote => ({ kind: 'exit', pid, reason }))),
  );

const isVia = (address: Address): address is Via => 'registry' in address;

/** A dead pid's `exit$` emits at once. */
function isDead(pid: Pid): boolean {
  let dead = false;
  pid.exit$.subscribe(() => (dead = true)).unsubscribe();
  return dead;
}

const probed = new WeakMap<Pid, boolean>();

/**
 * Whether `pid` is a live supervisor: `events$` of anything else is empty,
 * and completes at once. Only a supervisor has children to read.
 */
function isSupervisor(pid: Pid): boolean {
  let known = probed.get(pid);
  if (known === undefined) {
    let empty = false;
    events$(pid)
      .subscribe({ complete: () => (empty = true) })
      .unsubscribe();
    probed.set(pid, (known = !empty));
  }
  return known;
}

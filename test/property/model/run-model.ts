import {
  msgId,
  type Fate,
  type Incarnation,
  type LeafAction,
  type LeafSpec,
  type ModelResult,
  type NodeSpec,
  type Outcome,
  type ReasonKind,
  type Step,
  type StepResult,
  type SupSpec,
  type TraceEntry,
} from './types.js';

// A pure reference model of rxotp supervision, from docs/design.md ("Supervision",
// "Names", "Lifecycle") and OTP's supervisor rules. Leaves have no
// `terminate`, so every transition completes at the virtual time of the step
// or timer that caused it; time matters only to the intensity window and to
// backoff.

/** A message sent through a name: a step's cast, or a ping a leaf sent itself. */
interface Msg {
  readonly id: string;
  readonly step: number;
  readonly action: LeafAction;
  readonly burst: number;
}

/** A control call made through a supervisor's name. */
interface Call {
  readonly index: number;
  readonly op: 'terminate' | 'restart' | 'delete';
  readonly id: string;
}

/**
 * A restart waiting out its backoff; the child's name is pending meanwhile
 * and holds up to `holdBound` sends: casts to a leaf, control calls to a
 * supervisor.
 */
interface Pending {
  readonly timer: Timer;
  readonly held: Msg[];
  readonly calls: Call[];
}

interface Entry {
  readonly spec: NodeSpec;
  /** The running incarnation, if any. */
  running: Instance | undefined;
  /** Set while a restart waits out its backoff. */
  pending: Pending | undefined;
  /** Last incarnation number started for this spec (1 = first start). */
  inc: number;
  /** Times a restart decision has started this child again (the `count` of `restart`). */
  restarts: number;
  /** Consecutive restarts, for backoff (the k of docs/design.md, "Supervision", backoff). */
  k: number;
  /** When the running (or last) incarnation started. */
  startedAt: number;
}

interface LeafInstance {
  readonly kind: 'leaf';
  readonly spec: LeafSpec;
  readonly path: readonly string[];
  readonly inc: number;
  readonly key: string;
}

interface SupInstance {
  readonly kind: 'sup';
  readonly spec: SupSpec;
  readonly path: readonly string[];
  readonly inc: number;
  readonly key: string;
  /** Children in start order; dynamic ones are appended. */
  readonly children: Entry[];
  /** Times of the restarts decided in this incarnation. */
  readonly history: number[];
  /** The entry in the parent, or undefined for the root. */
  readonly parent: { readonly sup: SupInstance; readonly entry: Entry } | undefined;
  alive: boolean;
}

type Instance = LeafInstance | SupInstance;

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

const freshEntry = (spec: NodeSpec): Entry => ({
  spec,
  running: undefined,
  pending: undefined,
  inc: 0,
  restarts: 0,
  k: 0,
  startedAt: 0,
});

const exitReason = { crash: 'error', exit: 'normal', cancel: 'cancelled' } as const;

/**
 * Runs `schedule` against a root supervisor built from `root` (its `id` and
 * `restart` are ignored: the root has no parent and is not registered) and
 * returns the trace and registry after every step, every message's fate and
 * every control call's answer.
 *
 * Time follows `TestScheduler`: the steps are scheduled before anything else,
 * so at equal times steps come before timers, and timers fire in the order
 * they were set. The root is unsubscribed 1 ms after the last step.
 */
export function runModel(root: SupSpec, schedule: readonly Step[]): ModelResult {
  let now = 0;
  let trace: TraceEntry[] = [];
  const registry = new Map<string, Incarnation>();
  const fates = new Map<string, Fate>();
  const outcomes = new Map<number, Outcome>();
  const steps: StepResult[] = [];
  const timers: Timer[] = [];
  let seq = 0;

  const emit = (e: TraceEntry): void => {
    trace.push(e);
  };

  const setTimer = (delay: number, fire: () => void): Timer => {
    const timer = { due: now + delay, seq: seq++, fire, cancelled: false };
    timers.push(timer);
    return timer;
  };

  /** Fires, in order, every timer due before `until` (or at it, with `inclusive`). */
  const runTimers = (until: number, inclusive: boolean): void => {
    for (;;) {
      const live = timers.filter(
        (t) => !t.cancelled && (t.due < until || (inclusive && t.due === until)),
      );
      const next = live.sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (next === undefined) return;
      next.cancelled = true;
      now = next.due;
      next.fire();
    }
  };

  const rootInstance: SupInstance = {
    kind: 'sup',
    spec: root,
    path: [],
    inc: 1,
    key: '',
    children: root.children.map(freshEntry),
    history: [],
    parent: undefined,
    alive: true,
  };

  // A spec added again under the same id after its first one went away starts
  // from incarnation 1 again; its key says which spec it is (`d1@2#1`).
  const generations = new Map<string, number>();
  const generation = (sup: SupInstance, entry: Entry): string => {
    const at = `${sup.key}/${entry.spec.id}`;
    if (entry.inc === 1) generations.set(at, (generations.get(at) ?? 0) + 1);
    const g = generations.get(at) ?? 1;
    return g === 1 ? '' : `@${g}`;
  };

  /** Starts the children of a new supervisor incarnation, in order. */
  const startChildren = (sup: SupInstance): void => {
    for (const entry of sup.children) startEntry(sup, entry);
  };

  /**
   * A new incarnation of `entry`: registered, then announced; a supervisor
   * announces itself before its children start (its stream emits `started`
   * first).
   */
  const startEntry = (sup: SupInstance, entry: Entry): void => {
    entry.inc += 1;
    entry.startedAt = now;
    const path = [...sup.path, entry.spec.id];
    const key = `${sup.key === '' ? '' : `${sup.key}/`}${entry.spec.id}${generation(sup, entry)}#${entry.inc}`;
    const inst: Instance =
      entry.spec.kind === 'leaf'
        ? { kind: 'leaf', spec: entry.spec, path, inc: entry.inc, key }
        : {
            kind: 'sup',
            spec: entry.spec,
            path,
            inc: entry.inc,
            key,
            children: entry.spec.children.map(freshEntry),
            history: [],
            parent: { sup, entry },
            alive: true,
          };
    entry.running = inst;
    registry.set(entry.spec.id, { path, inc: entry.inc, key });
    emit({ t: now, kind: 'child-started', path, inc: entry.inc });
    if (inst.kind === 'sup') startChildren(inst);
  };

  const dead = (msgs: readonly Msg[]): void => {
    for (const m of msgs) fates.set(m.id, { kind: 'dead' });
  };

  /**
   * A leaf handles `msg`: a ping is just handled; otherwise it sends its
   * burst of pings to its own name (queued behind whatever is still in its
   * mailbox) and exits, and that queue is what its name holds.
   */
  const deliver = (sup: SupInstance, entry: Entry, msg: Msg, behind: readonly Msg[]): void => {
    const inst = entry.running;
    if (inst === undefined || inst.kind !== 'leaf')
      throw new Error('model: delivery to a non-leaf');
    fates.set(msg.id, { kind: 'handled', by: { path: inst.path, inc: inst.inc, key: inst.key } });
    if (msg.action === 'ping') {
      const [next, ...rest] = behind;
      if (next !== undefined) deliver(sup, entry, next, rest);
      return;
    }
    const pings = Array.from({ length: msg.burst }, (_, k): Msg => ({
      id: msgId(msg.step, k + 1),
      step: msg.step,
      action: 'ping',
      burst: 0,
    }));
    childExited(sup, entry, exitReason[msg.action], [...behind, ...pings]);
  };

  /** Stops every running child of `sup`, last-started first, and drops pending restarts. */
  const stopAll = (sup: SupInstance): void => {
    for (let i = sup.children.length - 1; i >= 0; i--) {
      const entry = sup.children[i];
      if (entry !== undefined) stopEntry(sup, entry);
    }
  };

  /**
   * A supervisor stops one of its children: the subtree first, then the
   * child's own `cancelled` exit. A temporary child's spec is dropped. A
   * child waiting out its backoff is not restarted: its held messages become
   * dead letters.
   */
  const stopEntry = (sup: SupInstance, entry: Entry): void => {
    if (entry.pending !== undefined) {
      entry.pending.timer.cancelled = true;
      dead(entry.pending.held);
      for (const call of entry.pending.calls) outcomes.set(call.index, 'noproc');
      entry.pending = undefined;
    }
    const inst = entry.running;
    if (inst === undefined) return;
    if (inst.kind === 'sup') {
      stopAll(inst);
      inst.alive = false;
    }
    entry.running = undefined;
    registry.delete(entry.spec.id);
    emit({ t: now, kind: 'child-exited', path: inst.path, inc: inst.inc, reason: 'cancelled' });
    if (entry.spec.restart === 'temporary') remove(sup, entry);
  };

  const remove = (sup: SupInstance, entry: Entry): void => {
    const i = sup.children.indexOf(entry);
    if (i >= 0) sup.children.splice(i, 1);
  };

  /** `sup` itself exits with `reason` once its children are down. */
  const supExited = (sup: SupInstance, reason: ReasonKind): void => {
    sup.alive = false;
    if (sup.parent === undefined) emit({ t: now, kind: 'exit', reason });
    else childExited(sup.parent.sup, sup.parent.entry, reason, []);
  };

  /** docs/design.md, "Supervision" (intensity): restart number `intensity + 1` within the window gives up. */
  const withinIntensity = (sup: SupInstance): boolean => {
    sup.history.push(now);
    const recent = sup.history.filter((t) => now - t < sup.spec.period).length;
    return recent <= sup.spec.intensity;
  };

  const giveUp = (sup: SupInstance): void => {
    emit({ t: now, kind: 'give-up', path: sup.path });
    stopAll(sup);
    supExited(sup, 'error');
  };

  /**
   * A running child exited by itself (or was stopped from outside). `behind`
   * are the messages sent through its name still queued behind the one that
   * ended it: the first `holdBound` wait for the next incarnation.
   */
  const childExited = (
    sup: SupInstance,
    entry: Entry,
    reason: ReasonKind,
    behind: readonly Msg[],
  ): void => {
    const inst = entry.running;
    if (inst === undefined) return;
    entry.running = undefined;
    registry.delete(entry.spec.id);
    emit({ t: now, kind: 'child-exited', path: inst.path, inc: inst.inc, reason });
    const held = behind.slice(0, sup.spec.holdBound);
    dead(behind.slice(sup.spec.holdBound));

    const restart =
      entry.spec.restart === 'permanent' ||
      (entry.spec.restart === 'transient' && reason === 'error');
    if (!restart) {
      if (entry.spec.restart === 'temporary') remove(sup, entry);
      dead(held);
      return;
    }
    if (!withinIntensity(sup)) {
      dead(held);
      giveUp(sup);
      return;
    }
    const set = restartSet(sup, entry);
    const again = set.filter((e) => e.spec.restart !== 'temporary');
    // "count = restarts of the crashed child so far": a child brought back
    // with its siblings has been restarted too.
    for (const e of again) e.restarts += 1;
    // The restart is announced when it is decided (and counted), before any
    // backoff wait.
    emit({
      t: now,
      kind: 'restart',
      path: inst.path,
      ids: again.map((e) => e.spec.id),
      count: entry.restarts,
    });
    const { backoff } = sup.spec;
    if (backoff === undefined) {
      restartFrom(sup, entry, held);
      return;
    }
    // docs/design.md, "Supervision" (backoff): k resets once the child has run `resetAfter` ms.
    entry.k = now - entry.startedAt >= backoff.resetAfter ? 1 : entry.k + 1;
    const delay = Math.min(backoff.max, backoff.min * backoff.factor ** (entry.k - 1));
    emit({ t: now, kind: 'backoff', path: inst.path, delay });
    const pending: Pending = {
      held: [...held],
      calls: [],
      timer: setTimer(delay, () => endWait(sup, entry)),
    };
    entry.pending = pending;
  };

  /** The backoff is over (or `restartChild` cut it short): the restart goes ahead. */
  const endWait = (sup: SupInstance, entry: Entry): void => {
    const pending = entry.pending;
    if (pending === undefined) return;
    pending.timer.cancelled = true;
    entry.pending = undefined;
    restartFrom(sup, entry, pending.held);
    const inst = entry.running;
    for (const call of pending.calls) {
      outcomes.set(call.index, inst?.kind === 'sup' ? control(call.op, inst, call.id) : 'noproc');
    }
  };

  /** The children a restart of `entry` brings down, in start order. */
  const restartSet = (sup: SupInstance, entry: Entry): Entry[] =>
    sup.spec.strategy === 'one_for_one'
      ? [entry]
      : sup.spec.strategy === 'one_for_all'
        ? [...sup.children]
        : sup.children.slice(sup.children.indexOf(entry));

  /**
   * The restart itself, for `entry` and the set its strategy names: the
   * others stop last-first, then all start in order (temporary ones are
   * dropped), and the held messages go to the new incarnation.
   */
  const restartFrom = (sup: SupInstance, entry: Entry, held: readonly Msg[]): void => {
    const set = restartSet(sup, entry);
    const again = set.filter((e) => e.spec.restart !== 'temporary');
    for (let i = set.length - 1; i >= 0; i--) {
      const e = set[i];
      if (e !== undefined && e !== entry) stopEntry(sup, e);
    }
    for (const e of again) startEntry(sup, e);
    // Held messages are delivered once the transition is over.
    const [first, ...rest] = held;
    if (first !== undefined && entry.running !== undefined) deliver(sup, entry, first, rest);
  };

  type Found = { readonly sup: SupInstance; readonly entry: Entry };

  /** The entry named `id` under a running supervisor, running or waiting to restart. */
  const find = (id: string): Found | undefined => {
    const walk = (sup: SupInstance): Found | undefined => {
      for (const entry of sup.children) {
        if (entry.spec.id === id && (entry.running ?? entry.pending) !== undefined) {
          return { sup, entry };
        }
        if (entry.running?.kind === 'sup') {
          const found = walk(entry.running);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    };
    return rootInstance.alive ? walk(rootInstance) : undefined;
  };

  /** The running supervisor addressed as `id` (the root by its own id). */
  const findSup = (id: string): SupInstance | undefined => {
    if (!rootInstance.alive) return undefined;
    if (id === root.id) return rootInstance;
    const running = find(id)?.entry.running;
    return running?.kind === 'sup' ? running : undefined;
  };

  /** A send through a name: to the running leaf, into the hold of a pending one, or dead. */
  const send = (target: string, msg: Msg): void => {
    const found = find(target);
    if (found?.entry.running?.kind === 'leaf') {
      deliver(found.sup, found.entry, msg, []);
      return;
    }
    const pending = found?.entry.pending;
    if (pending !== undefined && found !== undefined && hasRoom(found.sup, pending)) {
      pending.held.push(msg);
      return;
    }
    fates.set(msg.id, { kind: 'dead' });
  };

  const hasRoom = (sup: SupInstance, pending: Pending): boolean =>
    pending.held.length + pending.calls.length < sup.spec.holdBound;

  /** A control call through `supId`'s name (the root by its pid): made, held, or refused. */
  const callSup = (call: Call, supId: string): Outcome | undefined => {
    const sup = findSup(supId);
    if (sup !== undefined) return control(call.op, sup, call.id);
    const found = supId === root.id ? undefined : find(supId);
    const pending = found?.entry.pending;
    if (pending === undefined || found === undefined) return 'noproc';
    if (!hasRoom(found.sup, pending)) return 'overflow';
    pending.calls.push(call);
    return undefined;
  };

  const apply = (step: Step, index: number): void => {
    switch (step.kind) {
      case 'cast': {
        const { action, burst } = step;
        send(step.target, { id: msgId(index, 0), step: index, action, burst });
        return;
      }
      case 'stop': {
        if (step.target === root.id) {
          if (!rootInstance.alive) return;
          stopAll(rootInstance);
          supExited(rootInstance, step.reason);
          return;
        }
        const found = find(step.target);
        const running = found?.entry.running;
        if (found === undefined || running === undefined) return;
        if (running.kind === 'sup') {
          stopAll(running);
          running.alive = false;
        }
        childExited(found.sup, found.entry, step.reason, []);
        return;
      }
      case 'add': {
        const sup = findSup(step.sup);
        if (sup === undefined) return;
        if (sup.children.some((e) => e.spec.id === step.spec.id)) {
          emit({ t: now, kind: 'refused', path: sup.path, id: step.spec.id });
          return;
        }
        const entry = freshEntry(step.spec);
        sup.children.push(entry);
        startEntry(sup, entry);
        return;
      }
      default: {
        const answer = callSup({ index, op: step.kind, id: step.id }, step.sup);
        if (answer !== undefined) outcomes.set(index, answer);
      }
    }
  };

  /**
   * OTP's control calls: terminate keeps the spec (a temporary child's is
   * dropped), also cancels a restart waiting out its backoff, and is no
   * error on a stopped child; restart and delete need a stopped child. None
   * of them counts towards intensity. docs/design.md ("Supervision") leaves a child waiting out its
   * backoff open: rxotp's `restartChild` documents that it starts it at once
   * (OTP answers `{error, restarting}`), and `deleteChild` treats it as
   * running (as OTP does).
   */
  const control = (op: Call['op'], sup: SupInstance, id: string): Outcome => {
    const entry = sup.children.find((e) => e.spec.id === id);
    if (entry === undefined) return 'no-such-child';
    if (op === 'terminate') {
      stopEntry(sup, entry);
      return 'ok';
    }
    if (op === 'restart' && entry.pending !== undefined) {
      endWait(sup, entry);
      return 'ok';
    }
    if ((entry.running ?? entry.pending) !== undefined) return 'running';
    if (op === 'restart') startEntry(sup, entry);
    else remove(sup, entry);
    return 'ok';
  };

  const snapshot = (): void => {
    steps.push({ trace, registry: new Map(registry) });
    trace = [];
  };

  emit({ t: 0, kind: 'started' });
  startChildren(rootInstance);
  snapshot();
  schedule.forEach((step, i) => {
    runTimers(step.at, false);
    now = step.at;
    apply(step, i + 1);
    snapshot();
  });
  // The unsubscribe at last + 1 was scheduled before any timer: timers due
  // then never fire.
  runTimers(schedule.at(-1)?.at ?? 0, true);
  snapshot();
  // Unsubscribing the root ends every restart still waiting: no restart
  // follows, so what their names held becomes dead letters.
  const abandon = (sup: SupInstance): void => {
    for (const entry of sup.children) {
      if (entry.pending !== undefined) {
        dead(entry.pending.held);
        for (const call of entry.pending.calls) outcomes.set(call.index, 'noproc');
      }
      if (entry.running?.kind === 'sup') abandon(entry.running);
    }
  };
  if (rootInstance.alive) abandon(rootInstance);
  return { steps, fates, outcomes };
}

import { Observable, Subject, isObservable, type Subscription } from 'rxjs';
import { describe } from '../exit/describe.js';
import { booterOf } from '../actor/lifecycle-stream.js';
import { ObservableProcess } from '../actor/observable-process.js';
import type { Pid } from '../actor/pid.js';
import { Process, lost, type Sink } from '../actor/process.js';
import { ActorExitError } from '../errors/actor-exit-error.js';
import { ChildRunningError } from '../errors/child-running-error.js';
import { TreeRunningError } from '../errors/tree-running-error.js';
import { ChildSpecError } from '../errors/child-spec-error.js';
import { HandlerError } from '../errors/handler-error.js';
import { MaxRestartsExceededError } from '../errors/max-restarts-exceeded-error.js';
import { NoSuchChildError } from '../errors/no-such-child-error.js';
import { CANCELLED, NORMAL, errorExit, type ExitReason } from '../exit/exit-reason.js';
import { CALL, OWN } from '../mailbox/kinds.js';
import { enter, leave } from '../mailbox/run-queue.js';
import type { CallRef } from '../messaging/call-ref.js';
import { Registry } from '../registry/registry.js';
import { report } from '../report/reports.js';
import { backoffDelay, backoffResetAfter } from './backoff-delay.js';
import type { ChildSpec, RestartType } from './child-spec.js';
import { checkSpec, duplicateId } from './check-spec.js';
import type { ControlRequest } from './control-request.js';
import type { ChildInfo, SupervisorEvent, SupervisorNotification } from './events.js';
import type { BackoffFunction, BackoffOptions, Strategy, SupervisorOptions } from './options.js';
import { serial } from './serial.js';

/**
 * A supervisor's own bookkeeping, queued in its mailbox (kind `OWN`) so it is
 * handled one at a time, in order, with control calls (docs/design.md,
 * "Supervision"):
 *
 * - `spec`: the specs source emitted a spec after the initial set;
 * - `exited`: incarnation `incarnation` of `child` exited on its own: decide;
 * - `due`: the backoff wait `wait` of `group` ended;
 * - `source-error`: the specs source failed.
 */
type SupervisorMessage =
  | { readonly tag: 'spec'; readonly spec: unknown }
  | { readonly tag: 'exited'; readonly child: Child; readonly incarnation: number }
  | { readonly tag: 'due'; readonly group: readonly Child[]; readonly wait: object }
  | { readonly tag: 'source-error'; readonly error: unknown };

/** A child's status as `whichChildren` shows it, or `removed` once its spec is dropped. */
type Status = ChildInfo['status'] | 'removed';

/**
 * What a child needs only once it has exited, is being stopped or waits: its
 * last exit, a stop's shutdown timer, the group wait it is in, and its
 * backoff. Kept apart and made on first use, so a child that has only
 * started (a million idle children, BENCHMARKS.md case 6) carries one null
 * field for all of it.
 */
class Aftermath {
  lastExit: ExitReason | undefined = undefined;
  /** A stop step's shutdown timer. */
  stopTimer: Subscription | null = null;
  /** The group wait (a backoff, or a restart burst's yield) it is in while `backoff`. */
  wait: object | null = null;
  /** Consecutive restarts (under a supervisor with `backoff`). */
  k = 0;
  /** When its current or last incarnation was started (scheduler time; under `backoff`). */
  startedAt = 0;
  /** The path of its events, kept once it has exited (a child that restarts emits several per restart). */
  path: readonly string[] | null = null;
}

/**
 * @internal Restarts without a wait that one supervisor makes within one
 * macrotask; the next one waits for the next macrotask on its scheduler, so a
 * child that fails at once (or in a microtask) forever never starves the event
 * loop. Large enough that ordinary bursts stay synchronous and keep every
 * ordering; under `TestScheduler` the wait is 0 frames.
 */
export const RESTART_BURST = 1000;

/**
 * A child as its supervisor tracks it. It is also the sink of its
 * incarnations' notifications, which it hands to its supervisor.
 *
 * Its fields are the ones every child uses from its first start; the rest is
 * in `Aftermath`, made when first needed, and its event path is made per
 * event rather than kept: a supervisor of a million children holds a million
 * of these (BENCHMARKS.md, case 6).
 */
class Child implements Sink<unknown> {
  type: 'worker' | 'supervisor';
  /** Its current incarnation, from the moment it is made until it exits. */
  process: Process<unknown> | null = null;
  /** `restarting`: down, waiting for the restart decision or for its group's restart. */
  status: Status = 'restarting';
  incarnation = 0;
  restarts = 0;
  /** The step of a transition waiting on it: a start waits for `started`, a stop for `exit`. */
  onStarted: (() => void) | null = null;
  onExited: (() => void) | null = null;
  #aftermath: Aftermath | null = null;

  constructor(
    private readonly supervisor: SupervisorProcess,
    readonly spec: ChildSpec,
  ) {
    this.type = spec.type ?? 'worker';
  }

  /** Its exit, stop and backoff bookkeeping, made on first use. */
  get aftermath(): Aftermath {
    return (this.#aftermath ??= new Aftermath());
  }

  get wait(): object | null {
    return this.#aftermath?.wait ?? null;
  }

  /**
   * The path of its own events (a frozen one-id array): made for each event
   * until it first exits, then kept.
   */
  get path(): readonly string[] {
    const aftermath = this.#aftermath;
    if (aftermath === null) return Object.freeze([this.spec.id]);
    return (aftermath.path ??= Object.freeze([this.spec.id]));
  }

  get id(): string {
    return this.spec.id;
  }

  /** The name it is registered under. */
  get name(): string {
    return this.spec.name ?? this.spec.id;
  }

  get restart(): RestartType {
    return this.spec.restart ?? 'transient';
  }

  get removed(): boolean {
    return this.status === 'removed';
  }

  next(notification: unknown): void {
    this.supervisor.childNote(this, notification as SupervisorNotification);
  }

  complete(): void {}

  /** Each incarnation is known from the moment it is made (before its `started`). */
  adopt(process: Process<unknown>): void {
    this.process = process;
  }
}

const noop = (): void => {};

/**
 * @internal One supervisor incarnation: a process whose mailbox takes spec
 * arrivals, child exits, backoff timers and control calls one at a time.
 * Multi-step transitions (stop a group in reverse order, start it again in
 * order) hold the mailbox until they finish; a stop request cuts them short.
 */
export class SupervisorProcess extends Process<SupervisorNotification> {
  readonly #children: Child[] = [];
  readonly #byId = new Map<string, Child>();
  readonly #registry: Registry;
  readonly #intensity: number;
  readonly #period: number;
  readonly #backoff: BackoffOptions | BackoffFunction | undefined;
  readonly #maxChildren: number;
  readonly #autoShutdown: NonNullable<SupervisorOptions['autoShutdown']>;
  readonly #holdBound: number;
  /** Times of the restarts inside the intensity window. */
  readonly #restartLog: number[] = [];
  #specSubscription: Subscription | null = null;
  /** Specs the source emits while being subscribed: the initial set. */
  #initial: unknown[] | null = null;
  #bootError: { error: unknown } | null = null;
  /** Aborts the running transition. */
  #task: (() => void) | null = null;
  /** Outside watchers of its events (`events$`), made on demand. */
  #eventWatchers: Subject<SupervisorEvent> | null = null;
  /** Restarts made without a wait since the last macrotask began (see `RESTART_BURST`). */
  #burst = 0;

  readonly #strategy: Strategy;
  readonly #specs$: Observable<ChildSpec>;
  /** The supervisor stream this incarnation is a subscription of. */
  readonly #tree: object;

  constructor(
    strategy: Strategy,
    options: SupervisorOptions,
    specs$: Observable<ChildSpec>,
    sink: Sink<SupervisorNotification> | null,
    tree: object,
  ) {
    const { scheduler, name } = options;
    super(sink, scheduler!, name);
    this.#strategy = strategy;
    this.#specs$ = specs$;
    this.#tree = tree;
    const {
      intensity = 3,
      period = 5000,
      registry = new Registry(),
      backoff,
      maxChildren = Infinity,
      autoShutdown = 'never',
      holdBound = 1000,
    } = options;
    this.#intensity = intensity;
    this.#period = period;
    this.#registry = registry;
    this.#backoff = backoff;
    this.#maxChildren = maxChildren;
    this.#autoShutdown = autoShutdown;
    this.#holdBound = holdBound;
  }

  /** Collects the initial specs, checks them together, emits `started`, then starts them in order. */
  boot(): this {
    enter();
    try {
      const running = this.#registry.claimTree(this.#tree, this.pid);
      if (running !== null) {
        const error = new TreeRunningError(String(running), this.#registry.someNames());
        return (this.exit(errorExit(error)), this);
      }
      this.#initial = [];
      const subscription = this.#specs$.subscribe({
        next: (spec) =>
          this.#initial !== null
            ? void this.#initial.push(spec)
            : this.#tell({ tag: 'spec', spec }),
        error: (error: unknown) =>
          this.#initial !== null
            ? (this.#bootError = { error })
            : this.#tell({ tag: 'source-error', error }),
        complete: noop,
      });
      const initial = this.#initial;
      this.#initial = null;
      this.#specSubscription = subscription;
      if (this.#bootError !== null) return (this.exit(errorExit(this.#bootError.error)), this);
      try {
        // Checked together, as they are added: the id index finds repeats. One
        // index operation per child, not a lookup and then an insert (on a
        // million ids each costs a cache miss, BENCHMARKS.md case 6): a repeated
        // id leaves the index's size unchanged, and any error drops the whole set.
        const byId = this.#byId;
        for (const spec of initial) {
          checkSpec(spec);
          if (this.#children.length === this.#maxChildren) {
            if (byId.has(spec.id)) throw duplicateId(spec.id);
            throw new ChildSpecError(
              spec.id,
              'maxChildren',
              `the supervisor takes at most ${this.#maxChildren} children.`,
            );
          }
          const c = new Child(this, spec);
          const size = byId.size;
          byId.set(spec.id, c);
          if (byId.size === size) throw duplicateId(spec.id);
          this.#children.push(c);
        }
      } catch (error) {
        this.#children.length = 0;
        this.#byId.clear();
        return (this.exit(errorExit(error)), this);
      }
      this.started({ kind: 'started', pid: this.pid, registry: this.#registry });
      if (this.running) this.#startAll(this.#children.slice());
    } finally {
      leave();
    }
    return this;
  }

  // ---- Transitions ------------------------------------------------------------------

  /** Runs a multi-step transition with the mailbox held; `run` returns its abort function. */
  #transition(run: (done: () => void) => () => void): void {
    this.suspend();
    let finished = false;
    const abort = run(() => {
      finished = true;
      this.#task = null;
      this.resume();
    });
    if (!finished) this.#task = abort;
  }

  #startAll(group: Child[]): void {
    this.#transition((done) => serial(group, (c, next) => this.#startChild(c, next), done));
  }

  #startChild(c: Child, done: () => void): void {
    // A stop asked for during a transition's synchronous part: start no more.
    if (this.stopAsked) return done();
    if (c.removed || c.status === 'running' || c.status === 'starting' || c.status === 'stopping')
      return done();
    const inc = ++c.incarnation;
    c.status = 'starting';
    c.onStarted = done;
    c.process = null;
    if (c.wait !== null) c.aftermath.wait = null;
    if (this.#backoff !== undefined) c.aftermath.startedAt = this.scheduler.now();
    let stream: unknown;
    try {
      stream = c.spec.start();
    } catch (error) {
      return this.#childExited(c, inc, errorExit(error), undefined);
    }
    if (!isObservable(stream)) {
      const error = new ChildSpecError(
        c.id,
        'start',
        `must return an Observable, returned ${describe(stream)}.`,
      );
      return this.#childExited(c, inc, errorExit(error), undefined);
    }
    const booter = booterOf(stream);
    c.type = c.spec.type ?? booter?.type ?? 'worker';
    const process =
      booter !== undefined
        ? booter.boot(c)
        : new ObservableProcess(stream, c, this.scheduler).boot();
    const { mailbox } = c.spec;
    if (mailbox !== undefined) process.limit(mailbox.bound, mailbox.overflow === 'drop-oldest');
  }

  #stopChild(c: Child, done: () => void): void {
    const process = c.process;
    if (
      process === null ||
      (c.status !== 'running' && c.status !== 'starting' && c.status !== 'stopping')
    ) {
      return done();
    }
    c.onExited = done;
    if (c.status === 'stopping') return;
    c.status = 'stopping';
    const inc = c.incarnation;
    const shutdown = shutdownOf(c);
    if (shutdown === 0) return this.#kill(c, inc, false);
    process.requestStop(CANCELLED);
    if (shutdown !== Infinity && c.incarnation === inc && c.status === 'stopping') {
      c.aftermath.stopTimer = this.timer(shutdown, () => this.#kill(c, inc, true));
    }
  }

  /**
   * Unsubscribes a child at once: `brutal_kill` (its `terminate` is started and
   * left to run), or its shutdown time ran out (`timedOut`: a `terminate` still
   * running is unsubscribed).
   */
  #kill(c: Child, inc: number, timedOut: boolean): void {
    const process = c.process;
    if (process === null || c.incarnation !== inc) return;
    if (timedOut) process.abandon();
    else process.cancelWithin(0, this.scheduler);
    this.#childExited(c, inc, process.reason ?? CANCELLED, process.pid);
  }

  // ---- Child notifications ------------------------------------------------------------

  /** @internal A notification from one of `c`'s incarnations (only its current one can still send). */
  childNote(c: Child, n: SupervisorNotification): void {
    if (c.removed) return;
    const inc = c.incarnation;
    if (n.kind === 'started') return this.#childStarted(c, n.pid);
    if (n.kind === 'exit') return this.#childExited(c, inc, n.reason, n.pid);
    this.#emit({
      ...n,
      path: [c.id, ...n.path],
      incarnation: n.path.length === 0 ? inc : n.incarnation,
    });
  }

  #childStarted(c: Child, pid: Pid): void {
    if (c.status !== 'starting') return;
    try {
      this.#registry.add(c.name, pid, this.#holdBound);
    } catch (error) {
      // The name is held by a live pid: this start fails like any other.
      pid.target.requestStop(errorExit(error));
      return;
    }
    c.status = 'running';
    this.#emit({ kind: 'child-started', path: c.path, incarnation: c.incarnation, pid });
    const onStarted = c.onStarted;
    c.onStarted = null;
    onStarted?.();
  }

  #childExited(c: Child, inc: number, reason: ExitReason, pid: Pid | undefined): void {
    c.process = null;
    const aftermath = c.aftermath;
    aftermath.stopTimer?.unsubscribe();
    aftermath.stopTimer = null;
    c.status = 'restarting';
    aftermath.lastExit = reason;
    this.#emit({ kind: 'child-exited', path: c.path, incarnation: inc, pid, reason });
    const { onExited, onStarted } = c;
    c.onExited = c.onStarted = null;
    // A stop this supervisor asked for: the transition that asked decides what follows.
    if (onExited !== null) return onExited();
    this.#tell({ tag: 'exited', child: c, incarnation: inc });
    // A start that failed: the start phase goes on, and the decision follows it.
    onStarted?.();
  }

  // ---- Mailbox ------------------------------------------------------------------------

  /** Queues one of its own messages, behind what is already in its mailbox. */
  #tell(message: SupervisorMessage): void {
    this.post(OWN, message, undefined);
  }

  /** Its own messages, one at a time. */
  #own(message: SupervisorMessage): void {
    switch (message.tag) {
      case 'exited':
        return this.#decide(message.child, message.incarnation);
      case 'due':
        return this.#due(message.group, message.wait);
      case 'spec':
        return this.#addSpec(message.spec);
      case 'source-error':
        this.requestStop(errorExit(message.error));
        return;
    }
  }

  protected receive(kind: number, payload: unknown, via: unknown): void {
    switch (kind) {
      case OWN:
        // Only `tell` posts this kind, always with a SupervisorMessage.
        return this.#own(payload as SupervisorMessage);
      case CALL:
        return this.#control(payload as CallRef);
      default: {
        const error = new HandlerError(
          String(this.pid),
          'handleInfo',
          'does not exist: a supervisor takes only control calls.',
        );
        return lost((via as Pid | undefined) ?? this.pid, kind, payload, errorExit(error), error);
      }
    }
  }

  /** A child exited on its own: restart what its restart type and the strategy say, within intensity. */
  #decide(c: Child, inc: number): void {
    if (c.removed || c.incarnation !== inc || c.status !== 'restarting') return;
    if (!restarts(c.restart, c.aftermath.lastExit!)) return this.#leaveDown(c);
    if (!this.#countRestart()) return this.#giveUp(c);
    const group =
      this.#strategy === 'one_for_one'
        ? [c]
        : this.#strategy === 'one_for_all'
          ? this.#children.slice()
          : this.#children.slice(this.#children.indexOf(c));
    const kept = group.filter((x) => x.restart !== 'temporary');
    for (const x of kept) x.restarts++;
    this.#emit({
      kind: 'restart',
      path: c.path,
      incarnation: inc,
      ids: kept.map((x) => x.id),
      count: c.restarts,
    });
    this.#restartGroup(c, group);
  }

  /** Stops the group's other members in reverse order, drops its temporaries, waits any backoff, starts it in order. */
  #restartGroup(c: Child, group: Child[]): void {
    const others = group.filter((x) => x !== c).reverse();
    this.#transition((done) => {
      let starting = noop;
      const stopping = serial(
        others,
        (x, next) => this.#stopChild(x, next),
        () => {
          for (const x of group) {
            if (x.restart === 'temporary') this.#remove(x);
            else if (x.status === 'terminated') x.status = 'restarting';
          }
          const restartable = group.filter((x) => !x.removed);
          const delay = this.#delayFor(c);
          const yielding = delay === 0 && this.#pastBurst();
          if (delay > 0 || yielding) {
            // The wait is this group's: a child restarted or terminated meanwhile leaves it.
            const wait = {};
            for (const x of restartable) {
              x.status = 'backoff';
              x.aftermath.wait = wait;
            }
            if (!yielding) {
              this.#emit({ kind: 'backoff', path: c.path, incarnation: c.incarnation, delay });
            }
            this.timer(delay, () => this.#tell({ tag: 'due', group: restartable, wait }));
            return done();
          }
          starting = serial(restartable, (x, next) => this.#startChild(x, next), done);
        },
      );
      return () => {
        stopping();
        starting();
      };
    });
  }

  /** A backoff wait ended: start those of the group still waiting. */
  #due(group: readonly Child[], wait: object): void {
    const waiting = group.filter(
      (x) => !x.removed && x.status === 'backoff' && x.aftermath.wait === wait,
    );
    if (waiting.length > 0) this.#startAll(waiting);
  }

  #leaveDown(c: Child): void {
    this.#registry.abandon(c.name);
    if (c.restart === 'temporary') this.#remove(c);
    else c.status = 'terminated';
    if (c.spec.significant === true) this.#checkAutoShutdown();
  }

  #checkAutoShutdown(): void {
    if (this.#autoShutdown === 'never') return;
    if (
      this.#autoShutdown === 'any_significant' ||
      !this.#children.some((x) => x.spec.significant === true && x.status !== 'terminated')
    ) {
      this.requestStop(NORMAL);
    }
  }

  /** Records a restart; `false` when it is one more than `intensity` within `period`. */
  #countRestart(): boolean {
    if (this.#intensity === Infinity) return true;
    const now = this.scheduler.now();
    const log = this.#restartLog;
    while (log.length > 0 && now - log[0]! >= this.#period) log.shift();
    log.push(now);
    return log.length <= this.#intensity;
  }

  #giveUp(c: Child): void {
    const error = new MaxRestartsExceededError(c.id, this.#restartLog.length, this.#period);
    this.#emit({ kind: 'give-up', path: [], incarnation: 1, error });
    this.requestStop(errorExit(error));
  }

  /**
   * Counts a restart made without a wait; `true` once more than `RESTART_BURST`
   * were made in this macrotask, when it must wait for the next. The count
   * starts over in a task scheduled on the first of them, which runs at the
   * next macrotask (before the restart that waits for it).
   */
  #pastBurst(): boolean {
    // Counted first: a synchronous scheduler runs the reset inside `timer`.
    if (this.#burst++ === 0) this.timer(0, () => (this.#burst = 0));
    return this.#burst > RESTART_BURST;
  }

  #delayFor(c: Child): number {
    const backoff = this.#backoff;
    if (backoff === undefined) return 0;
    const state = c.aftermath;
    if (this.scheduler.now() - state.startedAt >= backoffResetAfter(backoff)) state.k = 0;
    try {
      return backoffDelay(backoff, c.id, ++state.k);
    } catch (error) {
      report({ kind: 'callback', callback: 'backoff', error, pid: this.pid, path: [c.id] });
      return 0;
    }
  }

  // ---- Specs ----------------------------------------------------------------------------

  #add(spec: ChildSpec): Child {
    const c = new Child(this, spec);
    this.#children.push(c);
    this.#byId.set(c.id, c);
    return c;
  }

  #remove(c: Child): void {
    c.status = 'removed';
    this.#registry.abandon(c.name);
    this.#byId.delete(c.id);
    const i = this.#children.indexOf(c);
    if (i >= 0) this.#children.splice(i, 1);
    this.#emit({ kind: 'child-removed', path: c.path, incarnation: c.incarnation });
  }

  /** Throws the refusal unless `spec` can be added now: a valid spec, a new id, room under maxChildren. */
  #admit(spec: unknown, fn?: string): asserts spec is ChildSpec {
    checkSpec(spec, fn);
    if (this.#byId.has(spec.id)) throw duplicateId(spec.id);
    if (this.#children.length >= this.#maxChildren) {
      throw new ChildSpecError(
        spec.id,
        'maxChildren',
        `the supervisor already has ${this.#children.length} children.`,
        fn,
      );
    }
  }

  #addSpec(spec: unknown): void {
    try {
      this.#admit(spec);
    } catch (error) {
      const id = (spec as { id?: unknown } | null)?.id;
      this.#emit({
        kind: 'refused',
        path: typeof id === 'string' ? [id] : [],
        incarnation: 0,
        error: error as ChildSpecError,
      });
      return;
    }
    this.#startAll([this.#add(spec)]);
  }

  // ---- Control calls ------------------------------------------------------------------------

  #control(ref: CallRef): void {
    const request = ref.request as ControlRequest;
    if (request.op === 'which') return ref.resolve(this.childInfos());
    if (request.op === 'count') {
      const supervisors = this.#children.filter((c) => c.type === 'supervisor').length;
      return ref.resolve({
        specs: this.#children.length,
        active: this.#children.filter((c) => c.process !== null).length,
        supervisors,
        workers: this.#children.length - supervisors,
      });
    }
    if (request.op === 'start') return this.#startSpec(ref, request.spec);
    const c = this.#byId.get(request.id);
    if (c === undefined) return ref.reject(new NoSuchChildError(request.id));
    this.owe(ref);
    switch (request.op) {
      case 'terminate':
        return this.#transition((done) => {
          this.#stopChild(c, () => {
            if (c.restart === 'temporary') this.#remove(c);
            else c.status = 'terminated';
            this.#registry.abandon(c.name);
            ref.resolve(undefined);
            done();
          });
          return noop;
        });
      case 'restart':
        if (c.status !== 'terminated' && c.status !== 'backoff') {
          return ref.reject(new ChildRunningError(c.id, 'restart'));
        }
        return this.#transition((done) => {
          this.#startChild(c, () => {
            if (c.status === 'running') ref.resolve(c.process!.pid);
            else
              ref.reject(new ActorExitError(`child '${c.id}'`, c.aftermath.lastExit ?? CANCELLED));
            done();
          });
          return noop;
        });
      case 'delete':
        if (c.status !== 'terminated') return ref.reject(new ChildRunningError(c.id, 'delete'));
        this.#remove(c);
        return ref.resolve(undefined);
    }
  }

  /** `startChild`: adds the spec and starts it; the caller gets its pid, or the refusal or start failure. */
  #startSpec(ref: CallRef, spec: unknown): void {
    try {
      this.#admit(spec, 'startChild');
    } catch (error) {
      return ref.reject(error);
    }
    const c = this.#add(spec);
    this.owe(ref);
    this.#transition((done) => {
      this.#startChild(c, () => {
        if (c.status === 'running') ref.resolve(c.process!.pid);
        else ref.reject(new ActorExitError(`child '${c.id}'`, c.aftermath.lastExit ?? CANCELLED));
        done();
      });
      return noop;
    });
  }

  // ---- Lifecycle hooks ----------------------------------------------------------------------

  /** A stop request cuts the running transition short: the exit's own stop pass takes over. */
  override requestStop(reason: ExitReason): boolean {
    const task = this.#task;
    if (!super.requestStop(reason)) return false;
    if (task === null || !this.running) return true;
    this.#task = null;
    task();
    for (const c of this.#children) c.onStarted = c.onExited = null;
    this.resume();
    return true;
  }

  /** Stops every child in one reverse-order pass, each awaited within its shutdown. */
  protected terminate(): Observable<never> {
    return new Observable<never>((subscriber) => {
      serial(
        this.#children.slice().reverse(),
        (c, next) => this.#stopChild(c, next),
        () => {
          this.#abandonAll();
          subscriber.complete();
        },
      );
    });
  }

  protected override onStopping(): void {
    this.#specSubscription?.unsubscribe();
    this.#specSubscription = null;
  }

  /** Unsubscribed: every child is cancelled at once, last-started first. */
  protected override onCancel(): void {
    this.#task?.();
    this.#task = null;
    for (let i = this.#children.length - 1; i >= 0; i--) {
      const c = this.#children[i]!;
      c.onStarted = c.onExited = null;
      const process = c.process;
      c.process = null;
      process?.cancelWithin(shutdownOf(c), this.scheduler);
    }
    this.#abandonAll();
  }

  #abandonAll(): void {
    for (const c of this.#children) this.#registry.abandon(c.name);
  }

  #emit(event: SupervisorEvent): void {
    this.sink?.next(event);
    this.#eventWatchers?.next(event);
  }

  /** @internal Its children now, in start order, as `whichChildren` reports them. */
  childInfos(): ChildInfo[] {
    return this.#children.map(info);
  }

  /** @internal Its events from now on, for `events$`; completes when it exits. */
  events(): Subject<SupervisorEvent> {
    return (this.#eventWatchers ??= new Subject<SupervisorEvent>());
  }

  protected exitNotification(reason: ExitReason): SupervisorNotification {
    this.#eventWatchers?.complete();
    return { kind: 'exit', pid: this.pid, reason };
  }
}

/** A child's shutdown in ms: 0 for `brutal_kill`, `Infinity` for `infinity`. */
function shutdownOf(c: Child): number {
  const shutdown = c.spec.shutdown ?? (c.type === 'supervisor' ? 'infinity' : 5000);
  return shutdown === 'brutal_kill' ? 0 : shutdown === 'infinity' ? Infinity : shutdown;
}

/** Whether an exit with `reason` restarts a child of restart type `type`. */
const restarts = (type: RestartType, reason: ExitReason): boolean =>
  type === 'permanent' || (type === 'transient' && reason.kind === 'error');

const info = (c: Child): ChildInfo => ({
  id: c.id,
  pid: c.process?.pid,
  type: c.type,
  restart: c.restart,
  // (A removed child is in no list: `removed` never shows.)
  status: c.status === 'removed' ? 'terminated' : c.status,
  queued: c.process?.depth ?? 0,
  restarts: c.restarts,
  incarnation: c.incarnation,
});

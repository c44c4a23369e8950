import { BehaviorSubject, Observable, type Subscriber } from 'rxjs';
import { isPid } from '../actor/address.js';
import { mustBe } from '../check/must-be.js';
import type { Pid } from '../actor/pid.js';
import type { Protocol } from '../actor/protocol.js';
import { lost } from '../actor/process.js';
import type { NameTable, Via } from '../actor/via.js';
import type { LocalNames, NameSync } from './name-sync.js';
import { AlreadyRegisteredError } from '../errors/already-registered-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { HeldMessages } from './held-messages.js';
import type { Name } from './typed-name.js';
import { errorExit } from '../exit/exit-reason.js';
import { FULL } from '../mailbox/mailbox.js';
import { enter, leave } from '../mailbox/run-queue.js';

/** A `whereis$` subscriber and the pid it was last told. */
interface Watcher {
  readonly subscriber: Subscriber<Pid | undefined>;
  last: Pid | undefined;
}

/**
 * Names for pids. Lookups are synchronous reads; changes are observable.
 * Every name is freed when its pid exits. Any string is a valid name, and two
 * registries never share entries.
 *
 * Under a supervisor, a child's name is *pending* between the child's exit
 * and its restart: `whereis` gives `undefined`, but sends through `via` are
 * held and delivered to the next incarnation.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * registry.register('db', pid);
 * registry.whereis('db') === pid; // true
 * registry.whereis$('db').subscribe((p) => console.log(p ? String(p) : 'down'));
 * ```
 */
export class Registry implements NameTable {
  readonly #names = new Map<string, Pid>();
  /**
   * @internal Bumped on every change, so a `via` can keep its last lookup until then
   * (`cast` reads it, BENCHMARKS.md case 7).
   */
  version = 0;
  /** Supervised names between their child's exit and the restart decision, with what was sent meanwhile. */
  readonly #pending = new Map<string, HeldMessages>();
  /**
   * Every name a supervisor has registered here, for `NoProcError`'s hint:
   * this set, and the names first registered since it was last brought up to
   * date (`#supervisedLog`). Appending is not a hash-table insert per
   * supervised start (a million children register here, BENCHMARKS.md case
   * 6); the log is folded into the set when the hint is needed, or once it is
   * longer than twice the names known, so it stays proportional to them.
   */
  readonly #supervised = new Set<string>();
  #supervisedLog: string[] = [];
  /** The running incarnation of each supervisor stream using this registry (one copy at a time). */
  readonly #trees = new Map<object, Pid>();
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #view: ReadonlyMap<string, Pid> = readonlyView(this.#names);
  readonly #entries = new BehaviorSubject<ReadonlyMap<string, Pid>>(this.#view);
  /** What keeps these names in step with other nodes, if anything (see `attach`). */
  #sync: NameSync | null = null;

  /**
   * The names and their pids: a read-only live view, emitted at once and on each
   * change (the same view each time: read it when it arrives).
   */
  readonly entries$: Observable<ReadonlyMap<string, Pid>> = this.#entries.asObservable();

  /**
   * Registers `name` for `pid` until `pid` exits. Throws `AlreadyRegisteredError`
   * if a live pid holds the name (or it is pending a supervised restart), and
   * `NoProcError` if `pid` is dead. Registering a name again for its own pid does nothing.
   */
  register(name: string, pid: Pid): void {
    checkName('register', name);
    if (!isPid(pid)) throw mustBe('register', 'pid', 'a Pid', pid);
    this.add(name, pid, -1);
  }

  /**
   * Removes `name`; with `pid`, only if the name still points at that pid
   * (compare-and-delete). Returns whether it removed it.
   */
  unregister(name: string, pid?: Pid): boolean {
    checkName('unregister', name);
    if (pid !== undefined && !isPid(pid))
      throw mustBe('unregister', 'pid', 'a Pid or omitted', pid);
    return this.#sync === null ? this.#removeHere(name, pid) : this.#sync.unregister(name, pid);
  }

  /**
   * The pid registered under a typed name, typed by its protocol, or
   * `undefined` (also while it is pending a restart).
   * @typeParam P - The protocol the name carries.
   */
  whereis<P extends Protocol>(name: Name<P>): Pid<P> | undefined;
  /** The pid registered under `name`, or `undefined` (also while it is pending a restart). */
  whereis(name: string): Pid | undefined;
  whereis(name: string): Pid | undefined {
    checkName('whereis', name);
    return this.#names.get(name);
  }

  /**
   * Emits the pid under a typed name (or `undefined`), typed by its protocol,
   * at once, then each time it changes.
   * @typeParam P - The protocol the name carries.
   */
  whereis$<P extends Protocol>(name: Name<P>): Observable<Pid<P> | undefined>;
  /** Emits the pid under `name` (or `undefined`) at once, then each time it changes. */
  whereis$(name: string): Observable<Pid | undefined>;
  whereis$(name: string): Observable<Pid | undefined> {
    checkName('whereis$', name);
    return new Observable<Pid | undefined>((subscriber) => {
      // Watching before the first emission: a change made while it is being
      // told the current pid reaches it too.
      const watcher: Watcher = { subscriber, last: this.#names.get(name) };
      let set = this.#watchers.get(name);
      if (set === undefined) this.#watchers.set(name, (set = new Set()));
      set.add(watcher);
      subscriber.next(watcher.last);
      return () => {
        set.delete(watcher);
        if (set.size === 0 && this.#watchers.get(name) === set) this.#watchers.delete(name);
      };
    });
  }

  // ---- For messaging and supervisors -----------------------------------------------

  /** @internal The error `name` would meet if `pid` registered it now, or `null`. */
  conflict(name: string, pid: Pid): Error | null {
    const holder = this.#names.get(name);
    if (holder !== undefined && holder !== pid)
      return new AlreadyRegisteredError(name, String(holder));
    if (this.#pending.has(name))
      return new AlreadyRegisteredError(name, 'a supervised child waiting for its restart');
    return null;
  }

  /**
   * @internal Registers `name` for `pid`. With `hold >= 0` (a supervisor's
   * `holdBound`) the name stays pending when `pid` exits; messages held while a
   * previous incarnation was down are delivered to `pid` now, in order.
   */
  add(name: string, pid: Pid, hold: number): void {
    if (this.#sync === null) this.#addHere(name, pid, hold);
    else this.#sync.add(name, pid, hold);
  }

  /** @internal `pid` exited: free its name, or keep it pending when supervised. */
  exited(name: string, pid: Pid, hold: number): void {
    if (this.#sync === null) this.#exitedHere(name, pid, hold);
    else this.#sync.exited(name, pid, hold);
  }

  /** @internal No restart follows: the held messages go to dead letters. */
  abandon(name: string): void {
    if (this.#sync === null) this.#abandonHere(name);
    else this.#sync.abandon(name);
  }

  /**
   * @internal Hands every later change of these names to the sync `attach` makes, which makes
   * them through the registry's own operations it is given (docs/design.md, "Names").
   */
  attach<S extends NameSync>(make: (local: LocalNames) => S): S {
    const sync = make({
      whereis: (name) => this.#names.get(name),
      pendingFor: (name) => this.#pending.has(name),
      add: (name, pid, hold) => this.#addHere(name, pid, hold),
      unregister: (name, pid) => this.#removeHere(name, pid),
      exited: (name, pid, hold) => this.#exitedHere(name, pid, hold),
      abandon: (name) => this.#abandonHere(name),
    });
    this.#sync = sync;
    return sync;
  }

  #removeHere(name: string, pid: Pid | undefined): boolean {
    const holder = this.#names.get(name);
    if (holder === undefined || (pid !== undefined && holder !== pid)) return false;
    this.#set(name, undefined);
    return true;
  }

  #addHere(name: string, pid: Pid, hold: number): void {
    const holder = this.#names.get(name);
    if (holder === pid) return;
    if (holder !== undefined) throw new AlreadyRegisteredError(name, String(holder));
    // (Size checks first: a million children register here, each lookup counts.)
    const held = this.#pending.size === 0 ? undefined : this.#pending.get(name);
    if (held !== undefined && hold < 0) {
      throw new AlreadyRegisteredError(name, 'a supervised child waiting for its restart');
    }
    const target = pid.target;
    if (target.dead) throw new NoProcError(String(pid));
    // (A pending name was registered by a supervisor before: it is known already.)
    if (hold >= 0 && held === undefined) this.#noteSupervised(name);
    target.named(this, name, hold);
    if (held !== undefined) {
      // Held messages go in first: whoever hears of the new pid sends behind them.
      this.#pending.delete(name);
      held.replayTo(pid);
    }
    this.#set(name, pid);
  }

  #exitedHere(name: string, pid: Pid, hold: number): void {
    if (this.#names.get(name) !== pid) return;
    const reason = pid.target.reason!;
    if (hold >= 0) this.#pending.set(name, new HeldMessages(hold, reason));
    this.#set(name, undefined);
  }

  /** @internal A message left in an exited mailbox, sent through `name`: held if the name is pending. */
  holdLeftover(name: string, kind: number, payload: unknown, via: Via): boolean {
    const held = this.#pending.get(name);
    if (held === undefined) return false;
    held.hold(name, kind, payload, via);
    return true;
  }

  /**
   * @internal Sends through `name`: to its pid, into its hold, or to dead
   * letters. The first case is all of this method, so that it stays small
   * enough to inline into a send (BENCHMARKS.md, case 7); the others are
   * `#undelivered`. It keeps `via`'s cache (its `pid` at its `version`), which
   * `cast` posts to without coming here: a table that overrides `deliver` to
   * do more per send (a singleton's view, an entity region) must not call
   * this one, or its vias' casts would skip what it adds.
   */
  deliver(name: string, kind: number, payload: unknown, via: Via): boolean {
    if (via.version !== this.version) {
      via.pid = this.#names.get(name);
      via.version = this.version;
    }
    const posted = via.pid?.target.post(kind, payload, via);
    // No pid, or a dead one: held or a dead letter. `FULL`: a full bounded mailbox refused
    // it, already a dead letter, never held.
    return posted === true || (posted !== FULL && this.#undelivered(name, kind, payload, via));
  }

  /** A send through `name` that no live pid took: held while the name is pending, else a dead letter. */
  #undelivered(name: string, kind: number, payload: unknown, via: Via): boolean {
    const held = this.#pending.get(name);
    if (held !== undefined) return held.hold(name, kind, payload, via);
    const error = new NoProcError(String(via), !this.#allSupervised().has(name));
    lost(via, kind, payload, errorExit(error), error);
    return false;
  }

  /**
   * @internal Claims `tree` (a supervisor stream) for `pid`, the incarnation
   * starting it: returns the running copy's pid if another live incarnation of
   * the same stream holds it, else `null`. The claim ends when `pid` exits.
   */
  claimTree(tree: object, pid: Pid): Pid | null {
    const holder = this.#trees.get(tree);
    if (holder !== undefined && holder !== pid && !holder.target.dead) return holder;
    this.#trees.set(tree, pid);
    pid.target.onExit(() => {
      if (this.#trees.get(tree) === pid) this.#trees.delete(tree);
    });
    return null;
  }

  /** @internal A few of the names held here, for error messages. */
  someNames(): string[] {
    const some: string[] = [];
    for (const name of this.#names.keys()) if (some.push(name) === 3) break;
    return some;
  }

  /** @internal Whether `name` is waiting for its supervised child's restart. */
  pendingFor(name: string): boolean {
    return this.#pending.has(name);
  }

  #abandonHere(name: string): void {
    const held = this.#pending.get(name);
    if (held === undefined) return;
    this.#pending.delete(name);
    held.abandon();
  }

  #noteSupervised(name: string): void {
    const log = this.#supervisedLog;
    if (log.push(name) > 2 * (this.#supervised.size + this.#names.size) + 1024)
      this.#allSupervised();
  }

  /** Every name a supervisor has registered here: the log folded into the set. */
  #allSupervised(): Set<string> {
    for (const name of this.#supervisedLog) this.#supervised.add(name);
    this.#supervisedLog = [];
    return this.#supervised;
  }

  #set(name: string, pid: Pid | undefined): void {
    this.version++;
    if (pid === undefined) this.#names.delete(name);
    else this.#names.set(name, pid);
    if (this.#watchers.size === 0 && !this.#entries.observed) return;
    enter();
    try {
      // Each watcher is told the name's pid as it is when its turn comes, and
      // only if it differs from what it saw last: a watcher that changes the
      // name meanwhile leaves no one holding a stale pid.
      const set = this.#watchers.get(name);
      if (set !== undefined) {
        for (const watcher of [...set]) {
          const now = this.#names.get(name);
          if (watcher.last !== now) {
            watcher.last = now;
            watcher.subscriber.next(now);
          }
        }
      }
      if (this.#entries.observed) this.#entries.next(this.#view);
    } finally {
      leave();
    }
  }
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw mustBe(fn, 'name', 'a string', name);
  }
}

/** A read-only window on a live map: O(1) to make, never copied. */
function readonlyView<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
  const view: ReadonlyMap<K, V> = {
    get: (key) => map.get(key),
    has: (key) => map.has(key),
    get size() {
      return map.size;
    },
    forEach: (fn, thisArg?: unknown) =>
      map.forEach((value, key) => fn.call(thisArg, value, key, view)),
    entries: () => map.entries(),
    keys: () => map.keys(),
    values: () => map.values(),
    [Symbol.iterator]: () => map[Symbol.iterator](),
  };
  return view;
}

import { Observable } from 'rxjs';
import { isPid } from '../actor/address.js';
import type { Pid } from '../actor/pid.js';
import type { ExitReason } from '../exit/exit-reason.js';
import { enter, leave } from '../mailbox/run-queue.js';
import { mustBe, ANY_STRING, A_PID } from '../check/must-be.js';

/** @internal The brand that marks a group scope, shared by every copy of rxotp. */
export const SCOPE_BRAND: unique symbol = Symbol.for('rxotp.group-scope') as never;

/** One group: its members (each with the remover of its exit watcher) and who watches it. */
interface Group {
  readonly members: Map<Pid, () => void>;
  readonly watchers: Set<(members: readonly Pid[]) => void>;
  /** The members as last emitted; rebuilt on the next read after a change. */
  view: readonly Pid[] | null;
}

/**
 * A namespace of process groups (Erlang's `:pg` scope). `join`, `leave`,
 * `members$` and `broadcast` use one process-wide scope unless given one, so
 * two libraries in one process can keep their group names apart. A member
 * leaves every group of the scope when it exits. A `rxotp/remote` cluster
 * node shares one scope with every node of its cluster (`clusterGroups`).
 *
 * @example
 * ```ts
 * const chat = new GroupScope();
 * join('room:1', pid, chat);
 * members$('room:1', chat).subscribe((pids) => console.log(pids.length));
 * ```
 */
export class GroupScope {
  readonly #groups = new Map<string, Group>();

  /** @internal What `join` does: adds `pid` to `group`; `false` if already a member (or exited). */
  join(group: string, pid: Pid): boolean {
    return this.add(group, pid);
  }

  /** @internal What `leave` does: removes `pid` from `group`; `false` if it was not a member. */
  leave(group: string, pid: Pid): boolean {
    return this.remove(group, pid);
  }

  /** @internal Adds a member, with no side effect beyond this scope. */
  protected add(group: string, pid: Pid): boolean {
    const g = this.#group(group);
    if (g.members.has(pid)) return false;
    let exited = false;
    const remove = pid.target.onExit((reason) => {
      exited = true;
      if (!g.members.delete(pid)) return;
      this.#changed(group, g);
      this.exited(group, pid, reason);
    });
    if (exited) {
      this.#drop(group, g);
      return false;
    }
    g.members.set(pid, remove);
    this.#changed(group, g);
    return true;
  }

  /** @internal Removes a member, with no side effect beyond this scope. */
  protected remove(group: string, pid: Pid): boolean {
    const g = this.#groups.get(group);
    const remove = g?.members.get(pid);
    if (g === undefined || remove === undefined) return false;
    g.members.delete(pid);
    remove();
    this.#changed(group, g);
    return true;
  }

  /** @internal A member exited and has left `group`: a subclass may tell others. */
  protected exited(_group: string, _pid: Pid, _reason: ExitReason): void {}

  /** @internal The members of `group` now, in join order. */
  members(group: string): readonly Pid[] {
    const g = this.#groups.get(group);
    if (g === undefined) return EMPTY;
    return (g.view ??= Object.freeze([...g.members.keys()]));
  }

  /** @internal The members now, then after each change. */
  members$(group: string): Observable<readonly Pid[]> {
    return new Observable<readonly Pid[]>((subscriber) => {
      const g = this.#group(group);
      const watch = (members: readonly Pid[]): void => subscriber.next(members);
      g.watchers.add(watch);
      subscriber.next(this.members(group));
      return () => {
        g.watchers.delete(watch);
        this.#drop(group, g);
      };
    });
  }

  #group(name: string): Group {
    let g = this.#groups.get(name);
    if (g === undefined) {
      g = { members: new Map(), watchers: new Set(), view: null };
      this.#groups.set(name, g);
    }
    return g;
  }

  /** Forgets a group no one is in or watches, so a scope never grows with names gone by. */
  #drop(name: string, g: Group): void {
    if (g.members.size === 0 && g.watchers.size === 0 && this.#groups.get(name) === g) {
      this.#groups.delete(name);
    }
  }

  #changed(name: string, g: Group): void {
    g.view = null;
    if (g.watchers.size === 0) return this.#drop(name, g);
    const members = this.members(name);
    // Watchers run as an rxotp callback: a send they make is queued, never re-entrant.
    enter();
    try {
      for (const watch of [...g.watchers]) watch(members);
    } finally {
      leave();
    }
  }
}
(GroupScope.prototype as unknown as Record<symbol, boolean>)[SCOPE_BRAND] = true;

const EMPTY: readonly Pid[] = Object.freeze([]);

/** @internal The process-wide scope used when none is given. */
export const defaultScope = new GroupScope();

/** @internal Checks the arguments every group function takes; returns the scope to use. */
export function checkGroupArgs(
  fn: string,
  group: unknown,
  scope: unknown,
  pid?: { readonly value: unknown },
): GroupScope {
  if (typeof group !== 'string') {
    throw mustBe(fn, 'group', ANY_STRING, group);
  }
  if (pid !== undefined && !isPid(pid.value)) {
    throw mustBe(fn, 'pid', A_PID, pid.value);
  }
  if (scope === undefined) return defaultScope;
  let branded = false;
  try {
    branded =
      typeof scope === 'object' &&
      scope !== null &&
      (scope as Record<symbol, unknown>)[SCOPE_BRAND] === true;
  } catch {
    branded = false;
  }
  if (!branded) {
    throw mustBe(fn, 'scope', 'a GroupScope (new GroupScope()) or left out', scope);
  }
  return scope as GroupScope;
}

import type { ExitReason } from '../exit/exit-reason.js';
import { isPid } from './address.js';
import type { Pid } from './pid.js';
import type { DownMessage, MonitorRef } from './system-messages.js';
import { mustBe, A_PID } from '../check/must-be.js';

let nextRef = 0;

/** @internal The part of a process a monitor posts its down message to. */
export interface MonitorOwner {
  system(message: DownMessage): void;
}

/**
 * @internal One incarnation's monitors (Erlang's `monitor/2`, Akka's `watch`),
 * built on the pid seam's `onExit`, so local and remote pids behave alike. A
 * down message is queued as the process's own bookkeeping and reaches
 * `handleInfo` only if its monitor is still on when its turn comes: after
 * `demonitor`, none arrives, even one already queued. See docs/design.md,
 * "Monitors".
 */
export class Monitors {
  /** Each monitor on, with the remover of its exit watcher (`null` once it fired). */
  readonly #on = new Map<MonitorRef, (() => void) | null>();

  constructor(private readonly owner: MonitorOwner) {}

  add(target: unknown): MonitorRef {
    if (!isPid(target)) {
      throw mustBe('ctx.monitor', 'pid', A_PID, target);
    }
    const pid: Pid = target;
    const ref: MonitorRef = Object.freeze({ id: ++nextRef, pid });
    this.#on.set(ref, null);
    let fired = false;
    const remove = pid.target.onExit((reason: ExitReason) => {
      fired = true;
      if (!this.#on.has(ref)) return;
      this.#on.set(ref, null);
      const down: DownMessage = Object.freeze({ kind: 'down', ref, pid, reason });
      this.owner.system(down);
    });
    // A dead or unknown pid fires at once (Erlang's `noproc`): nothing to remove later.
    if (!fired) this.#on.set(ref, remove);
    return ref;
  }

  /** Turns a monitor off; `true` when it was on and its down message not yet handled. */
  remove(ref: unknown): boolean {
    if (typeof ref !== 'object' || ref === null) {
      throw mustBe('ctx.demonitor', 'ref', 'what ctx.monitor returned', ref);
    }
    const key = ref as MonitorRef;
    if (!this.#on.has(key)) return false;
    this.#on.get(key)?.();
    this.#on.delete(key);
    return true;
  }

  /** A down message's turn came: `true` (and the monitor is done) when it is still on. */
  take(ref: MonitorRef): boolean {
    return this.#on.delete(ref);
  }

  /** The incarnation ends: its monitors end with it. */
  clear(): void {
    for (const remove of this.#on.values()) remove?.();
    this.#on.clear();
  }
}

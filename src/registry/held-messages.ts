import type { Pid } from '../actor/pid.js';
import { lost } from '../actor/process.js';
import type { Via } from '../actor/via.js';
import { HoldOverflowError } from '../errors/hold-overflow-error.js';
import { NoProcError } from '../errors/no-proc-error.js';
import { errorExit, type ExitReason } from '../exit/exit-reason.js';

/**
 * @internal Messages sent through a name while it points at no pid, held in
 * arrival order for the next pid it points at (docs/design.md, "Messages and
 * names"): a registry's pending name, or a cluster singleton's name between
 * owners. Bounded: past `bound` a message is a dead letter.
 */
export class HeldMessages {
  /** Made by the first message held: most pending names hold none before their restart. */
  #held: Held[] | null = null;

  /**
   * @param bound - How many it holds at most (a supervisor's `holdBound`).
   * @param reason - What a message it cannot deliver is lost with: the exit
   *   that made the name pending; a `NoProcError` exit when `undefined`.
   */
  constructor(
    private readonly bound: number,
    private readonly reason: ExitReason | undefined,
  ) {}

  /** Holds one more; past the bound it is a dead letter (`HoldOverflowError`) and `false`. */
  hold(name: string, kind: number, payload: unknown, via: Via): boolean {
    const held = (this.#held ??= []);
    if (held.length < this.bound) {
      held.push({ kind, payload, via });
      return true;
    }
    const error = new HoldOverflowError(name, this.bound);
    lost(via, kind, payload, errorExit(error), error);
    return false;
  }

  /**
   * Sends everything held to `pid`, in order, and forgets it. A message the pid
   * refuses is a dead letter; one its link cannot carry (a pid on another node)
   * is lost alone, with that error.
   */
  replayTo(pid: Pid): void {
    for (const { kind, payload, via } of this.#take()) {
      try {
        if (!pid.target.post(kind, payload, via)) this.#lose(via, kind, payload, String(pid));
      } catch (error) {
        lost(via, kind, payload, errorExit(error), error);
      }
    }
  }

  /** No pid will come: everything held becomes a dead letter (a call among them is rejected). */
  abandon(): void {
    for (const { kind, payload, via } of this.#take()) this.#lose(via, kind, payload, String(via));
  }

  #lose(via: Via, kind: number, payload: unknown, target: string): void {
    const error = new NoProcError(target);
    lost(via, kind, payload, this.reason ?? errorExit(error), error);
  }

  /** What is held, in order; forgotten here, so each message goes once. */
  #take(): readonly Held[] {
    const held = this.#held ?? [];
    this.#held = null;
    return held;
  }
}

/** One held message. */
interface Held {
  readonly kind: number;
  readonly payload: unknown;
  readonly via: Via;
}

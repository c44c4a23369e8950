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
  readonly #kinds: number[] = [];
  readonly #payloads: unknown[] = [];
  readonly #vias: Via[] = [];

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
    if (this.#kinds.length < this.bound) {
      this.#kinds.push(kind);
      this.#payloads.push(payload);
      this.#vias.push(via);
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
    this.#drain((kind, payload, via) => {
      try {
        if (!pid.target.post(kind, payload, via)) this.#lose(via, kind, payload, String(pid));
      } catch (error) {
        lost(via, kind, payload, errorExit(error), error);
      }
    });
  }

  /** No pid will come: everything held becomes a dead letter (a call among them is rejected). */
  abandon(): void {
    this.#drain((kind, payload, via) => this.#lose(via, kind, payload, String(via)));
  }

  #lose(via: Via, kind: number, payload: unknown, target: string): void {
    const error = new NoProcError(target);
    lost(via, kind, payload, this.reason ?? errorExit(error), error);
  }

  /** Hands each held message to `visit`, in order, once: it is forgotten first. */
  #drain(visit: (kind: number, payload: unknown, via: Via) => void): void {
    const kinds = this.#kinds.splice(0);
    const payloads = this.#payloads.splice(0);
    const vias = this.#vias.splice(0);
    for (let i = 0; i < kinds.length; i++) visit(kinds[i]!, payloads[i], vias[i]!);
  }
}

/**
 * The message types an actor accepts, carried by its `Pid` so `call`, `cast`
 * and `send` are type-checked. `genServer` infers it from the behavior.
 *
 * @example
 * ```ts
 * type CounterProtocol = { call: 'get'; reply: number; cast: 'inc'; info: never };
 * declare const counter: Pid<CounterProtocol>;
 * ```
 */
export interface Protocol {
  /** Requests `handleCall` takes. */
  readonly call: unknown;
  /** What `handleCall` replies. */
  readonly reply: unknown;
  /** Requests `handleCast` takes. */
  readonly cast: unknown;
  /** Messages `handleInfo` takes (`send`). */
  readonly info: unknown;
}

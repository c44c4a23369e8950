/**
 * The types an actor works with, carried by its `Pid`, a `via` address and a
 * typed name, so that `call`, `cast`, `send`, `state$` and `published$` are
 * type-checked. Every field is optional: a field left out means "none" for the
 * messages (`call`, `cast`, `info` accept nothing) and "not known" for the
 * values (`reply`, `state`, `published` are `unknown`). `genServer` infers all
 * of them from the behavior, or takes them first (`genServer<P>()({ ... })`).
 *
 * @example
 * ```ts
 * interface Counter {
 *   call: 'get';
 *   reply: number;
 *   cast: 'inc';
 *   info: 'tick';
 *   state: number;
 * }
 * declare const counter: Pid<Counter>;
 * ```
 */
export interface Protocol {
  /** Requests `handleCall` takes. */
  readonly call?: unknown;
  /** What `handleCall` replies. */
  readonly reply?: unknown;
  /** Requests `handleCast` takes. */
  readonly cast?: unknown;
  /** Messages `handleInfo` takes (`send`, `ctx.sendAfter`, the mailbox). */
  readonly info?: unknown;
  /** The state its handlers keep (`state$`); never `undefined`. */
  readonly state?: unknown;
  /** What it publishes (`ctx.publish`, `published$`). */
  readonly published?: unknown;
}

/**
 * The protocol of an address that was given none (`via(registry, 'name')`):
 * it accepts no message until it is given one, and its state is `unknown`.
 *
 * @example
 * ```ts
 * const untyped: Via<NoProtocol> = via(registry, 'db');
 * ```
 */
export type NoProtocol = Record<never, never>;

/**
 * The requests `call` may send to an actor of protocol `P` (`never` if it states none).
 *
 * @example
 * ```ts
 * type Get = CallOf<{ call: 'get'; reply: number }>; // 'get'
 * ```
 *
 * @typeParam P - A protocol.
 */
export type CallOf<P extends Protocol> = 'call' extends keyof P ? P['call'] : never;

/**
 * What a `call` to an actor of protocol `P` resolves to (`unknown` if it states none).
 *
 * @example
 * ```ts
 * type N = ReplyOf<{ call: 'get'; reply: number }>; // number
 * ```
 *
 * @typeParam P - A protocol.
 */
export type ReplyOf<P extends Protocol> = 'reply' extends keyof P ? P['reply'] : unknown;

/**
 * The requests `cast` may send to an actor of protocol `P` (`never` if it states none).
 *
 * @example
 * ```ts
 * type Inc = CastOf<{ cast: 'inc' }>; // 'inc'
 * ```
 *
 * @typeParam P - A protocol.
 */
export type CastOf<P extends Protocol> = 'cast' extends keyof P ? P['cast'] : never;

/**
 * The messages `send` may send to an actor of protocol `P` (`never` if it states none).
 *
 * @example
 * ```ts
 * type Tick = InfoOf<{ info: 'tick' }>; // 'tick'
 * ```
 *
 * @typeParam P - A protocol.
 */
export type InfoOf<P extends Protocol> = 'info' extends keyof P ? P['info'] : never;

/**
 * The state of an actor of protocol `P`, as `state$` emits it (`unknown` if it states none).
 *
 * @example
 * ```ts
 * type N = StateOf<{ state: number }>; // number
 * ```
 *
 * @typeParam P - A protocol.
 */
export type StateOf<P extends Protocol> = 'state' extends keyof P ? P['state'] : unknown;

/**
 * What an actor of protocol `P` publishes, as `published$` emits it (`unknown` if it states none).
 *
 * @example
 * ```ts
 * type Price = PublishedOf<{ published: number }>; // number
 * ```
 *
 * @typeParam P - A protocol.
 */
export type PublishedOf<P extends Protocol> = 'published' extends keyof P
  ? P['published']
  : unknown;

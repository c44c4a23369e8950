import { Subject } from 'rxjs';
import { isPid } from '../actor/address.js';
import { describe } from '../exit/describe.js';
import { hasMethods } from '../check/has-methods.js';
import { readFields } from '../check/read-fields.js';
import { report } from '../report/reports.js';
import { checkedPublish } from './checked-publish.js';
import type { Link } from './link.js';

/**
 * What `natsLink` needs of a NATS connection: a `NatsConnection` from
 * `@nats-io/transport-node`'s `connect()` (3.x) fits. Described here so rxotp
 * never imports a NATS client itself: only an application that uses
 * `natsLink` depends on one.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * const connection: NatsLinkConnection = await connect({ servers: 'nats://127.0.0.1:4222' });
 * ```
 */
export interface NatsLinkConnection {
  /** Publishes one payload on a subject. */
  publish(subject: string, payload?: Uint8Array): void;
  /** Subscribes to a subject; the callback gets each message. */
  subscribe(
    subject: string,
    options: { callback: (error: Error | null, message: { readonly data: Uint8Array }) => void },
  ): {
    /** Ends the subscription. */
    unsubscribe(): void;
  };
  /** Settles when the connection has closed for good. */
  closed(): Promise<void | Error>;
  /** Whether the connection has closed for good. */
  isClosed(): boolean;
  /** The server's INFO: `max_payload` bounds a frame. */
  readonly info?: { readonly max_payload?: number };
}

/**
 * How frames become bytes on the wire and back. `encode` throws (and nothing
 * is sent) when a frame cannot be encoded.
 *
 * @example
 * ```ts
 * import { serialize, deserialize } from 'node:v8';
 * const codec: NatsLinkCodec = { encode: serialize, decode: deserialize };
 * ```
 */
export interface NatsLinkCodec {
  /** Frame to bytes; throws when the frame cannot cross. */
  encode(frame: unknown): Uint8Array;
  /** Bytes to frame. */
  decode(bytes: Uint8Array): unknown;
}

/**
 * Options of `natsLink`.
 *
 * @example
 * ```ts
 * natsLink({ connection, node: 'api', peer: 'db' });
 * ```
 */
export interface NatsLinkOptions {
  /** A connection from `@nats-io/transport-node`'s `connect()`; the link never closes it. */
  readonly connection: NatsLinkConnection;
  /** This node's name: it publishes on `rxotp.link.<node>.<peer>`. */
  readonly node: string;
  /** The peer's name: frames from it arrive on `rxotp.link.<peer>.<node>`. */
  readonly peer: string;
  /** Default: JSON (UTF-8), which refuses functions, symbols and bigints. */
  readonly codec?: NatsLinkCodec;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * JSON that refuses what it would otherwise drop or mangle silently: a
 * function, symbol, Map or Set throws instead of vanishing or arriving as
 * `{}`, and so does a pid that a node could not translate (one inside a class
 * instance).
 *
 * @example
 * ```ts
 * natsLink({ connection, node: 'a', peer: 'b', codec: jsonCodec });
 * ```
 */
export const jsonCodec: NatsLinkCodec = {
  encode(frame: unknown): Uint8Array {
    const text = JSON.stringify(frame, (_key, value: unknown) => {
      if (typeof value === 'function' || typeof value === 'symbol') {
        throw new TypeError(`${typeof value} values cannot be encoded as JSON`);
      }
      if (value instanceof Map || value instanceof Set) {
        throw new TypeError(
          `a ${value instanceof Map ? 'Map' : 'Set'} would arrive as {} in JSON: ` +
            `send an array or object, or use a codec such as node:v8's serialize`,
        );
      }
      if (isPid(value)) {
        throw new TypeError(
          `a pid (${String(value)}) can cross only inside arrays and plain objects, ` +
            `not inside a class instance`,
        );
      }
      return value;
    });
    return utf8.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    return JSON.parse(fromUtf8.decode(bytes));
  },
};

// A subject token: no separators, wildcards or whitespace.
const TOKEN = /^[^.*>\s]+$/;

/** @internal Throws unless `value` can be one NATS subject token (a node name in subjects). */
export function checkSubjectToken(
  fn: string,
  key: string,
  value: unknown,
): asserts value is string {
  if (typeof value !== 'string' || value.length > 256 || !TOKEN.test(value)) {
    throw new TypeError(
      `${fn}: options.${key} must be a string of 1 to 256 characters with no '.', '*', '>' or whitespace, got ${describe(value)}.`,
    );
  }
}

/** @internal A codec option, checked: `jsonCodec` when absent. */
export function checkCodec(fn: string, codec: unknown): NatsLinkCodec {
  if (codec === undefined) return jsonCodec;
  if (!hasMethods(codec, ['encode', 'decode'])) {
    throw new TypeError(
      `${fn}: options.codec must be { encode(frame): Uint8Array, decode(bytes) } (default jsonCodec), got ${describe(codec)}.`,
    );
  }
  return codec as NatsLinkCodec;
}

/**
 * A link to one peer node over core NATS. This node publishes on
 * `rxotp.link.<node>.<peer>` and listens on `rxotp.link.<peer>.<node>`; the
 * peer does the reverse, so the two names must match on both sides and each
 * node name must be unique on the server. The sender's name is the subject's
 * third token: a nats-server permission that lets a connection publish only on
 * `rxotp.link.<its name>.>` makes a node speak only as itself. Frames that fail
 * to decode are dropped and reported on `reports$`; a frame over the server's
 * `max_payload` throws `MessageTooLargeError` at `send`. Core NATS is at-most-once: a frame published
 * before the peer's subscription reached the server, while the peer is
 * disconnected, or to a subscriber cut as a slow consumer is lost without
 * notice (rxotp's heartbeats then report the peer down). Order is kept per
 * connection. `close()` unsubscribes and leaves the connection open;
 * `incoming$` also completes when the connection closes for good.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * const connection = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const link = natsLink({ connection, node: 'api', peer: 'db' });
 * await connection.flush(); // the subscription is on the server
 * const node = connectNode({ name: 'api', link });
 * ```
 */
export function natsLink(options: NatsLinkOptions): Link {
  const like = "{ connection, node: 'a', peer: 'b' }";
  const fields = readFields(
    'natsLink',
    'options',
    options,
    ['connection', 'node', 'peer', 'codec'],
    like,
  );
  if (fields === undefined)
    throw new TypeError(`natsLink: options must be an object like ${like}, got undefined.`);
  const connection = fields.connection as NatsLinkConnection;
  if (!hasMethods(connection, ['publish', 'subscribe', 'closed', 'isClosed'])) {
    throw new TypeError(
      "natsLink: options.connection must be a NatsConnection from @nats-io/transport-node's connect().",
    );
  }
  const { node, peer } = fields;
  checkSubjectToken('natsLink', 'node', node);
  checkSubjectToken('natsLink', 'peer', peer);
  const codec = checkCodec('natsLink', fields.codec);
  const outbox = `rxotp.link.${node}.${peer}`;
  const inbox = `rxotp.link.${peer}.${node}`;
  const incoming = new Subject<unknown>();
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    subscription?.unsubscribe();
    incoming.complete();
  };
  let subscription: { unsubscribe(): void } | undefined;
  if (connection.isClosed()) {
    finish();
  } else {
    subscription = connection.subscribe(inbox, {
      callback: (error, message) => {
        if (closed) return;
        if (error !== null) {
          report({ kind: 'remote', node, operation: 'subscription', error });
          return finish();
        }
        let frame: unknown;
        try {
          frame = codec.decode(message.data);
        } catch (failure) {
          // Not a frame: dropped and reported; the node checks the rest of each frame.
          report({ kind: 'frame', node, subject: inbox, error: failure });
          return;
        }
        try {
          incoming.next(frame);
        } catch (failure) {
          // Nothing may throw into the client's reader.
          report({ kind: 'remote', node, operation: 'handling a frame', error: failure });
        }
      },
    });
    void connection.closed().then(finish, finish);
  }
  return {
    send(frame: unknown): void {
      if (closed) return;
      checkedPublish(connection, outbox, codec.encode(frame));
    },
    incoming$: incoming.asObservable(),
    close: finish,
  };
}

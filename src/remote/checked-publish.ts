import { MessageTooLargeError } from '../errors/message-too-large-error.js';

/** @internal The part of a NATS connection a publish needs. */
export interface Publisher {
  publish(subject: string, payload?: Uint8Array, options?: { reply?: string }): void;
  /** The server's INFO; `max_payload` bounds a payload. */
  readonly info?: { readonly max_payload?: number };
}

/**
 * @internal Publishes `data`, or throws `MessageTooLargeError` when it is over
 * the server's `max_payload` (the client would otherwise fail it later, or
 * drop the connection). A connection that is closing loses the frame, as one
 * lost in flight would be: delivery is at most once.
 */
export function checkedPublish(
  connection: Publisher,
  subject: string,
  data: Uint8Array,
  reply?: string,
): void {
  const limit = connection.info?.max_payload;
  if (limit !== undefined && data.length > limit)
    throw new MessageTooLargeError(data.length, limit);
  try {
    if (reply === undefined) connection.publish(subject, data);
    else connection.publish(subject, data, { reply });
  } catch {
    // Closing or closed: its end takes the node out; the frame is lost.
  }
}

/**
 * A message did not fit the transport: its encoded frame is over the NATS
 * server's `max_payload`. `send` and `cast` throw it (after publishing a dead
 * letter); a `call` rejects with it at once. Nothing is sent.
 *
 * @example
 * ```ts
 * try { cast(remotePid, hugeBlob); } catch (e) { if (e instanceof MessageTooLargeError) shrink(e.size, e.limit); }
 * ```
 */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  /** The encoded frame's size, in bytes. */
  readonly size: number;
  /** The largest payload the server takes (`max_payload`), in bytes. */
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      `A frame of ${size} bytes is over the NATS server's max_payload of ${limit} bytes: ` +
        `send less per message (split it, or pass a reference), or raise max_payload on the server.`,
    );
    this.size = size;
    this.limit = limit;
  }
}

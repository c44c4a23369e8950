/**
 * The part of a JetStream KV bucket the cluster registry uses: a `KV` from
 * `@nats-io/kv` 3.x (`await new Kvm(connection).create('rxotp_names')`) fits.
 *
 * @example
 * ```ts
 * import { Kvm } from '@nats-io/kv';
 * const bucket: ClusterKv = await new Kvm(connection).create('rxotp_names', { history: 1 });
 * ```
 */
export interface ClusterKv {
  /** Puts `value` only if `key` has no value (compare-and-set); resolves its revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Puts `value` only if `key` is at revision `version`. */
  update(key: string, value: Uint8Array, version: number): Promise<number>;
  /** Deletes `key` only if it is at revision `previousSeq`. */
  delete(key: string, options: { previousSeq: number }): Promise<void>;
  /**
   * The current values (deletions included), then every change, in order;
   * with `resumeFromRevision`, every change from that revision on.
   */
  watch(options?: { resumeFromRevision?: number }): Promise<
    AsyncIterable<ClusterKvEntry> & {
      /** Ends the watch. */
      stop(): void;
    }
  >;
  /** The bucket's state: its stream's last revision tells when the current values have all arrived. */
  status(): Promise<{ readonly streamInfo: { readonly state: { readonly last_seq: number } } }>;
}

/**
 * One change in a `ClusterKv` bucket.
 *
 * @example
 * ```ts
 * const put = (e: ClusterKvEntry) => e.operation === 'PUT';
 * ```
 */
export interface ClusterKvEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly revision: number;
  readonly operation: string;
}

import type { ClusterKvEntry } from '../remote/cluster-kv.js';

/**
 * The part of a JetStream KV bucket cluster singletons keep their leases in:
 * a `KV` from `@nats-io/kv` 3.x fits (`await new Kvm(connection).create('leases', { history: 1 })`).
 * Every node that declares a singleton must use the same bucket.
 *
 * @example
 * ```ts
 * import { Kvm } from '@nats-io/kv';
 * const leases: SingletonKv = await new Kvm(connection).create('rxotp_leases', { history: 1 });
 * ```
 */
export interface SingletonKv {
  /** Puts `value` only if `key` has no value (compare-and-set); resolves its revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Puts `value` only if `key` is at revision `version`; resolves the new revision. */
  update(key: string, value: Uint8Array, version: number): Promise<number>;
  /** Deletes `key` only if it is at revision `previousSeq`. */
  delete(key: string, options: { previousSeq: number }): Promise<void>;
  /** The key's current value (if any), then every change to it, in order. */
  watch(options: { key: string }): Promise<
    AsyncIterable<ClusterKvEntry> & {
      /** Ends the watch. */
      stop(): void;
    }
  >;
}

/**
 * @internal The shard an entity id falls in: FNV-1a (32 bits) of the id's
 * UTF-16 code units, modulo `shards`. Every node computes the same shard for
 * the same id, with no table to share.
 */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * @internal The owner of `shard` among `members` by rendezvous (highest
 * random weight) hashing: each member scores `hash(member, shard)` and the
 * highest wins. Every node that sees the same members picks the same owner,
 * and a member joining or leaving moves only the shards it wins or held
 * (about 1/n of them). `undefined` when there are no members.
 */
export function shardOwner(shard: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const member of members) {
    const score = weight(member, shard);
    // Ties (rare) go to the smaller name, so every node agrees.
    if (score > bestScore || (score === bestScore && best !== undefined && member < best)) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** FNV-1a of the member's name, then the shard mixed in and avalanched (murmur3's finaliser). */
function weight(member: string, shard: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) {
    hash ^= member.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash = (hash ^ Math.imul(shard + 1, 0x9e3779b1)) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

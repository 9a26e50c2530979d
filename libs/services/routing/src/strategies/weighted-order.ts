/**
 * Weighted rendezvous hashing: orders `items` for `key` so that the first item is item i with
 * probability weight_i / sum(weights), and the same key always gives the same order.
 *
 * Why a hash and not a round-robin counter: the choice depends only on the message id and the
 * candidates, so a replayed event (at-least-once delivery) or another routing replica picks the
 * very same carrier, and a message is never sent to two carriers because it was routed twice.
 * Removing a candidate (it turned unhealthy, or failed) moves only its own share: the rest of
 * the order stays, which is also the failover order.
 *
 * Items of weight 0 come last (standby), in their given order.
 */
export function weightedOrder<T>(
  key: string,
  items: readonly T[],
  idOf: (item: T) => string,
  weightOf: (item: T) => number,
): T[] {
  if (items.length <= 1) return [...items];
  const scored = items.map((item, index) => {
    const weight = weightOf(item);
    // -ln(u) / w is exponentially distributed with rate w: the smallest wins with probability
    // w_i / sum(w) (the classic weighted rendezvous / "exponential race" construction).
    const score = weight > 0 ? -ln(unitInterval(`${key}\u0000${idOf(item)}`)) / weight : Infinity;
    return { item, index, score };
  });
  scored.sort((a, b) => a.score - b.score || a.index - b.index);
  return scored.map((entry) => entry.item);
}

/** A uniform number in (0, 1) from a string: cyrb53 (a fast 53-bit string hash). */
export function unitInterval(value: string): number {
  return (hash53(value) + 0.5) / 2 ** 53;
}

// Bound once: a hash calls it twice per character (and a global lookup per call is not free
// everywhere, e.g. in jest's sandboxed globals).
const imul = Math.imul;
const ln = Math.log;

function hash53(value: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    h1 = imul(h1 ^ code, 2654435761);
    h2 = imul(h2 ^ code, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

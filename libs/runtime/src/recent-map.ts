/**
 * A Map that remembers the keys written most recently and forgets the others: at least the
 * last `capacity` keys written, at most twice as many. Every operation is O(1).
 *
 * Why not one Map that deletes its oldest key past the capacity (keys().next()): V8's Map keeps
 * a deleted entry as a hole until it rehashes, and keys().next() walks every hole at the front.
 * Evicting one key per write, at steady state each write walked tens of thousands of holes: 20 to
 * 80 µs per write at 100,000 entries (bench/recent-keys; the SMPP connector paid it for every
 * message it sent once it had sent 100,000). Here whole generations are dropped instead: writes
 * go to the current Map, and once it holds `capacity` keys it becomes the previous one, the
 * previous one is dropped, and a new current one starts. Nothing is ever iterated.
 */
export class RecentMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a RecentMap's capacity is a positive integer, not ${capacity}`);
    }
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  has(key: K): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  get(key: K): V | undefined {
    // One lookup when the key is current (has() only for a value that is undefined).
    const value = this.current.get(key);
    return value !== undefined || this.current.has(key) ? value : this.previous.get(key);
  }

  /** Writes the key as the most recent one. */
  set(key: K, value: V): this {
    this.previous.delete(key);
    this.current.set(key, value);
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    return this;
  }

  delete(key: K): boolean {
    const inCurrent = this.current.delete(key);
    return this.previous.delete(key) || inCurrent;
  }
}

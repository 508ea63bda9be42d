/**
 * A Map that holds at most `capacity` keys: adding one more forgets the oldest (the key added
 * first). Updating a key keeps its place, so what goes is always what arrived longest ago.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A BoundedMap needs a whole capacity of at least 1, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    const isNew = !this.entries.has(key);
    this.entries.set(key, value);
    if (isNew && this.entries.size > this.capacity) {
      // A Map iterates in insertion order: its first key is the oldest.
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }
}

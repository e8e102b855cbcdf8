// Owns keeping matching inputs prepared while their rows do not change. Preparing a profile (reading
// its resume for evidence, resolving its place, reading its text into a term bag) costs far more
// than ranking it, and a ranking screen asks again and again over mostly the same candidates, so a
// prepared input is kept under its row's id and version (what it was prepared from) and made again
// only when the version moves. Bounded: the capacity is the largest set asked for at once, between
// a floor and a ceiling (a pool scanned whole every time would otherwise evict what the next scan
// needs); past it the entries kept longest are dropped first (a Map iterates in insertion order,
// and a refreshed entry is re-inserted at the end).
// Per process; each instance warms its own, and nothing here is ever the source of truth.
export class PreparedCache<T> {
  private readonly entries = new Map<string, { version: string; value: T }>();

  private capacity: number;

  constructor(private readonly bounds: { floor: number; ceiling: number }) {
    this.capacity = bounds.floor;
  }

  /**
   * The prepared value of each requested row, in order, preparing (in one call, for batching) only
   * those missing or kept under an older version.
   */
  async getAll(
    wanted: ReadonlyArray<{ id: string; version: string }>,
    prepare: (ids: string[]) => Promise<Map<string, T>>,
  ): Promise<T[]> {
    this.capacity = Math.min(this.bounds.ceiling, Math.max(this.capacity, wanted.length));
    const missing = wanted.filter(({ id, version }) => this.entries.get(id)?.version !== version);
    const prepared = missing.length > 0 ? await prepare(missing.map(({ id }) => id)) : new Map<string, T>();
    const values: T[] = [];
    for (const { id, version } of wanted) {
      const kept = this.entries.get(id);
      if (kept?.version === version) {
        values.push(kept.value);
        continue;
      }
      // Gone since it was listed (deleted, say): left out, never served from an older version.
      const value = prepared.get(id);
      if (value === undefined) continue;
      values.push(value);
      this.entries.delete(id);
      this.entries.set(id, { version, value });
    }
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(id);
    }
    return values;
  }

  get size(): number {
    return this.entries.size;
  }
}

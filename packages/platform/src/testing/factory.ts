// Owns test data factories: each call builds a new, unique record from a sequence number, and a
// test overrides only the fields its promise is about.
export type Factory<T> = (overrides?: Partial<T>) => T;

export function defineFactory<T extends object>(build: (sequence: number) => T): Factory<T> {
  let sequence = 0;
  return (overrides) => ({ ...build(++sequence), ...overrides });
}

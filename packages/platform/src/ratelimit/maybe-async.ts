// Owns running the limiter's steps without a promise when every answer is already at hand: the
// memory store, a fresh ban-cache entry and a cached token answer synchronously, while Redis, a ban
// lookup and a first token verification answer with promises. A step continues at once on a value
// and after settling on a promise, so one code path serves both, and a request decided in memory
// creates no promise (each costs a promise-hook call per AsyncLocalStorage on Node 20).

export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, at once for a value, once settled for a promise. */
export function after<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** The values, as they are when none is a promise, else once all have settled (Promise.all). */
export function settleAll<T>(values: MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}

/** Both values, at once when neither is a promise, else once both have settled (Promise.all). */
export function settleBoth<A, B>(first: MaybePromise<A>, second: MaybePromise<B>): MaybePromise<[A, B]> {
  return first instanceof Promise || second instanceof Promise
    ? Promise.all([first, second])
    : [first, second];
}

const isPromise = (value: unknown) => value instanceof Promise;

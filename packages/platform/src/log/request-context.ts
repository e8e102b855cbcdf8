// Owns the per-request context (the request id) carried across awaits by AsyncLocalStorage, so a
// log line written anywhere while serving a request says which request it belongs to. It holds
// identifiers only, never credentials or user data.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

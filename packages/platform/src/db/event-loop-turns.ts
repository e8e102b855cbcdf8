// Owns keeping the embedded database from starving the event loop. PGlite runs a statement inside
// this thread and settles its promise with promise callbacks alone, so a chain of statements (a
// batch job, a long transaction, a test issuing thousands of queries) never lets timers or I/O
// run until it ends: measured, a 10 ms timer did not fire during 3,000 inserts taking 0.8 s. An
// embedded server would accept no request meanwhile, and vitest's worker reported its own RPC
// calls as timed out after such chains. Each statement first lets the event loop turn when the
// last turn is more than TURN_MS ago, which costs one setImmediate per TURN_MS of work.
const TURN_MS = 20;
let lastTurn = performance.now();

export async function letEventLoopTurn(): Promise<void> {
  if (performance.now() - lastTurn < TURN_MS) return;
  await new Promise((resolve) => setImmediate(resolve));
  lastTurn = performance.now();
}

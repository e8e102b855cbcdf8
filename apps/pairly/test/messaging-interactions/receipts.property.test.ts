// Receipts never move backwards (issue 16, "Must show"): fast-check draws a list of receipt updates
// in any order (some past the latest message, which are refused and change nothing), applied one by
// one or all at once. After each step the markers are the running maximum of what was accepted
// (read counting as delivered) and delivered >= read; all at once, they end at the maximum.
// RECEIPTS_SEED=<seed> reproduces a run, RECEIPTS_RUNS=<n> changes how many.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PairlyTestApp } from '../support/pairly-client.js';
import { buildInteractionsTestApp, getReceipts, pair, postReceipts, sendMessages } from './support.js';

const RUNS = Number(process.env.RECEIPTS_RUNS ?? 15);
const SEED = Number(process.env.RECEIPTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MESSAGES = 6;

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildInteractionsTestApp();
});
afterAll(() => t?.close());

type Update = { delivered?: number; read?: number };

const marker = fc.integer({ min: 0, max: MESSAGES + 2 });
const update: fc.Arbitrary<Update> = fc
  .record({ delivered: marker, read: marker }, { requiredKeys: [] })
  .filter((drawn) => drawn.delivered !== undefined || drawn.read !== undefined);

const accepted = (drawn: Update) => (drawn.delivered ?? 0) <= MESSAGES && (drawn.read ?? 0) <= MESSAGES;

/** The markers the accepted updates lead to: each the maximum, read counting as delivered. */
function expected(updates: Update[]) {
  const ok = updates.filter(accepted);
  const read = Math.max(0, ...ok.map((drawn) => drawn.read ?? 0));
  const delivered = Math.max(read, ...ok.map((drawn) => drawn.delivered ?? 0));
  return { delivered, read };
}

it('markers end at the maximum of the accepted updates, whatever their order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(update, { minLength: 1, maxLength: 10 }),
      fc.boolean(),
      async (updates, together) => {
        const { fan, creator, conversationId } = await pair(t);
        await sendMessages(t, creator, conversationId, MESSAGES);
        if (together) {
          const responses = await Promise.all(
            updates.map((drawn) => postReceipts(t, fan, conversationId, drawn)),
          );
          responses.forEach((response, index) => {
            expect(response.statusCode, response.body).toBe(accepted(updates[index] as Update) ? 200 : 400);
          });
        } else {
          for (const [index, drawn] of updates.entries()) {
            const response = await postReceipts(t, fan, conversationId, drawn);
            expect(response.statusCode, response.body).toBe(accepted(drawn) ? 200 : 400);
            const own = (await getReceipts(t, fan, conversationId)).own;
            expect(own).toEqual(expected(updates.slice(0, index + 1)));
            expect(own.delivered).toBeGreaterThanOrEqual(own.read);
          }
        }
        expect((await getReceipts(t, creator, conversationId)).peer).toEqual({
          userId: fan.id,
          ...expected(updates),
        });
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
}, 300_000);

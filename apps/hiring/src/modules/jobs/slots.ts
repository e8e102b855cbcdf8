// Owns an organisation's job-postings quota counter: a slot is taken atomically when one of its jobs
// becomes published (by an employer, or by a scrape of its verified board) and given back when a
// job that holds one stops being published. A job records whether it holds a slot (`holds_slot`;
// the database checks it equals "the organisation's job is published"), so only those give one back.
import type { Transaction } from 'kysely';
import type { HiringSchema } from '../../db.js';

type Trx = Transaction<HiringSchema>;

/** Takes one slot when the quota allows; false when it is used up. */
export async function takePostingSlot(trx: Trx, organisationId: string): Promise<boolean> {
  const taken = await trx
    .updateTable('hiring_organisations')
    .set((eb) => ({ job_postings_used: eb('job_postings_used', '+', 1) }))
    .where('id', '=', organisationId)
    .where((eb) =>
      eb.or([
        eb('job_postings_limit', 'is', null),
        eb('job_postings_used', '<', eb.ref('job_postings_limit')),
      ]),
    )
    .executeTakeFirst();
  return taken.numUpdatedRows === 1n;
}

/** Gives back `count` slots (jobs that held one and are no longer published). */
export async function releasePostingSlots(trx: Trx, organisationId: string, count = 1): Promise<void> {
  if (count <= 0) return;
  await trx
    .updateTable('hiring_organisations')
    .set((eb) => ({ job_postings_used: eb('job_postings_used', '-', count) }))
    .where('id', '=', organisationId)
    .where('job_postings_used', '>=', count)
    .execute();
}

/** Gives back the slots the rows held before they were closed, grouped by organisation. */
export async function releaseSlotsOf(
  trx: Trx,
  closed: Array<{ organisation_id: string | null; holds_slot: boolean }>,
): Promise<void> {
  const byOrganisation = new Map<string, number>();
  for (const row of closed) {
    if (row.holds_slot && row.organisation_id)
      byOrganisation.set(row.organisation_id, (byOrganisation.get(row.organisation_id) ?? 0) + 1);
  }
  for (const [organisationId, count] of byOrganisation) await releasePostingSlots(trx, organisationId, count);
}

// Owns verifying an organisation's own source, which must happen before its postings become the
// organisation's jobs (until then they are external jobs with no organisation). Two ways:
//   - token: the owner publishes the source's random verification token (`hiring-verification=…`)
//     in any posting the board lists (its title or description); checking it reads the board through
//     the same guarded ingestion fetcher and run rules as a scrape, with a short deadline;
//   - admin: a staff member with `job-sources:verify` approves it (the route writes the audit log).
// Verifying changes nothing at once: the next scrape of the source adopts what it ingested before.
import { randomBytes } from 'node:crypto';
import { AppError, type Clock, type Database } from '@app/platform';
import { hiringDb } from '../../db.js';
import { type IngestionOptions, runSources } from '../ingestion/index.js';
import type { OrganisationService } from '../organisations/service.js';
import type { SourceRow } from './repository.js';
import { sourceConfig } from './service.js';

/** Longest a token check may read the board for, inside the owner's request. */
const TOKEN_CHECK_DEADLINE_MS = 20_000;
const TOKEN_PREFIX = 'hiring-verification=';

export const newVerificationToken = () => randomBytes(24).toString('base64url');

/** What the owner publishes on the board. */
export const verificationText = (token: string) => `${TOKEN_PREFIX}${token}`;

export interface VerificationDependencies {
  db: Database;
  clock: Clock;
  organisations: Pick<OrganisationService, 'requireRight'>;
  ingestion: IngestionOptions;
}

const notFound = () =>
  new AppError({ kind: 'not_found', code: 'job_source_not_found', detail: 'No such job source.' });

export function createSourceVerification({ db, clock, organisations, ingestion }: VerificationDependencies) {
  const kysely = hiringDb(db);

  /** An enabled organisation source; global ones need no verification and are "not found" here. */
  async function organisationSource(sourceId: string): Promise<SourceRow & { organisation_id: string }> {
    const row = await kysely
      .selectFrom('hiring_job_sources')
      .selectAll()
      .where('id', '=', sourceId)
      .where('enabled', '=', true)
      .where('organisation_id', 'is not', null)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row as SourceRow & { organisation_id: string };
  }

  /** `changed` is false when a concurrent request verified it first. */
  async function markVerified(
    row: SourceRow,
    by: string,
    method: 'token' | 'admin',
  ): Promise<{ source: SourceRow; changed: boolean }> {
    const updated = await kysely
      .updateTable('hiring_job_sources')
      .set({ verified_at: clock.now(), verified_by: by, verification_method: method })
      .where('id', '=', row.id)
      .where('verified_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (updated) return { source: updated, changed: true };
    return { source: await organisationSource(row.id), changed: false };
  }

  return {
    /**
     * The owner asks to verify by token. `changed` is false when it was verified already. Fails
     * with 409 job_source_token_not_found when no listed posting carries the token.
     */
    async verifyByToken(userId: string, sourceId: string): Promise<{ source: SourceRow; changed: boolean }> {
      const row = await organisationSource(sourceId);
      // Outside the organisation, a source that exists answers exactly as one that does not.
      await organisations.requireRight(userId, row.organisation_id, 'manage').catch((error: unknown) => {
        throw error instanceof AppError && error.kind === 'not_found' ? notFound() : error;
      });
      if (row.verified_at) return { source: row, changed: false };
      const expected = verificationText(row.verification_token as string);
      const [outcome] = await runSources([sourceConfig(row)], {
        ...ingestion,
        deadlineMs: Math.min(ingestion.deadlineMs, TOKEN_CHECK_DEADLINE_MS),
      });
      const found = outcome?.postings.some(
        (posting) => posting.title.includes(expected) || posting.descriptionText.includes(expected),
      );
      if (!found) {
        const read = outcome && outcome.status !== 'ok' ? ` (reading the board: ${outcome.status})` : '';
        throw new AppError({
          kind: 'conflict',
          code: 'job_source_token_not_found',
          detail: `No posting the board lists contains "${expected}"${read}. Publish it in a posting's description, then try again.`,
        });
      }
      return markVerified(row, userId, 'token');
    },

    /** A staff member approves the source (the caller holds `job-sources:verify`). */
    async approve(adminId: string, sourceId: string): Promise<{ source: SourceRow; changed: boolean }> {
      const row = await organisationSource(sourceId);
      if (row.verified_at) return { source: row, changed: false };
      return markVerified(row, adminId, 'admin');
    },
  };
}

export type SourceVerification = ReturnType<typeof createSourceVerification>;

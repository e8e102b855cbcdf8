// Owns the SQL of assessment invitations: the invitation rows and their mails, plus the few reads of
// neighbouring tables an invitation needs (the assessment's published version, the organisation's
// name, applications by id, candidate accounts by email). Returns plain rows. Every state change is
// one conditional update whose WHERE names the state it leaves, so two writers never both win; a
// resend locks the invitation row, which serialises resends and their rate limit.
import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { HiringSchema } from '../../db.js';
import type { Cursor } from '../applications/repository.js';
import type { InvitationTables } from './tables.js';

export type InvitationsDb = Kysely<HiringSchema>;
export type Trx = Transaction<HiringSchema>;
export type Executor = InvitationsDb | Trx;

export type InvitationRow = Selectable<InvitationTables['hiring_assessment_invitations']>;
export type InvitationInsert = Insertable<InvitationTables['hiring_assessment_invitations']>;

/** An invitation with the titles people read: the assessment's and the organisation's. */
export type InvitationView = InvitationRow & {
  assessment_title: string;
  time_limit_minutes: number;
  organisation_name: string;
};

export interface AssessmentRef {
  id: string;
  organisation_id: string;
  organisation_name: string;
  status: 'draft' | 'published' | 'archived';
  /** From the published version; null while the assessment was never published. */
  title: string | null;
  time_limit_minutes: number | null;
  attempts_limit: number | null;
}

/** Computed status filter (expired is pending past expires_at; see presenters.ts). */
export type StatusFilter = 'pending' | 'started' | 'completed' | 'expired' | 'revoked';

export interface ListFilter {
  organisationId?: string;
  assessmentId?: string;
  status?: StatusFilter;
  email?: string;
  /** The candidate's own: addressed to this account, or to its email while bound to no account. */
  candidate?: { userId: string; email: string };
}

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === UNIQUE_VIOLATION;
}

export function createInvitationRepository(db: InvitationsDb) {
  function views(executor: Executor = db) {
    return executor
      .selectFrom('hiring_assessment_invitations as i')
      .innerJoin('hiring_organisations as o', 'o.id', 'i.organisation_id')
      .innerJoin('hiring_assessments as a', 'a.id', 'i.assessment_id')
      .innerJoin('hiring_assessment_versions as v', (join) =>
        join
          .onRef('v.assessment_id', '=', 'a.id')
          .on((eb) => eb('v.version', '=', eb.fn.coalesce('a.published_version', 'a.latest_version'))),
      )
      .selectAll('i')
      .select(['v.title as assessment_title', 'v.time_limit_minutes', 'o.name as organisation_name']);
  }

  return {
    /** The assessment if it belongs to the organisation (its published version's settings). */
    async assessment(organisationId: string, assessmentId: string): Promise<AssessmentRef | undefined> {
      return db
        .selectFrom('hiring_assessments as a')
        .innerJoin('hiring_organisations as o', 'o.id', 'a.organisation_id')
        .leftJoin('hiring_assessment_versions as v', (join) =>
          join.onRef('v.assessment_id', '=', 'a.id').onRef('v.version', '=', 'a.published_version'),
        )
        .select([
          'a.id',
          'a.organisation_id',
          'o.name as organisation_name',
          'a.status',
          'v.title',
          'v.time_limit_minutes',
          'v.attempts_limit',
        ])
        .where('a.id', '=', assessmentId)
        .where('a.organisation_id', '=', organisationId)
        .executeTakeFirst();
    },

    /** The organisation's applications among `ids`, with the e-mail each candidate applied with. */
    async applications(organisationId: string, ids: string[]) {
      if (ids.length === 0) return [];
      return db
        .selectFrom('hiring_applications')
        .select(['id', 'applicant_email'])
        .where('organisation_id', '=', organisationId)
        .where('id', 'in', ids)
        .execute();
    },

    /** Candidate accounts by (normalised) email. */
    async candidateAccounts(emails: string[]): Promise<Map<string, string>> {
      if (emails.length === 0) return new Map();
      const rows = await db
        .selectFrom('auth_users')
        .select(['id', 'email'])
        .where('email', 'in', emails)
        .where('role', '=', 'candidate')
        .execute();
      return new Map(rows.map((row) => [row.email, row.id]));
    },

    /** Emails among `emails` that already have a live (pending or started) invitation to the assessment. */
    async liveEmails(assessmentId: string, emails: string[]): Promise<string[]> {
      if (emails.length === 0) return [];
      const rows = await db
        .selectFrom('hiring_assessment_invitations')
        .select('email')
        .where('assessment_id', '=', assessmentId)
        .where('email', 'in', emails)
        .where('status', 'in', ['pending', 'started'])
        .execute();
      return rows.map((row) => row.email);
    },

    async insert(trx: Trx, rows: InvitationInsert[]): Promise<InvitationRow[]> {
      return trx.insertInto('hiring_assessment_invitations').values(rows).returningAll().execute();
    },

    async recordMail(
      trx: Trx,
      mail: { invitationId: string; kind: 'invite' | 'resend'; queued: boolean; at: Date },
    ): Promise<void> {
      await trx
        .insertInto('hiring_assessment_invitation_mails')
        .values({
          invitation_id: mail.invitationId,
          kind: mail.kind,
          queued: mail.queued,
          created_at: mail.at,
        })
        .execute();
    },

    async find(id: string, executor: Executor = db): Promise<InvitationView | undefined> {
      return views(executor).where('i.id', '=', id).executeTakeFirst();
    },

    async findMany(ids: string[], executor: Executor = db): Promise<InvitationView[]> {
      if (ids.length === 0) return [];
      return views(executor).where('i.id', 'in', ids).execute();
    },

    /** Locks the invitation row for the rest of the transaction. */
    async lock(trx: Trx, id: string): Promise<InvitationRow | undefined> {
      return trx
        .selectFrom('hiring_assessment_invitations')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    /** How many resends since `since`, and the oldest of them (the rate limit's window). */
    async resendsSince(
      trx: Trx,
      invitationId: string,
      since: Date,
    ): Promise<{ count: number; oldest: Date | null }> {
      const row = await trx
        .selectFrom('hiring_assessment_invitation_mails')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
        .where('invitation_id', '=', invitationId)
        .where('kind', '=', 'resend')
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), oldest: (row.oldest as Date | null) ?? null };
    },

    /** A fresh token and expiry for a pending invitation (the caller holds its lock). */
    async rearm(
      trx: Trx,
      id: string,
      change: { tokenHash: string; at: Date; expiresAt: Date; validHours: number },
    ): Promise<void> {
      await trx
        .updateTable('hiring_assessment_invitations')
        .set({
          token_hash: change.tokenHash,
          token_issued_at: change.at,
          token_spent_at: null,
          expires_at: change.expiresAt,
          valid_hours: change.validHours,
          last_sent_at: change.at,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    /** Revokes a pending or started invitation; false when it was in neither state. */
    async revoke(id: string, by: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('hiring_assessment_invitations')
        .set({ status: 'revoked', revoked_at: at, revoked_by: by })
        .where('id', '=', id)
        .where('status', 'in', ['pending', 'started'])
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** One indexed read by the token's hash (unique index). */
    async byTokenHash(hash: string, executor: Executor = db): Promise<InvitationRow | undefined> {
      return executor
        .selectFrom('hiring_assessment_invitations')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirst();
    },

    /**
     * Spends the token to start one attempt, by ONE conditional update: not revoked or completed,
     * not expired at `now`, the token not spent yet, and an attempt left.
     */
    async spendToken(trx: Trx, hash: string, now: Date): Promise<InvitationRow | undefined> {
      return trx
        .updateTable('hiring_assessment_invitations')
        .set((eb) => ({
          status: 'started',
          token_spent_at: now,
          attempts_used: eb('attempts_used', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
        }))
        .where('token_hash', '=', hash)
        .where('status', '=', 'pending')
        .where('token_spent_at', 'is', null)
        .where('expires_at', '>', now)
        .whereRef('attempts_used', '<', 'attempts_limit')
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * The started attempt was scored: completed when no attempt is left, else pending again (a
     * resend gives the candidate a fresh token for the next attempt). Only from started: idempotent.
     */
    async complete(trx: Trx, id: string, now: Date): Promise<void> {
      await trx
        .updateTable('hiring_assessment_invitations')
        .set({
          status: sql`case when attempts_used >= attempts_limit then 'completed' else 'pending' end`,
          // Set only when it really completes: a pending invitation (attempts left) shows none.
          completed_at: sql`case when attempts_used >= attempts_limit then ${now}::timestamptz else null end`,
        })
        .where('id', '=', id)
        .where('status', '=', 'started')
        .execute();
    },

    /** Newest first by (created_at, id), `limit` rows after `cursor`. */
    async list(filter: ListFilter, now: Date, limit: number, cursor?: Cursor): Promise<InvitationView[]> {
      let query = views();
      if (filter.organisationId !== undefined)
        query = query.where('i.organisation_id', '=', filter.organisationId);
      if (filter.assessmentId !== undefined) query = query.where('i.assessment_id', '=', filter.assessmentId);
      if (filter.email !== undefined) query = query.where('i.email', '=', filter.email);
      const candidate = filter.candidate;
      if (candidate !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('i.candidate_user_id', '=', candidate.userId),
            eb.and([eb('i.candidate_user_id', 'is', null), eb('i.email', '=', candidate.email)]),
          ]),
        );
      }
      switch (filter.status) {
        case 'pending':
          query = query.where('i.status', '=', 'pending').where('i.expires_at', '>', now);
          break;
        case 'expired':
          query = query.where('i.status', '=', 'pending').where('i.expires_at', '<=', now);
          break;
        case 'started':
        case 'completed':
        case 'revoked':
          query = query.where('i.status', '=', filter.status);
          break;
        case undefined:
          break;
      }
      if (cursor) {
        query = query.where((eb) =>
          eb.or([
            eb('i.created_at', '<', cursor.at),
            eb.and([eb('i.created_at', '=', cursor.at), eb('i.id', '<', cursor.id)]),
          ]),
        );
      }
      return query.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
    },
  };
}

export type InvitationRepository = ReturnType<typeof createInvitationRepository>;

// Owns employer organisations: creating one (its creator becomes the owner, it starts on the free
// tier and gets the default application pipeline), membership with roles within the tier's seats,
// and the one question every employer-side service asks first: is this user a member of that
// organisation with a role that may do this? A caller who is not a member learns nothing, not even
// that the organisation exists (404).
import { AppError, type Clock, type Database, withTransaction } from '@app/platform';
import { type HiringSchema, hiringDb, type MemberRole } from '../../db.js';
import { effectiveTierIn } from '../billing/subscriptions.js';
import { quotaOf } from '../billing/tiers.js';

export interface Organisation {
  id: string;
  name: string;
  role: MemberRole;
  jobPostingsLimit: number | null;
  jobPostingsUsed: number;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  role: MemberRole;
  joinedAt: string;
}

/** The pipeline a new organisation starts with; employers may change it afterwards. */
export const DEFAULT_STAGES = [
  { key: 'applied', name: 'Applied', outcome: 'open' },
  { key: 'screening', name: 'Screening', outcome: 'open' },
  { key: 'interview', name: 'Interview', outcome: 'open' },
  { key: 'offer', name: 'Offer', outcome: 'open' },
  { key: 'hired', name: 'Hired', outcome: 'hired' },
  { key: 'rejected', name: 'Rejected', outcome: 'rejected' },
] as const;

/** Who may do what inside an organisation. */
export const ROLE_RIGHTS = {
  read: ['owner', 'recruiter', 'viewer'],
  write: ['owner', 'recruiter'],
  manage: ['owner'],
} as const satisfies Record<string, readonly MemberRole[]>;
export type OrganisationRight = keyof typeof ROLE_RIGHTS;

const notFound = () =>
  new AppError({ kind: 'not_found', code: 'organisation_not_found', detail: 'No such organisation.' });

export function createOrganisationService(db: Database, clock: Clock) {
  const kysely = hiringDb(db);

  async function membership(userId: string, organisationId: string): Promise<MemberRole | undefined> {
    const row = await kysely
      .selectFrom('hiring_organisation_members')
      .select('role')
      .where('organisation_id', '=', organisationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  return {
    /** Resolves with the caller's role, or throws 404 (not a member) / 403 (role too weak). */
    /**
     * The caller's role when it has the right; a non-member gets `hidden()` when given (the
     * resource's own 404, so the organisation's existence does not leak), else the organisation's.
     */
    async requireRight(
      userId: string,
      organisationId: string,
      right: OrganisationRight,
      hidden: () => AppError = notFound,
    ): Promise<MemberRole> {
      const role = await membership(userId, organisationId);
      if (!role) throw hidden();
      if (!(ROLE_RIGHTS[right] as readonly MemberRole[]).includes(role)) {
        throw new AppError({
          kind: 'forbidden',
          code: 'organisation_role_insufficient',
          detail: `Your role "${role}" in this organisation may not do this.`,
        });
      }
      return role;
    },

    async create(userId: string, name: string): Promise<Organisation> {
      const now = clock.now();
      return withTransaction(db as Database<HiringSchema>, async (trx) => {
        const organisation = await trx
          .insertInto('hiring_organisations')
          .values({ name, job_postings_limit: quotaOf('free', 'job_postings'), created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('hiring_organisation_members')
          .values({ organisation_id: organisation.id, user_id: userId, role: 'owner', created_at: now })
          .execute();
        await trx
          .insertInto('hiring_pipeline_stages')
          .values(
            DEFAULT_STAGES.map((stage, position) => ({
              ...stage,
              position,
              organisation_id: organisation.id,
            })),
          )
          .execute();
        return {
          id: organisation.id,
          name: organisation.name,
          role: 'owner' as const,
          jobPostingsLimit: organisation.job_postings_limit,
          jobPostingsUsed: organisation.job_postings_used,
          createdAt: organisation.created_at.toISOString(),
        };
      });
    },

    async listMine(userId: string): Promise<Organisation[]> {
      const rows = await kysely
        .selectFrom('hiring_organisation_members as m')
        .innerJoin('hiring_organisations as o', 'o.id', 'm.organisation_id')
        .select(['o.id', 'o.name', 'm.role', 'o.job_postings_limit', 'o.job_postings_used', 'o.created_at'])
        .where('m.user_id', '=', userId)
        .orderBy('o.created_at')
        .orderBy('o.id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        role: row.role,
        jobPostingsLimit: row.job_postings_limit,
        jobPostingsUsed: row.job_postings_used,
        createdAt: row.created_at.toISOString(),
      }));
    },

    async listMembers(userId: string, organisationId: string): Promise<Member[]> {
      await this.requireRight(userId, organisationId, 'read');
      const rows = await kysely
        .selectFrom('hiring_organisation_members as m')
        .innerJoin('auth_users as u', 'u.id', 'm.user_id')
        .select(['m.user_id', 'u.email', 'm.role', 'm.created_at'])
        .where('m.organisation_id', '=', organisationId)
        .orderBy('m.created_at')
        .orderBy('m.user_id')
        .execute();
      return rows.map((row) => ({
        userId: row.user_id,
        email: row.email,
        role: row.role,
        joinedAt: row.created_at.toISOString(),
      }));
    },

    /** Adds (or changes the role of) an employer account, found by email, to the organisation. */
    async setMember(
      actorId: string,
      organisationId: string,
      email: string,
      role: MemberRole,
    ): Promise<Member> {
      await this.requireRight(actorId, organisationId, 'manage');
      const user = await kysely
        .selectFrom('auth_users')
        .select(['id', 'email', 'role'])
        .where('email', '=', email.normalize('NFKC').trim().toLowerCase())
        .executeTakeFirst();
      if (user?.role !== 'employer') {
        throw new AppError({
          kind: 'not_found',
          code: 'employer_account_not_found',
          detail: 'No employer account has this email.',
        });
      }
      if (user.id === actorId && role !== 'owner') {
        throw new AppError({
          kind: 'conflict',
          code: 'owner_cannot_demote_self',
          detail: 'An owner cannot change their own role; another owner can.',
        });
      }
      const now = clock.now();
      const row = await withTransaction(db as Database<HiringSchema>, async (trx) => {
        // The organisation's row lock serialises additions, so concurrent ones cannot pass the seats.
        await trx
          .selectFrom('hiring_organisations')
          .select('id')
          .where('id', '=', organisationId)
          .forUpdate()
          .execute();
        const existing = await trx
          .updateTable('hiring_organisation_members')
          .set({ role })
          .where('organisation_id', '=', organisationId)
          .where('user_id', '=', user.id)
          .returning(['created_at'])
          .executeTakeFirst();
        if (existing) return existing;
        const seats = quotaOf(await effectiveTierIn(trx, organisationId), 'seats');
        const { count } = await trx
          .selectFrom('hiring_organisation_members')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('organisation_id', '=', organisationId)
          .executeTakeFirstOrThrow();
        if (seats !== null && Number(count) >= seats) {
          throw new AppError({
            kind: 'conflict',
            code: 'seat_quota_reached',
            detail: `The organisation's plan allows ${seats} members; remove one or upgrade to add another.`,
          });
        }
        return trx
          .insertInto('hiring_organisation_members')
          .values({ organisation_id: organisationId, user_id: user.id, role, created_at: now })
          .returning(['created_at'])
          .executeTakeFirstOrThrow();
      });
      return { userId: user.id, email: user.email, role, joinedAt: row.created_at.toISOString() };
    },

    async removeMember(actorId: string, organisationId: string, userId: string): Promise<void> {
      await this.requireRight(actorId, organisationId, 'manage');
      if (userId === actorId) {
        throw new AppError({
          kind: 'conflict',
          code: 'owner_cannot_leave',
          detail: 'An owner cannot remove themselves; another owner can.',
        });
      }
      const removed = await kysely
        .deleteFrom('hiring_organisation_members')
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n) {
        throw new AppError({ kind: 'not_found', code: 'member_not_found', detail: 'No such member.' });
      }
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;

// Owns what employers and candidates do with invitations: create one or many (against the
// organisation's invitations quota, all or nothing), list, resend (a fresh token and expiry, rate
// limited per invitation), revoke, and a candidate's own list. Every employer method authorises
// first through the organisation's roles (owners and recruiters write, viewers read); anything
// outside the caller's organisations is "not found". Each mail is written in the transaction that
// creates or re-arms its invitation, so neither exists without the other; the token appears only in
// that mail.
import {
  type Database,
  type Identity,
  identityTrx,
  type Logger,
  normaliseEmail,
  withTransaction,
} from '@app/platform';
import { sql } from 'kysely';
import { type HiringSchema, hiringDb } from '../../db.js';
import { decodeCursor } from '../applications/repository.js';
import type { UsageMeter } from '../billing/types.js';
import type { OrganisationRight, OrganisationService } from '../organisations/service.js';
import {
  assessmentNotFound,
  assessmentNotPublished,
  cursorInvalid,
  invalidInput,
  invitationCompleted,
  invitationExists,
  invitationInProgress,
  invitationNotFound,
  invitationRevoked,
  quotaReached,
  resendLimited,
} from './errors.js';
import { invitationMail, inviteLink } from './mails.js';
import { pageOf, toInvitation, toMyInvitation } from './presenters.js';
import {
  type AssessmentRef,
  createInvitationRepository,
  type InvitationInsert,
  type InvitationView,
  isUniqueViolation,
  type Trx,
} from './repository.js';
import type {
  CandidateInput,
  CreateResult,
  Invitation,
  ListQuery,
  MyInvitation,
  PageQuery,
  SentInvitation,
} from './schemas.js';
import type { InvitationSettings } from './settings.js';
import { newToken } from './tokens.js';

export interface InvitationServiceDependencies {
  db: Database;
  clock: { now(): Date };
  logger: Logger;
  identity: Pick<Identity, 'mailer' | 'accounts'>;
  organisations: Pick<OrganisationService, 'requireRight'>;
  usage: UsageMeter;
  settings: InvitationSettings;
}

export interface CreateInput {
  candidates: CandidateInput[];
  expiresInHours?: number | undefined;
  attemptsLimit?: number | undefined;
}

const HOUR_MS = 3_600_000;
const DEFAULT_HOURS = 168;
const DEFAULT_PAGE = 20;

function cursorOf(text: string | undefined) {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) throw cursorInvalid();
  return cursor;
}

/** The first entry of each email wins; a later one only fills in what the first left out. */
function dedupe(candidates: CandidateInput[]): Array<CandidateInput & { index: number }> {
  const byEmail = new Map<string, CandidateInput & { index: number }>();
  candidates.forEach((candidate, index) => {
    const email = normaliseEmail(candidate.email);
    // NFKC may lengthen an address past what an email can be (one character can become eighteen).
    if (email.length < 3 || email.length > 254) {
      throw invalidInput(
        'email_invalid',
        'This email is not a valid address once normalised.',
        `/body/candidates/${index}/email`,
        'invalid email',
      );
    }
    const seen = byEmail.get(email);
    if (!seen) {
      byEmail.set(email, { ...candidate, email, index });
      return;
    }
    seen.name ??= candidate.name;
    if (seen.applicationId === undefined && candidate.applicationId !== undefined) {
      seen.applicationId = candidate.applicationId;
      seen.index = index;
    }
  });
  return [...byEmail.values()];
}

export function createInvitationService(deps: InvitationServiceDependencies) {
  const { db, clock, logger, identity, organisations, usage, settings } = deps;
  const kysely = hiringDb(db);
  const transactional = db as Database<HiringSchema>;
  const repository = createInvitationRepository(kysely);

  /** The invitation for a member with the right; outside the organisation (or another one named) 404. */
  async function invitationFor(
    userId: string,
    invitationId: string,
    right: OrganisationRight,
    organisationId?: string,
  ): Promise<InvitationView> {
    const row = await repository.find(invitationId);
    if (!row || (organisationId !== undefined && row.organisation_id !== organisationId)) {
      throw invitationNotFound();
    }
    await organisations.requireRight(userId, row.organisation_id, right, invitationNotFound);
    return row;
  }

  /**
   * Queues the mail in a savepoint: a mailer that fails (a provider, not the outbox) leaves the
   * invitation in place with mailQueued false, to be resent, instead of failing the whole request.
   */
  async function queueMail(
    trx: Trx,
    mail: Parameters<typeof invitationMail>[0],
    invitationId: string,
    kind: 'invite' | 'resend',
    at: Date,
  ): Promise<boolean> {
    let queued = true;
    await sql`savepoint invitation_mail`.execute(trx);
    try {
      await identity.mailer.send(invitationMail(mail), identityTrx(trx));
      await sql`release savepoint invitation_mail`.execute(trx);
    } catch (error) {
      await sql`rollback to savepoint invitation_mail`.execute(trx);
      logger.warn({ err: error, invitationId }, 'invitation mail could not be queued');
      queued = false;
    }
    await repository.recordMail(trx, { invitationId, kind, queued, at });
    return queued;
  }

  async function publishedAssessment(organisationId: string, assessmentId: string) {
    const assessment = await repository.assessment(organisationId, assessmentId);
    if (!assessment) throw assessmentNotFound();
    if (
      assessment.status !== 'published' ||
      assessment.title === null ||
      assessment.time_limit_minutes === null ||
      assessment.attempts_limit === null
    ) {
      throw assessmentNotPublished();
    }
    return assessment as AssessmentRef & {
      title: string;
      time_limit_minutes: number;
      attempts_limit: number;
    };
  }

  /** Each applicationId must be one of the organisation's applications, made with the same email. */
  async function checkApplications(
    organisationId: string,
    candidates: Array<CandidateInput & { index: number }>,
  ): Promise<void> {
    const wanted = candidates.filter((candidate) => candidate.applicationId !== undefined);
    const found = new Map(
      (
        await repository.applications(organisationId, [
          ...new Set(wanted.map((c) => c.applicationId as string)),
        ])
      ).map((row) => [row.id, normaliseEmail(row.applicant_email)]),
    );
    for (const candidate of wanted) {
      const path = `/body/candidates/${candidate.index}/applicationId`;
      const email = found.get(candidate.applicationId as string);
      if (email === undefined) {
        throw invalidInput(
          'application_unknown',
          "No such application in this organisation; give one of the organisation's application ids.",
          path,
          'unknown application',
        );
      }
      if (email !== candidate.email) {
        throw invalidInput(
          'application_email_mismatch',
          `The application was made with another email than ${candidate.email}.`,
          path,
          'application of another candidate',
        );
      }
    }
  }

  return {
    async create(
      userId: string,
      organisationId: string,
      assessmentId: string,
      input: CreateInput,
    ): Promise<CreateResult> {
      await organisations.requireRight(userId, organisationId, 'write');
      const assessment = await publishedAssessment(organisationId, assessmentId);
      const candidates = dedupe(input.candidates);
      await checkApplications(organisationId, candidates);
      const emails = candidates.map((candidate) => candidate.email);
      const existing = await repository.liveEmails(assessmentId, emails);
      if (existing.length > 0) throw invitationExists(existing);
      const accounts = await repository.candidateAccounts(emails);

      const quota = await usage.consume(organisationId, 'invitations', candidates.length);
      if (!quota.allowed) throw quotaReached(quota.used, quota.limit, candidates.length);

      const now = clock.now();
      const hours = input.expiresInHours ?? DEFAULT_HOURS;
      const expiresAt = new Date(now.getTime() + hours * HOUR_MS);
      const attemptsLimit = input.attemptsLimit ?? assessment.attempts_limit;
      const tokens = candidates.map(() => newToken());
      try {
        const sent = await withTransaction(transactional, async (trx) => {
          const rows = await repository.insert(
            trx,
            candidates.map(
              (candidate, index): InvitationInsert => ({
                organisation_id: organisationId,
                assessment_id: assessmentId,
                email: candidate.email,
                name: candidate.name ?? null,
                application_id: candidate.applicationId ?? null,
                candidate_user_id: accounts.get(candidate.email) ?? null,
                token_hash: (tokens[index] as { hash: string }).hash,
                token_issued_at: now,
                token_spent_at: null,
                valid_hours: hours,
                expires_at: expiresAt,
                attempts_limit: attemptsLimit,
                invited_by: userId,
                created_at: now,
                last_sent_at: now,
                started_at: null,
                completed_at: null,
                revoked_at: null,
                revoked_by: null,
              }),
            ),
          );
          const tokenOf = new Map(tokens.map((token) => [token.hash, token.token]));
          const queued = new Map<string, boolean>();
          for (const row of rows) {
            const mailed = await queueMail(
              trx,
              {
                to: row.email,
                name: row.name,
                organisationName: assessment.organisation_name,
                assessmentTitle: assessment.title,
                timeLimitMinutes: assessment.time_limit_minutes,
                attemptsLimit: row.attempts_limit,
                expiresAt: row.expires_at,
                link: inviteLink(settings.publicAppUrl, tokenOf.get(row.token_hash) as string),
                resend: false,
              },
              row.id,
              'invite',
              now,
            );
            queued.set(row.id, mailed);
          }
          const views = await repository.findMany(
            rows.map((row) => row.id),
            trx,
          );
          const order = new Map(rows.map((row, index) => [row.id, index]));
          views.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
          return views.map((view) => ({
            ...toInvitation(view, now),
            mailQueued: queued.get(view.id) ?? false,
          }));
        });
        return {
          items: sent,
          quota: { used: quota.used, limit: quota.limit, periodEnd: quota.periodEnd.toISOString() },
        };
      } catch (error) {
        // Nothing was created: give the quota back to the period it was taken from.
        await usage.release(organisationId, 'invitations', quota.periodStart, candidates.length);
        if (isUniqueViolation(error))
          throw invitationExists(await repository.liveEmails(assessmentId, emails));
        throw error;
      }
    },

    async list(userId: string, organisationId: string, query: ListQuery) {
      await organisations.requireRight(userId, organisationId, 'read');
      const limit = query.limit ?? DEFAULT_PAGE;
      const now = clock.now();
      const rows = await repository.list(
        {
          organisationId,
          ...(query.assessmentId !== undefined && { assessmentId: query.assessmentId }),
          ...(query.status !== undefined && { status: query.status }),
          ...(query.email !== undefined && { email: normaliseEmail(query.email) }),
        },
        now,
        limit + 1,
        cursorOf(query.cursor),
      );
      return pageOf<Invitation>(rows, limit, (row) => toInvitation(row, now));
    },

    async resend(
      userId: string,
      invitationId: string,
      expiresInHours: number | undefined,
      organisationId?: string,
    ): Promise<SentInvitation> {
      const view = await invitationFor(userId, invitationId, 'write', organisationId);
      const now = clock.now();
      const mailQueued = await withTransaction(transactional, async (trx) => {
        const row = await repository.lock(trx, invitationId);
        if (!row) throw invitationNotFound();
        if (row.status === 'revoked') throw invitationRevoked();
        if (row.status === 'completed') throw invitationCompleted();
        if (row.status === 'started') throw invitationInProgress();
        const window = await repository.resendsSince(trx, invitationId, new Date(now.getTime() - HOUR_MS));
        if (window.count >= settings.resendsPerHour) {
          const oldest = window.oldest ?? now;
          const wait = Math.max(1, Math.ceil((oldest.getTime() + HOUR_MS - now.getTime()) / 1000));
          throw resendLimited(settings.resendsPerHour, wait);
        }
        const hours = expiresInHours ?? row.valid_hours;
        const expiresAt = new Date(now.getTime() + hours * HOUR_MS);
        const token = newToken();
        await repository.rearm(trx, invitationId, {
          tokenHash: token.hash,
          at: now,
          expiresAt,
          validHours: hours,
        });
        return queueMail(
          trx,
          {
            to: row.email,
            name: row.name,
            organisationName: view.organisation_name,
            assessmentTitle: view.assessment_title,
            timeLimitMinutes: view.time_limit_minutes,
            attemptsLimit: row.attempts_limit,
            expiresAt,
            link: inviteLink(settings.publicAppUrl, token.token),
            resend: true,
          },
          invitationId,
          'resend',
          now,
        );
      });
      const updated = await repository.find(invitationId);
      if (!updated) throw invitationNotFound();
      return { ...toInvitation(updated, now), mailQueued };
    },

    /** Idempotent: revoking a revoked invitation answers it as it is. */
    async revoke(userId: string, invitationId: string, organisationId?: string): Promise<Invitation> {
      await invitationFor(userId, invitationId, 'write', organisationId);
      const now = clock.now();
      const revoked = await repository.revoke(invitationId, userId, now);
      const row = await repository.find(invitationId);
      if (!row) throw invitationNotFound();
      if (!revoked && row.status === 'completed') throw invitationCompleted();
      return toInvitation(row, now);
    },

    async mine(
      candidateId: string,
      query: PageQuery,
    ): Promise<{ items: MyInvitation[]; nextCursor: string | null }> {
      const { email } = await identity.accounts.profile(candidateId);
      const limit = query.limit ?? DEFAULT_PAGE;
      const now = clock.now();
      const rows = await repository.list(
        { candidate: { userId: candidateId, email: normaliseEmail(email) } },
        now,
        limit + 1,
        cursorOf(query.cursor),
      );
      return pageOf<MyInvitation>(rows, limit, (row) => toMyInvitation(row, now));
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;

// Owns the candidate's side of an assessment: opening an invite (what it is, never its answers),
// starting an attempt (the token is spent in the attempt's own transaction; the server's clock sets
// the start and the deadline; a random shuffle seed and a 256-bit access token, stored hashed, are
// made), saving answers (an upsert per question, refused once submitted or past the deadline, rate
// limited per attempt), reading the attempt back and submitting it (scoring.ts). An attempt is
// reached with its access token, or by the signed-in candidate the invite was for when that candidate
// started it with their session; anyone else gets the same 404 as for an attempt that does not exist.
import { randomInt, timingSafeEqual } from 'node:crypto';
import { type Database, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../../db.js';
import { hiringDb } from '../../../db.js';
import { hashToken, newToken } from '../../invitations/tokens.js';
import type { AssessmentsDependencies } from '../dependencies.js';
import {
  assessmentArchived,
  assessmentNotPublished,
  attemptCredentialsRequired,
  attemptNotFound,
  attemptSubmitted,
  deadlinePassed,
  invalidField,
  questionNotFound,
  saveRateLimited,
} from '../errors.js';
import { createTemplateRepository, type VersionRow } from '../templates/repository.js';
import { type Answer, CHOICE_KINDS, type Section } from '../types.js';
import { candidateSections } from './candidate-view.js';
import { type AttemptRow, createAttemptRepository } from './repository.js';
import type { AnswerBody, AttemptView, MyAttempt, StartedAttempt } from './schemas.js';
import type { Scoring } from './scoring.js';

/** Answers one attempt may save per second. */
const SAVES_PER_SECOND = 10;

export interface AttemptCredentials {
  /** X-Attempt-Token. */
  token?: string | undefined;
  /** The signed-in caller, when a session came along instead. */
  userId?: string | undefined;
}

type Deps = Pick<AssessmentsDependencies, 'dependencies' | 'invitationTokens'> & { scoring: Scoring };

export function createAttemptService({ dependencies, invitationTokens, scoring }: Deps) {
  const { clock, kv } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;
  const kysely = hiringDb(dependencies.db);
  const attempts = createAttemptRepository(kysely);
  const templates = createTemplateRepository(kysely);

  const secondsLeft = (attempt: AttemptRow) =>
    attempt.status !== 'in_progress'
      ? 0
      : Math.max(0, Math.floor((attempt.deadline_at.getTime() - clock.now().getTime()) / 1000));

  async function versionOf(attempt: AttemptRow): Promise<VersionRow> {
    const version = await templates.version(attempt.assessment_id, attempt.version);
    if (!version) throw attemptNotFound();
    return version;
  }

  async function view(attempt: AttemptRow, version?: VersionRow): Promise<AttemptView> {
    const content = version ?? (await versionOf(attempt));
    const answers = await attempts.answers(attempt.id);
    return {
      id: attempt.id,
      status: attempt.status,
      title: content.title,
      description: content.description,
      timeLimitMinutes: content.time_limit_minutes,
      startedAt: attempt.started_at.toISOString(),
      deadlineAt: attempt.deadline_at.toISOString(),
      secondsLeft: secondsLeft(attempt),
      submittedAt: attempt.submitted_at?.toISOString() ?? null,
      sections: candidateSections(content.sections as Section[], attempt.shuffle_seed, {
        shuffleQuestions: content.shuffle_questions,
        shuffleChoices: content.shuffle_choices,
      }),
      answers: answers.map((row) => {
        const answer = row.answer as Answer;
        return {
          questionId: row.question_id,
          ...('choiceIds' in answer ? { choiceIds: answer.choiceIds } : { text: answer.text }),
          savedAt: row.saved_at.toISOString(),
        };
      }),
      result: resultOf(attempt),
    };
  }

  /** The attempt, if the credentials reach it; the same 404 otherwise. */
  async function authorize(attemptId: string, credentials: AttemptCredentials): Promise<AttemptRow> {
    if (!credentials.token && !credentials.userId) throw attemptCredentialsRequired();
    const attempt = await attempts.find(attemptId);
    if (credentials.token) {
      const given = Buffer.from(hashToken(credentials.token), 'hex');
      const stored = Buffer.from(attempt?.access_token_hash ?? '0'.repeat(64), 'hex');
      if (attempt && given.length === stored.length && timingSafeEqual(given, stored)) return attempt;
      throw attemptNotFound();
    }
    if (attempt && attempt.candidate_user_id !== null && attempt.candidate_user_id === credentials.userId) {
      return attempt;
    }
    throw attemptNotFound();
  }

  /** A fixed one-second window per attempt, counted in the shared key-value store. */
  async function takeSave(attemptId: string): Promise<void> {
    const second = Math.floor(clock.now().getTime() / 1000);
    const count = await kv.increment(`hiring:attempt-saves:${attemptId}:${second}`, 1, { ttlMs: 5_000 });
    if (count > SAVES_PER_SECOND) throw saveRateLimited(1);
  }

  function checkAnswer(question: Section['questions'][number], body: AnswerBody): Answer {
    if (CHOICE_KINDS.includes(question.kind)) {
      if (body.choiceIds === undefined) {
        throw invalidField('answer_choices_required', '/body/choiceIds', 'choice questions take choiceIds');
      }
      const known = new Set((question.choices ?? []).map((choice) => choice.id));
      const unknown = body.choiceIds.find((id) => !known.has(id));
      if (unknown !== undefined) {
        throw invalidField(
          'answer_choice_unknown',
          '/body/choiceIds',
          `"${unknown}" is not a choice of this question`,
        );
      }
      if (question.kind === 'single_choice' && body.choiceIds.length === 0) {
        throw invalidField(
          'answer_choices_required',
          '/body/choiceIds',
          'a single_choice question takes one choice',
        );
      }
      if (question.kind === 'single_choice' && body.choiceIds.length > 1) {
        throw invalidField(
          'answer_too_many_choices',
          '/body/choiceIds',
          'a single_choice question takes one choice',
        );
      }
      return { choiceIds: body.choiceIds };
    }
    if (body.text === undefined) {
      throw invalidField('answer_text_required', '/body/text', 'text and code questions take text');
    }
    const limit = question.maxAnswerLength ?? 500;
    if (body.text.length > limit) {
      throw invalidField('answer_too_long', '/body/text', `at most ${limit} characters`);
    }
    return { text: body.text };
  }

  return {
    /** What the invite is for: never its questions, let alone their answers. */
    async openInvite(token: string) {
      const invitation = await invitationTokens.resolve(token);
      const assessment = await templates.find(invitation.organisationId, invitation.assessmentId);
      if (!assessment) throw assessmentNotPublished();
      if (assessment.status === 'archived') throw assessmentArchived();
      if (assessment.published_version === null) throw assessmentNotPublished();
      const version = await templates.version(assessment.id, assessment.published_version);
      if (!version) throw assessmentNotPublished();
      return {
        title: version.title,
        description: version.description,
        timeLimitMinutes: version.time_limit_minutes,
        questionCount: version.question_count,
        sectionCount: version.section_count,
        totalPoints: version.total_points,
        expiresAt: invitation.expiresAt.toISOString(),
        attemptsLimit: invitation.attemptsLimit,
        attemptsUsed: invitation.attemptsUsed,
        attemptsLeft: Math.max(0, invitation.attemptsLimit - invitation.attemptsUsed),
      };
    },

    /**
     * Spends the token and starts the clock; the token is spent only if the attempt is created. The
     * attempt is linked to a candidate account only when the start came with that account's session
     * (signedInUserId equals the account the invitation named): accounts are not email-verified, so a
     * matching email alone never grants access. Otherwise only the attempt token reaches it.
     */
    async start(token: string, signedInUserId?: string): Promise<StartedAttempt> {
      const { token: attemptToken, hash: attemptTokenHash } = newToken();
      const now = clock.now();
      const { attempt, version } = await withTransaction(db, async (trx) => {
        const invitation = await invitationTokens.startAttempt(trx, token, now);
        const assessment = await templates.find(invitation.organisationId, invitation.assessmentId, trx);
        if (!assessment) throw assessmentNotPublished();
        if (assessment.status === 'archived') throw assessmentArchived();
        if (assessment.published_version === null) throw assessmentNotPublished();
        const version = await templates.version(assessment.id, assessment.published_version, trx);
        if (!version) throw assessmentNotPublished();
        const attempt = await attempts.insert(trx, {
          organisation_id: invitation.organisationId,
          assessment_id: assessment.id,
          version: version.version,
          invitation_id: invitation.id,
          application_id: invitation.applicationId,
          candidate_user_id:
            signedInUserId !== undefined && signedInUserId === invitation.candidateUserId
              ? signedInUserId
              : null,
          candidate_email: invitation.email,
          access_token_hash: attemptTokenHash,
          shuffle_seed: randomInt(0, 2 ** 31 - 1),
          started_at: now,
          deadline_at: new Date(now.getTime() + version.time_limit_minutes * 60_000),
        });
        return { attempt, version };
      });
      return { ...(await view(attempt, version)), attemptToken };
    },

    async get(attemptId: string, credentials: AttemptCredentials): Promise<AttemptView> {
      return view(await authorize(attemptId, credentials));
    },

    async saveAnswer(
      attemptId: string,
      questionId: string,
      body: AnswerBody,
      credentials: AttemptCredentials,
    ): Promise<{ questionId: string; savedAt: string; secondsLeft: number }> {
      const attempt = await authorize(attemptId, credentials);
      await takeSave(attempt.id);
      const version = await versionOf(attempt);
      const question = (version.sections as Section[])
        .flatMap((section) => section.questions)
        .find((candidate) => candidate.id === questionId);
      if (!question) throw questionNotFound();
      const answer = checkAnswer(question, body);
      const now = clock.now();
      await withTransaction(db, async (trx) => {
        // The share lock makes a claim (in_progress -> scoring) wait for this save, and this save
        // see a claim that committed first.
        const state = await attempts.lockShared(trx, attempt.id);
        if (!state) throw attemptNotFound();
        if (state.status !== 'in_progress') throw attemptSubmitted();
        if (now >= state.deadline_at) throw deadlinePassed();
        await attempts.upsertAnswer(trx, attempt.id, questionId, answer, now);
      });
      return {
        questionId,
        savedAt: now.toISOString(),
        secondsLeft: Math.max(0, Math.floor((attempt.deadline_at.getTime() - now.getTime()) / 1000)),
      };
    },

    /** Ends and scores the attempt (idempotent: a second submit answers the same result). */
    async submit(attemptId: string, credentials: AttemptCredentials): Promise<AttemptView> {
      const attempt = await authorize(attemptId, credentials);
      const ended = await scoring.end(attempt);
      if (!ended) throw attemptNotFound();
      return view(ended);
    },

    async listMine(userId: string): Promise<MyAttempt[]> {
      const rows = await attempts.listForCandidate(userId);
      return rows.map((row) => ({
        id: row.id,
        organisationId: row.organisation_id,
        assessmentId: row.assessment_id,
        title: row.title,
        status: row.status,
        startedAt: row.started_at.toISOString(),
        deadlineAt: row.deadline_at.toISOString(),
        submittedAt: row.submitted_at?.toISOString() ?? null,
        result: resultOf(row),
      }));
    },
  };
}

function resultOf(attempt: AttemptRow) {
  if (attempt.status !== 'scored' || attempt.score === null || attempt.max_score === null) return null;
  return {
    score: attempt.score,
    maxScore: attempt.max_score,
    percent: attempt.percent ?? 0,
    passed: attempt.passed ?? false,
  };
}

export type AttemptService = ReturnType<typeof createAttemptService>;

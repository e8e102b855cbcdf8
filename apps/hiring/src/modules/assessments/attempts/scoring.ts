// Owns scoring an attempt, exactly once. Whoever ends the attempt (the candidate's submit, a late
// submit, the expiry job) first wins ONE conditional update of its status (in_progress -> scoring)
// with a random claim; only the winner grades every question of the attempt's own version through
// the AI seam (choices exactly, text by the LLM or the deterministic scorer), then writes the grades,
// the totals and `scored` in one transaction that also completes the invitation, and only while it
// still holds the claim. A loser waits briefly for the winner's result. A grader that died leaves the
// attempt `scoring`; the sweep takes such attempts over after STUCK_AFTER_MS by another conditional
// update of the claim, so a scoring is never lost and never written twice. A live grader refreshes
// its claim (scoring_started_at) between questions, at most every REFRESH_CLAIM_EVERY_MS (a quarter
// of STUCK_AFTER_MS), while it still holds it, so the sweep only takes over graders that really stopped; and the AI seam is used only within a total grading budget
// (GRADING_BUDGET_MS) and until its first failure: the remaining answers are then scored by the
// deterministic scorers (choices exactly, text by keywords), so one grading always ends well before STUCK_AFTER_MS.
import { randomUUID } from 'node:crypto';
import { type Database, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../../db.js';
import { hiringDb } from '../../../db.js';
import { gradeDeterministically } from '../ai.js';
import type { AssessmentsDependencies } from '../dependencies.js';
import { DETERMINISTIC } from '../grading/choices.js';
import { timeTakenSeconds, totalsOf } from '../results/totals.js';
import type { AttemptEndedBy } from '../tables.js';
import { createTemplateRepository } from '../templates/repository.js';
import { type Answer, CHOICE_KINDS, type Question, type QuestionGrade, type Section } from '../types.js';
import { type AttemptRow, createAttemptRepository } from './repository.js';

/** A scoring held longer than this is taken over by the sweep. */
export const STUCK_AFTER_MS = 10 * 60_000;
/** Default total time one grading may spend in the AI seam before the rest is scored deterministically. */
export const GRADING_BUDGET_MS = 4 * 60_000;
/** A live grader refreshes its claim at most this often (well before STUCK_AFTER_MS). */
export const REFRESH_CLAIM_EVERY_MS = STUCK_AFTER_MS / 4;
/** Attempts scored per sweep run. */
const SWEEP_BATCH = 100;
/** How long a losing submit waits for the winner's result before answering with `scoring`. */
const WAIT_FOR_WINNER_MS = 10_000;

type Deps = Pick<AssessmentsDependencies, 'dependencies' | 'ai' | 'invitationTokens'>;

export interface ScoringOptions {
  /** Total time (injectable clock) one grading may spend in the AI seam; default GRADING_BUDGET_MS. */
  gradingBudgetMs?: number;
}

export function createScoring({ dependencies, ai, invitationTokens }: Deps, options: ScoringOptions = {}) {
  const budgetMs = options.gradingBudgetMs ?? GRADING_BUDGET_MS;
  const { clock, logger } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;
  const kysely = hiringDb(dependencies.db);
  const attempts = createAttemptRepository(kysely);
  const versions = createTemplateRepository(kysely);

  /** Grades the claimed attempt and writes the result while the claim holds; the row, or undefined if the claim was lost. */
  async function grade(claimed: AttemptRow): Promise<AttemptRow | undefined> {
    const claim = claimed.scoring_claim as string;
    const version = await versions.version(claimed.assessment_id, claimed.version);
    if (!version) throw new Error(`attempt ${claimed.id} names a missing version`);
    const sections = version.sections as Section[];
    const answers = new Map(
      (await attempts.answers(claimed.id)).map((row) => [row.question_id, row.answer as Answer]),
    );
    const now = () => clock.now();
    const startedAt = now().getTime();
    let refreshedAt = startedAt;
    // Set once the budget is spent or the seam failed once: from then on no more AI calls.
    let deterministicOnly = false;
    const gradeOne = async (question: Question, answer: Answer | null): Promise<QuestionGrade> => {
      if (!deterministicOnly && now().getTime() - startedAt >= budgetMs) {
        deterministicOnly = true;
        logger.warn({ event: 'assessment_grading_budget_spent', attemptId: claimed.id, budgetMs });
      }
      if (deterministicOnly) return gradeDeterministically(question, answer);
      try {
        const result = await ai.grade(question, answer);
        // The seam answers a fallback grade when the provider failed: stop asking it for this attempt.
        const fellBack =
          !CHOICE_KINDS.includes(question.kind) &&
          ai.textGrader !== DETERMINISTIC &&
          result.grader === DETERMINISTIC;
        if (fellBack) deterministicOnly = true;
        return result;
      } catch (error) {
        deterministicOnly = true;
        logger.warn({ event: 'assessment_grading_failed', attemptId: claimed.id, err: error });
        return gradeDeterministically(question, answer);
      }
    };
    const grades: Parameters<typeof attempts.writeGrades>[1] = [];
    for (const section of sections) {
      for (const question of section.questions) {
        const result = await gradeOne(question, answers.get(question.id) ?? null);
        const maxScore = question.points;
        const score = Math.min(maxScore, Math.max(0, result.score));
        grades.push({
          attempt_id: claimed.id,
          question_id: question.id,
          section_id: section.id,
          score,
          max_score: maxScore,
          graded_score: score,
          grader: result.grader.slice(0, 200),
          rationale: result.rationale.slice(0, 2000),
          graded_at: now(),
        });
        // Heartbeat: keep the claim fresh while it is ours (at most every REFRESH_CLAIM_EVERY_MS);
        // stop as soon as it is not.
        if (now().getTime() - refreshedAt >= REFRESH_CLAIM_EVERY_MS) {
          refreshedAt = now().getTime();
          if (!(await attempts.refreshClaim(claimed.id, claim, now()))) return undefined;
        }
      }
    }
    const totals = totalsOf(sections, grades, version.pass_score_percent);
    const scoredAt = now();
    const written = await withTransaction(db, async (trx) => {
      await attempts.writeGrades(trx, grades);
      const row = await attempts.finish(trx, claimed.id, claim, {
        scoredAt,
        score: totals.score,
        maxScore: totals.maxScore,
        percent: totals.percent,
        passed: totals.passed,
        timeTakenSeconds: timeTakenSeconds(
          claimed.started_at,
          claimed.submitted_at ?? scoredAt,
          claimed.deadline_at,
        ),
        sectionScores: JSON.stringify(totals.sections),
      });
      if (!row) throw new ClaimLost();
      await invitationTokens.completed(trx, claimed.invitation_id, scoredAt);
      return row;
    }).catch((error: unknown) => {
      if (error instanceof ClaimLost) return undefined;
      throw error;
    });
    if (written) {
      logger.info({
        event: 'assessment_attempt_scored',
        attemptId: claimed.id,
        endedBy: claimed.ended_by,
        percent: totals.percent,
        passed: totals.passed,
      });
    }
    return written;
  }

  async function waitForResult(attemptId: string): Promise<AttemptRow | undefined> {
    const until = Date.now() + WAIT_FOR_WINNER_MS;
    for (;;) {
      const row = await attempts.find(attemptId);
      if (!row || row.status === 'scored' || Date.now() >= until) return row;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  return {
    /**
     * Ends the attempt and scores it, or answers the result someone else produced. Ended by the
     * candidate before the deadline, by the deadline otherwise (a late submit counts what was saved).
     */
    async end(attempt: AttemptRow): Promise<AttemptRow | undefined> {
      if (attempt.status === 'in_progress') {
        const now = clock.now();
        const endedBy: AttemptEndedBy = now < attempt.deadline_at ? 'candidate' : 'deadline';
        const claimed = await attempts.claim(attempt.id, randomUUID(), now, endedBy);
        if (claimed) {
          const scored = await grade(claimed);
          if (scored) return scored;
        }
      }
      return waitForResult(attempt.id);
    },

    /** The expiry job: scores every attempt past its deadline, and takes over stuck scorings. */
    async sweep(): Promise<number> {
      let scored = 0;
      const now = clock.now();
      // One attempt that fails (a database error while grading it) is logged and the rest still run.
      const isolated = async (id: string, take: () => Promise<AttemptRow | undefined>) => {
        try {
          const claimed = await take();
          if (claimed && (await grade(claimed))) scored += 1;
        } catch (error) {
          logger.error({ event: 'assessment_attempt_scoring_failed', attemptId: id, err: error });
        }
      };
      for (const { id } of await attempts.dueIds(now, SWEEP_BATCH)) {
        await isolated(id, () => attempts.claim(id, randomUUID(), clock.now(), 'deadline'));
      }
      const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
      for (const { id, scoring_claim } of await attempts.stuck(stuckBefore, SWEEP_BATCH)) {
        if (scoring_claim === null) continue;
        await isolated(id, () => attempts.reclaim(id, scoring_claim, randomUUID(), clock.now()));
      }
      return scored;
    },
  };
}

class ClaimLost extends Error {}

export type Scoring = ReturnType<typeof createScoring>;

// Owns the employer's view of results: an assessment's attempts (filtered by status and pass/fail),
// one attempt with its answers, per-question grades with the grader's rationale, section and total
// scores and time taken, and overriding one question's score with a note. An override is written
// with its history row, the recomputed totals and pass/fail, and an audit-log entry, all in one
// transaction under an update lock on the attempt. Members read; owners and recruiters override.

import { type Database, identityTrx, type RequestOrigin, recordAudit, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../../db.js';
import { hiringDb } from '../../../db.js';
import {
  type AnswerRow,
  type AttemptRow,
  createAttemptRepository,
  type GradeRow,
} from '../attempts/repository.js';
import type { AssessmentsDependencies } from '../dependencies.js';
import {
  assessmentNotFound,
  attemptNotFound,
  attemptNotScored,
  invalidField,
  questionNotFound,
} from '../errors.js';
import { createTemplateRepository } from '../templates/repository.js';
import type { Answer, Section } from '../types.js';
import { createResultsRepository, type OverrideRow } from './repository.js';
import type { AttemptResult, AttemptSummary, OverrideBody, ResultsQuery } from './schemas.js';
import { totalsOf } from './totals.js';

type Deps = Pick<AssessmentsDependencies, 'dependencies' | 'organisations'>;

const iso = (value: Date | null) => value?.toISOString() ?? null;

function toAttemptSummary(row: AttemptRow): AttemptSummary {
  return {
    id: row.id,
    assessmentId: row.assessment_id,
    version: row.version,
    invitationId: row.invitation_id,
    applicationId: row.application_id,
    candidateEmail: row.candidate_email,
    candidateUserId: row.candidate_user_id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    deadlineAt: row.deadline_at.toISOString(),
    submittedAt: iso(row.submitted_at),
    endedBy: row.ended_by,
    scoredAt: iso(row.scored_at),
    score: row.score,
    maxScore: row.max_score,
    percent: row.percent,
    passed: row.passed,
    timeTakenSeconds: row.time_taken_seconds,
    sectionScores: row.section_scores,
  };
}

function toResult(
  row: AttemptRow,
  sections: Section[],
  answers: AnswerRow[],
  grades: GradeRow[],
  overrides: OverrideRow[],
): AttemptResult {
  const answerOf = new Map(answers.map((answer) => [answer.question_id, answer]));
  const gradeOf = new Map(grades.map((grade) => [grade.question_id, grade]));
  return {
    ...toAttemptSummary(row),
    sections: sections.map((section) => {
      const sectionScore = row.section_scores?.find((score) => score.sectionId === section.id);
      return {
        id: section.id,
        title: section.title,
        score: sectionScore?.score ?? null,
        maxScore: sectionScore?.maxScore ?? section.questions.reduce((total, q) => total + q.points, 0),
        questions: section.questions.map((question) => {
          const saved = answerOf.get(question.id);
          const grade = gradeOf.get(question.id);
          const answer = saved?.answer as Answer | undefined;
          return {
            id: question.id,
            kind: question.kind,
            prompt: question.prompt,
            points: question.points,
            ...(question.choices && {
              correctChoiceIds: question.choices
                .filter((choice) => choice.correct)
                .map((choice) => choice.id),
            }),
            answer:
              saved && answer
                ? {
                    ...('choiceIds' in answer ? { choiceIds: answer.choiceIds } : { text: answer.text }),
                    savedAt: saved.saved_at.toISOString(),
                  }
                : null,
            grade: grade
              ? {
                  score: grade.score,
                  maxScore: grade.max_score,
                  gradedScore: grade.graded_score,
                  grader: grade.grader,
                  rationale: grade.rationale,
                  overridden: grade.overridden_at !== null,
                  overrideNote: grade.override_note,
                  overriddenBy: grade.overridden_by,
                  overriddenAt: iso(grade.overridden_at),
                }
              : null,
          };
        }),
      };
    }),
    overrides: overrides.map((entry) => ({
      questionId: entry.question_id,
      previousScore: entry.previous_score,
      score: entry.score,
      note: entry.note,
      actorId: entry.actor_id,
      createdAt: entry.created_at.toISOString(),
    })),
  };
}

export function createResultsService({ dependencies, organisations }: Deps) {
  const { clock } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;
  const kysely = hiringDb(dependencies.db);
  const results = createResultsRepository(kysely);
  const attempts = createAttemptRepository(kysely);
  const templates = createTemplateRepository(kysely);

  async function requireAssessment(
    userId: string,
    organisationId: string,
    assessmentId: string,
    right: 'read' | 'write',
  ) {
    await organisations.requireRight(userId, organisationId, right);
    const assessment = await templates.find(organisationId, assessmentId);
    if (!assessment) throw assessmentNotFound();
    return assessment;
  }

  async function detail(row: AttemptRow): Promise<AttemptResult> {
    const [version, answers, grades, overrides] = await Promise.all([
      templates.version(row.assessment_id, row.version),
      attempts.answers(row.id),
      attempts.grades(row.id),
      results.overrides(row.id),
    ]);
    return toResult(row, (version?.sections ?? []) as Section[], answers, grades, overrides);
  }

  return {
    async list(userId: string, organisationId: string, assessmentId: string, query: ResultsQuery) {
      await requireAssessment(userId, organisationId, assessmentId, 'read');
      return (await results.list(organisationId, assessmentId, query)).map(toAttemptSummary);
    },

    async get(userId: string, organisationId: string, assessmentId: string, attemptId: string) {
      await requireAssessment(userId, organisationId, assessmentId, 'read');
      const row = await results.find(organisationId, assessmentId, attemptId);
      if (!row) throw attemptNotFound();
      return detail(row);
    },

    async override(
      userId: string,
      organisationId: string,
      assessmentId: string,
      attemptId: string,
      questionId: string,
      body: OverrideBody,
      origin: RequestOrigin,
    ): Promise<AttemptResult> {
      await requireAssessment(userId, organisationId, assessmentId, 'write');
      const now = clock.now();
      const row = await withTransaction(db, async (trx) => {
        const attempt = await results.lock(trx, organisationId, assessmentId, attemptId);
        if (!attempt) throw attemptNotFound();
        if (attempt.status !== 'scored') throw attemptNotScored();
        const current = (await attempts.grades(attempt.id, trx)).find(
          (grade) => grade.question_id === questionId,
        );
        if (!current) throw questionNotFound();
        if (body.score > current.max_score) {
          throw invalidField('override_score_invalid', '/body/score', `must be 0 to ${current.max_score}`);
        }
        await results.setGrade(trx, attempt.id, questionId, {
          score: body.score,
          note: body.note,
          actorId: userId,
          at: now,
        });
        await results.insertOverride(trx, {
          attemptId: attempt.id,
          questionId,
          previous: current.score,
          score: body.score,
          note: body.note,
          actorId: userId,
          at: now,
        });
        const version = await templates.version(attempt.assessment_id, attempt.version, trx);
        const grades = await attempts.grades(attempt.id, trx);
        const totals = totalsOf(
          (version?.sections ?? []) as Section[],
          grades,
          version?.pass_score_percent ?? 100,
        );
        await results.setTotals(trx, attempt.id, {
          score: totals.score,
          maxScore: totals.maxScore,
          percent: totals.percent,
          passed: totals.passed,
          sectionScores: JSON.stringify(totals.sections),
        });
        await recordAudit(identityTrx(trx), clock, origin, {
          actorId: userId,
          action: 'assessment.score_overridden',
          targetType: 'assessment_attempt',
          targetId: attempt.id,
          before: { questionId, score: current.score, percent: attempt.percent, passed: attempt.passed },
          after: {
            questionId,
            score: body.score,
            percent: totals.percent,
            passed: totals.passed,
            note: body.note,
          },
        });
        return attempts.find(attempt.id, trx);
      });
      if (!row) throw attemptNotFound();
      return detail(row);
    },
  };
}

export type ResultsService = ReturnType<typeof createResultsService>;

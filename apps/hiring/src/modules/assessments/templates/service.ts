// Owns the life of an assessment template: created by hand or generated from a job (against the
// organisation's AI-assessment quota), edited while its newest version is a draft, published (the
// newest version is frozen with its content hash and becomes what new attempts start on) and
// archived. Editing a published template writes a new draft version; a published version is never
// changed, so attempts always grade against the exact content they started on. Owners and
// recruiters write, viewers read, anyone else gets 404 (organisations.requireRight).

import type { Database } from '@app/platform';
import { AppError, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../../db.js';
import { hiringDb } from '../../../db.js';
import type { AssessmentsDependencies } from '../dependencies.js';
import {
  assessmentArchived,
  assessmentEmpty,
  assessmentNotFound,
  jobNotFound,
  quotaReached,
} from '../errors.js';
import type { Section } from '../types.js';
import { contentHash, toDetail, toSummary } from './presenters.js';
import { createTemplateRepository, type VersionChanges, type VersionRow } from './repository.js';
import type {
  AssessmentDetail,
  AssessmentListQuery,
  AssessmentSummary,
  CreateAssessmentBody,
  GenerateAssessmentBody,
  UpdateAssessmentBody,
} from './schemas.js';
import { countsOf, normaliseSections } from './validation.js';

export const DEFAULT_SETTINGS = {
  timeLimitMinutes: 30,
  passScorePercent: 60,
  attemptsLimit: 1,
  shuffleQuestions: false,
  shuffleChoices: false,
};

type Deps = Pick<AssessmentsDependencies, 'dependencies' | 'organisations' | 'jobs' | 'usage' | 'ai'>;

export function createTemplateService({ dependencies, organisations, jobs, usage, ai }: Deps) {
  const { clock } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;
  const kysely = hiringDb(dependencies.db);
  const repository = createTemplateRepository(kysely);

  /** The job must be one of the organisation's own (404 otherwise, as for a job that does not exist). */
  async function checkJob(userId: string, organisationId: string, jobId: string) {
    const job = await jobs.get(userId, jobId).catch(() => {
      throw jobNotFound();
    });
    if (job.organisationId !== organisationId) throw jobNotFound();
    return job;
  }

  async function insertNew(
    userId: string,
    organisationId: string,
    jobId: string | null,
    version: Omit<
      VersionRow,
      | 'assessment_id'
      | 'version'
      | 'created_at'
      | 'updated_at'
      | 'created_by'
      | 'content_hash'
      | 'published_at'
      | 'sections'
    > & {
      sections: Section[];
    },
  ): Promise<AssessmentDetail> {
    const now = clock.now();
    return withTransaction(db, async (trx) => {
      const assessment = await repository.insertAssessment(trx, {
        organisationId,
        jobId,
        createdBy: userId,
        at: now,
      });
      const row = await repository.insertVersion(trx, {
        ...version,
        sections: JSON.stringify(version.sections),
        assessment_id: assessment.id,
        version: 1,
        content_hash: null,
        published_at: null,
        created_by: userId,
        created_at: now,
        updated_at: now,
      });
      return toDetail(assessment, row);
    });
  }

  return {
    async create(
      userId: string,
      organisationId: string,
      body: CreateAssessmentBody,
    ): Promise<AssessmentDetail> {
      await organisations.requireRight(userId, organisationId, 'write');
      const sections = normaliseSections(body.sections ?? []);
      if (body.jobId) await checkJob(userId, organisationId, body.jobId);
      return insertNew(userId, organisationId, body.jobId ?? null, {
        title: body.title.trim(),
        description: body.description ?? '',
        sections,
        time_limit_minutes: body.timeLimitMinutes ?? DEFAULT_SETTINGS.timeLimitMinutes,
        pass_score_percent: body.passScorePercent ?? DEFAULT_SETTINGS.passScorePercent,
        attempts_limit: body.attemptsLimit ?? DEFAULT_SETTINGS.attemptsLimit,
        shuffle_questions: body.shuffleQuestions ?? DEFAULT_SETTINGS.shuffleQuestions,
        shuffle_choices: body.shuffleChoices ?? DEFAULT_SETTINGS.shuffleChoices,
        ...counts(sections),
        generator: null,
        fallback_reason: null,
      });
    },

    /** Generates a draft from one of the organisation's jobs; one unit of the AI-assessment quota. */
    async generate(
      userId: string,
      organisationId: string,
      body: GenerateAssessmentBody,
    ): Promise<AssessmentDetail> {
      await organisations.requireRight(userId, organisationId, 'write');
      const job = await checkJob(userId, organisationId, body.jobId);
      const taken = await usage.consume(organisationId, 'ai_assessments', 1);
      if (!taken.allowed) throw quotaReached(taken.used, taken.limit);
      try {
        const result = await ai.generate({
          jobTitle: job.title,
          jobDescription: job.descriptionText,
          skills: job.skills.map((skill) => ({
            name: skill.name,
            level: (skill.level ?? null) as 1 | 2 | 3 | 4 | 5 | null,
          })),
          ...(body.questionCount !== undefined && { questionCount: body.questionCount }),
        });
        const sections = normaliseSections(result.content.sections, '/generated/sections');
        return await insertNew(userId, organisationId, job.id, {
          title: result.content.title.slice(0, 200) || job.title.slice(0, 200),
          description: result.content.description.slice(0, 5000),
          sections,
          time_limit_minutes: DEFAULT_SETTINGS.timeLimitMinutes,
          pass_score_percent: DEFAULT_SETTINGS.passScorePercent,
          attempts_limit: DEFAULT_SETTINGS.attemptsLimit,
          shuffle_questions: DEFAULT_SETTINGS.shuffleQuestions,
          shuffle_choices: DEFAULT_SETTINGS.shuffleChoices,
          ...counts(sections),
          generator: result.generator,
          fallback_reason: result.fallbackReason,
        });
      } catch (error) {
        await usage.release(organisationId, 'ai_assessments', taken.periodStart, 1);
        if (error instanceof AppError && error.kind === 'invalid_input') {
          // The generator's output broke a content rule: our bug, not the caller's input.
          throw new AppError({
            kind: 'internal',
            code: 'assessment_generation_invalid',
            detail: 'The generated assessment was not valid.',
            expose: false,
            cause: error,
          });
        }
        throw error;
      }
    },

    async list(
      userId: string,
      organisationId: string,
      query: AssessmentListQuery,
    ): Promise<AssessmentSummary[]> {
      await organisations.requireRight(userId, organisationId, 'read');
      const rows = await repository.list(organisationId, query);
      return rows.map((row) =>
        toSummary(
          { ...row, created_at: row.assessment_created_at, updated_at: row.assessment_updated_at },
          row,
        ),
      );
    },

    async get(
      userId: string,
      organisationId: string,
      assessmentId: string,
      version?: number,
    ): Promise<AssessmentDetail> {
      await organisations.requireRight(userId, organisationId, 'read');
      const assessment = await repository.find(organisationId, assessmentId);
      if (!assessment) throw assessmentNotFound();
      const row = await repository.version(assessmentId, version ?? assessment.latest_version);
      if (!row) {
        throw new AppError({
          kind: 'not_found',
          code: 'assessment_version_not_found',
          detail: 'No such version.',
        });
      }
      return toDetail(assessment, row);
    },

    /**
     * Edits the newest version while it is a draft; when it is published, writes the edits as a new
     * draft version (the published one stays what attempts start on until this one is published).
     */
    async update(
      userId: string,
      organisationId: string,
      assessmentId: string,
      body: UpdateAssessmentBody,
    ): Promise<{ created: boolean; assessment: AssessmentDetail }> {
      await organisations.requireRight(userId, organisationId, 'write');
      const sections = body.sections === undefined ? undefined : normaliseSections(body.sections);
      if (body.jobId) await checkJob(userId, organisationId, body.jobId);
      const now = clock.now();
      return withTransaction(db, async (trx) => {
        let assessment = await repository.lock(trx, organisationId, assessmentId);
        if (!assessment) throw assessmentNotFound();
        if (assessment.status === 'archived') throw assessmentArchived();
        const latest = await repository.version(assessmentId, assessment.latest_version, trx);
        if (!latest) throw assessmentNotFound();
        const changes: VersionChanges = {
          ...(body.title !== undefined && { title: body.title.trim() }),
          ...(body.description !== undefined && { description: body.description }),
          ...(sections !== undefined && { sections: JSON.stringify(sections), ...counts(sections) }),
          ...(body.timeLimitMinutes !== undefined && { time_limit_minutes: body.timeLimitMinutes }),
          ...(body.passScorePercent !== undefined && { pass_score_percent: body.passScorePercent }),
          ...(body.attemptsLimit !== undefined && { attempts_limit: body.attemptsLimit }),
          ...(body.shuffleQuestions !== undefined && { shuffle_questions: body.shuffleQuestions }),
          ...(body.shuffleChoices !== undefined && { shuffle_choices: body.shuffleChoices }),
          updated_at: now,
        };
        if (body.jobId !== undefined) {
          assessment = await repository.updateAssessment(trx, assessmentId, {
            job_id: body.jobId,
            updated_at: now,
          });
        }
        if (latest.published_at === null) {
          const row = await repository.updateDraftVersion(trx, assessmentId, latest.version, changes);
          if (!row) throw assessmentNotFound();
          return { created: false, assessment: toDetail(assessment, row) };
        }
        // Only the job changed: it lives on the assessment row, so no new version is needed.
        if (Object.keys(changes).length === 1)
          return { created: false, assessment: toDetail(assessment, latest) };
        const { assessment_id: _id, version: _version, ...copied } = latest;
        const row = await repository.insertVersion(trx, {
          ...copied,
          sections: JSON.stringify(latest.sections),
          ...changes,
          assessment_id: assessmentId,
          version: latest.version + 1,
          content_hash: null,
          published_at: null,
          created_by: userId,
          created_at: now,
        });
        assessment = await repository.updateAssessment(trx, assessmentId, {
          latest_version: row.version,
          updated_at: now,
        });
        return { created: true, assessment: toDetail(assessment, row) };
      });
    },

    /** Freezes the newest version and makes it the one new attempts start on (idempotent). */
    async publish(userId: string, organisationId: string, assessmentId: string): Promise<AssessmentDetail> {
      await organisations.requireRight(userId, organisationId, 'write');
      const now = clock.now();
      return withTransaction(db, async (trx) => {
        const assessment = await repository.lock(trx, organisationId, assessmentId);
        if (!assessment) throw assessmentNotFound();
        if (assessment.status === 'archived') throw assessmentArchived();
        const latest = await repository.version(assessmentId, assessment.latest_version, trx);
        if (!latest) throw assessmentNotFound();
        if (latest.published_at !== null) return toDetail(assessment, latest);
        if (latest.question_count === 0) throw assessmentEmpty();
        const frozen = await repository.updateDraftVersion(trx, assessmentId, latest.version, {
          content_hash: contentHash(latest),
          published_at: now,
        });
        if (!frozen) throw assessmentNotFound();
        const updated = await repository.updateAssessment(trx, assessmentId, {
          status: 'published',
          published_version: frozen.version,
          updated_at: now,
        });
        return toDetail(updated, frozen);
      });
    },

    /** No new invitations or attempts; attempts already running finish and are scored (idempotent). */
    async archive(userId: string, organisationId: string, assessmentId: string): Promise<AssessmentDetail> {
      await organisations.requireRight(userId, organisationId, 'write');
      const now = clock.now();
      return withTransaction(db, async (trx) => {
        let assessment = await repository.lock(trx, organisationId, assessmentId);
        if (!assessment) throw assessmentNotFound();
        if (assessment.status !== 'archived') {
          assessment = await repository.updateAssessment(trx, assessmentId, {
            status: 'archived',
            archived_at: now,
            updated_at: now,
          });
        }
        const latest = await repository.version(assessmentId, assessment.latest_version, trx);
        if (!latest) throw assessmentNotFound();
        return toDetail(assessment, latest);
      });
    },
  };
}

function counts(sections: Section[]) {
  const { questionCount, sectionCount, totalPoints } = countsOf(sections);
  return { question_count: questionCount, section_count: sectionCount, total_points: totalPoints };
}

export type TemplateService = ReturnType<typeof createTemplateService>;

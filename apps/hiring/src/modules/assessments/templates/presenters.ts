// Owns turning template rows into the employer's view, and the content hash that freezes a version:
// SHA-256 of the canonical JSON (keys sorted) of everything a candidate's attempt depends on.
import { createHash } from 'node:crypto';
import type { Section } from '../types.js';
import type { AssessmentRow, VersionRow } from './repository.js';
import type { AssessmentDetail, AssessmentSummary } from './schemas.js';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(version: VersionRow): string {
  return createHash('sha256')
    .update(
      canonical({
        title: version.title,
        description: version.description,
        sections: version.sections,
        timeLimitMinutes: version.time_limit_minutes,
        passScorePercent: version.pass_score_percent,
        attemptsLimit: version.attempts_limit,
        shuffleQuestions: version.shuffle_questions,
        shuffleChoices: version.shuffle_choices,
      }),
    )
    .digest('hex');
}

type AssessmentState = Pick<
  AssessmentRow,
  'id' | 'organisation_id' | 'job_id' | 'status' | 'latest_version' | 'published_version'
>;

export function toSummary(
  assessment: AssessmentState & { created_at: Date; updated_at: Date },
  version: VersionRow,
): AssessmentSummary {
  return {
    id: assessment.id,
    organisationId: assessment.organisation_id,
    jobId: assessment.job_id,
    status: assessment.status,
    version: version.version,
    latestVersion: assessment.latest_version,
    publishedVersion: assessment.published_version,
    hasUnpublishedChanges:
      assessment.published_version !== null && assessment.latest_version > assessment.published_version,
    title: version.title,
    description: version.description,
    timeLimitMinutes: version.time_limit_minutes,
    passScorePercent: version.pass_score_percent,
    attemptsLimit: version.attempts_limit,
    shuffleQuestions: version.shuffle_questions,
    shuffleChoices: version.shuffle_choices,
    questionCount: version.question_count,
    sectionCount: version.section_count,
    totalPoints: version.total_points,
    generator: version.generator,
    fallbackReason: version.fallback_reason,
    contentHash: version.content_hash,
    publishedAt: version.published_at?.toISOString() ?? null,
    createdAt: assessment.created_at.toISOString(),
    updatedAt: new Date(
      Math.max(version.updated_at.getTime(), assessment.updated_at.getTime()),
    ).toISOString(),
  };
}

export function toDetail(assessment: AssessmentRow, version: VersionRow): AssessmentDetail {
  return {
    ...toSummary(assessment, version),
    sections: version.sections as Section[] as AssessmentDetail['sections'],
  };
}

// Owns turning rows into what the API shows, and deciding what each audience sees of an
// application: the employer's members see everything, including who applied (the e-mail they
// applied with and their profile); the candidate sees their own application, its stages and times,
// but never notes, ratings, rejection reasons or which member moved it.
import type { StageOutcome } from '../../db.js';
import type { ApplicationRow, ApplicationSummaryRow, HistoryRow, NoteRow } from './repository.js';
import { type Cursor, encodeCursor } from './repository.js';
import type {
  Applicant,
  ApplicationDetail,
  ApplicationSummary,
  AssessmentScore,
  MyApplication,
  Note,
  StageRef,
  StageStint,
} from './schemas.js';

type Audience = 'employer' | 'candidate';

const STATUS: Record<StageOutcome, MyApplication['status']> = {
  open: 'active',
  hired: 'hired',
  rejected: 'rejected',
};

/** Withdrawn wins over the stage: a withdrawn application stays frozen in the stage it was in. */
const statusOf = (row: ApplicationRow): MyApplication['status'] =>
  row.withdrawn_at === null ? STATUS[row.stage_outcome] : 'withdrawn';

const withdrawnAt = (row: ApplicationRow) => row.withdrawn_at?.toISOString() ?? null;

const stageOf = (row: { stage_key: string; stage_name: string; stage_outcome: StageOutcome }): StageRef => ({
  key: row.stage_key,
  name: row.stage_name,
  outcome: row.stage_outcome,
});

const roundRating = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

export function toMyApplication(row: ApplicationRow): MyApplication {
  return {
    id: row.id,
    jobId: row.job_id,
    organisationId: row.organisation_id,
    coverNote: row.cover_note,
    stage: stageOf(row),
    status: statusOf(row),
    appliedAt: row.created_at.toISOString(),
    stageEnteredAt: row.stage_entered_at.toISOString(),
    withdrawnAt: withdrawnAt(row),
  };
}

/** The application's latest scored assessment attempt (shown in the pipeline), or null. */
function assessmentScoreOf(row: ApplicationSummaryRow): AssessmentScore | null {
  if (row.assessment_attempt_id === null || row.assessment_id === null || row.assessment_scored_at === null) {
    return null;
  }
  return {
    attemptId: row.assessment_attempt_id,
    assessmentId: row.assessment_id,
    percent: row.assessment_percent ?? 0,
    passed: row.assessment_passed ?? false,
    scoredAt: row.assessment_scored_at.toISOString(),
  };
}

export function toSummary(row: ApplicationSummaryRow, applicant: Applicant): ApplicationSummary {
  return {
    id: row.id,
    jobId: row.job_id,
    candidateId: row.candidate_id,
    applicant,
    coverNote: row.cover_note,
    stage: stageOf(row),
    status: statusOf(row),
    appliedAt: row.created_at.toISOString(),
    stageEnteredAt: row.stage_entered_at.toISOString(),
    withdrawnAt: withdrawnAt(row),
    averageRating: roundRating(row.average_rating),
    ratingsCount: row.ratings_count,
    notesCount: row.notes_count,
    assessment: assessmentScoreOf(row),
  };
}

export function toNote(row: NoteRow): Note {
  return {
    id: row.id,
    authorId: row.author_id,
    body: row.body,
    rating: row.rating,
    createdAt: row.created_at.toISOString(),
  };
}

/** One stint per history row: entered when moved in, left when the next move happened. */
function toStints(history: HistoryRow[], now: Date, audience: Audience): StageStint[] {
  return history.map((entry, index) => {
    const left = history[index + 1]?.moved_at ?? null;
    const stint: StageStint = {
      stage: stageOf(entry),
      enteredAt: entry.moved_at.toISOString(),
      leftAt: left ? left.toISOString() : null,
      secondsInStage: Math.max(0, Math.floor(((left ?? now).getTime() - entry.moved_at.getTime()) / 1000)),
    };
    if (audience === 'employer') {
      stint.movedBy = entry.moved_by;
      stint.reason = entry.reason;
    }
    return stint;
  });
}

/** What only the employer's members see of an application: who applied, and the notes. */
export interface EmployerExtras {
  notes: NoteRow[];
  applicant: Applicant;
}

/** The candidate's view without `employer`; the members' view with it. */
export function toDetail(
  row: ApplicationRow,
  history: HistoryRow[],
  now: Date,
  employer?: EmployerExtras,
): ApplicationDetail {
  const detail: ApplicationDetail = {
    id: row.id,
    jobId: row.job_id,
    organisationId: row.organisation_id,
    candidateId: row.candidate_id,
    coverNote: row.cover_note,
    stage: stageOf(row),
    status: statusOf(row),
    appliedAt: row.created_at.toISOString(),
    stageEnteredAt: row.stage_entered_at.toISOString(),
    withdrawnAt: withdrawnAt(row),
    history: toStints(history, now, employer ? 'employer' : 'candidate'),
  };
  if (employer === undefined) return detail;
  const { notes, applicant } = employer;
  const ratings = notes.flatMap((note) => (note.rating === null ? [] : [note.rating]));
  return {
    ...detail,
    applicant,
    rejectionReason: row.rejection_reason,
    notes: notes.map(toNote),
    averageRating:
      ratings.length === 0 ? null : roundRating(ratings.reduce((a, b) => a + b, 0) / ratings.length),
    ratingsCount: ratings.length,
  };
}

/** A page of `limit` items from `limit + 1` rows, with the cursor of the last one if more follow. */
export function page<R, T>(rows: R[], limit: number, cursorOf: (row: R) => Cursor, present: (row: R) => T) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(present),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

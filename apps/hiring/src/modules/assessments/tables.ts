// Owns the Kysely row types of the assessment tables (migrations 0009 and 0011): templates and their
// versions (a published version is frozen by a trigger), attempts, saved answers, per-question grades
// and the override history. Scores are points in halves (double precision: halves add up exactly).
import type { ColumnType, Generated } from 'kysely';
import type { Answer, Section } from './types.js';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type AssessmentStatus = 'draft' | 'published' | 'archived';
/** in_progress until submitted or past its deadline; scoring while ONE grader holds it; scored. */
export type AttemptStatus = 'in_progress' | 'scoring' | 'scored';
/** Who ended the attempt: the candidate's submit, or the deadline (the expiry job, or a late submit). */
export type AttemptEndedBy = 'candidate' | 'deadline';

export interface SectionScore {
  sectionId: string;
  title: string;
  score: number;
  maxScore: number;
}

export interface AssessmentTables {
  hiring_assessments: {
    id: Generated<string>;
    organisation_id: string;
    job_id: string | null;
    status: AssessmentStatus;
    latest_version: Generated<number>;
    published_version: number | null;
    created_by: string | null;
    created_at: Date;
    updated_at: Date;
    archived_at: Date | null;
  };
  hiring_assessment_versions: {
    assessment_id: string;
    version: number;
    title: string;
    description: string;
    sections: Json<Section[]>;
    time_limit_minutes: number;
    pass_score_percent: number;
    attempts_limit: number;
    shuffle_questions: boolean;
    shuffle_choices: boolean;
    question_count: number;
    section_count: number;
    total_points: number;
    generator: string | null;
    fallback_reason: string | null;
    content_hash: string | null;
    published_at: Date | null;
    created_by: string | null;
    created_at: Date;
    updated_at: Date;
  };
  hiring_assessment_attempts: {
    id: Generated<string>;
    organisation_id: string;
    assessment_id: string;
    version: number;
    invitation_id: string;
    application_id: string | null;
    candidate_user_id: string | null;
    candidate_email: string;
    /** SHA-256 (hex) of the attempt access token; the token itself is never stored. */
    access_token_hash: string;
    shuffle_seed: number;
    status: AttemptStatus;
    started_at: Date;
    deadline_at: Date;
    submitted_at: Date | null;
    ended_by: AttemptEndedBy | null;
    /** The grader holding the attempt while it is `scoring` (a random id), and since when. */
    scoring_claim: string | null;
    scoring_started_at: Date | null;
    scored_at: Date | null;
    score: number | null;
    max_score: number | null;
    percent: number | null;
    passed: boolean | null;
    time_taken_seconds: number | null;
    section_scores: NullableJson<SectionScore[]>;
  };
  hiring_assessment_answers: {
    attempt_id: string;
    question_id: string;
    answer: Json<Answer>;
    saved_at: Date;
  };
  hiring_assessment_grades: {
    attempt_id: string;
    question_id: string;
    section_id: string;
    /** What counts: the grader's score, or the latest override. */
    score: number;
    max_score: number;
    /** What the grader gave, kept when overridden. */
    graded_score: number;
    grader: string;
    rationale: string;
    graded_at: Date;
    override_note: string | null;
    overridden_by: string | null;
    overridden_at: Date | null;
  };
  hiring_assessment_grade_overrides: {
    id: Generated<string>;
    attempt_id: string;
    question_id: string;
    previous_score: number;
    score: number;
    note: string;
    actor_id: string | null;
    created_at: Date;
  };
}

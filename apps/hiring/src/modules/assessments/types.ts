// Owns the vocabulary of hiring assessments shared by content (the question bank and AI generation),
// grading, templates, attempts and invitations: questions with what a candidate may see and what
// only graders may see (correct choices, rubric, reference answer, keywords), answers and grades.
// Nothing in here touches the database.

export type QuestionKind = 'single_choice' | 'multiple_choice' | 'short_text' | 'long_text' | 'code';
export const CHOICE_KINDS: readonly QuestionKind[] = ['single_choice', 'multiple_choice'];
export const TEXT_KINDS: readonly QuestionKind[] = ['short_text', 'long_text', 'code'];

/** Skill level, 1 (beginner) to 5 (expert), as jobs state required skills. */
export type SkillLevel = 1 | 2 | 3 | 4 | 5;

export interface Choice {
  id: string;
  text: string;
  /** Grader-only: never in a candidate's response. */
  correct: boolean;
}

export interface Keyword {
  /** A term (or several, `|`-separated alternatives) the deterministic scorer looks for. */
  term: string;
  /** Share of the question's points this term is worth; weights of a question sum to 1. */
  weight: number;
}

export interface Question {
  id: string;
  kind: QuestionKind;
  prompt: string;
  points: number;
  skill: string | null;
  level: SkillLevel | null;
  /** Choice kinds only (2 to 8). */
  choices?: Choice[];
  /** Text kinds only, grader-only: what a full-mark answer covers. */
  rubric?: string;
  /** Text kinds only, grader-only. */
  referenceAnswer?: string;
  /** Text kinds only, grader-only: what the deterministic scorer awards points for. */
  keywords?: Keyword[];
  /** Text kinds only: longest accepted answer in characters. */
  maxAnswerLength?: number;
}

export interface Section {
  id: string;
  title: string;
  questions: Question[];
}

/** An assessment's content as generated or edited: everything but its settings and state. */
export interface AssessmentContent {
  title: string;
  description: string;
  sections: Section[];
}

/** A candidate's answer to one question. */
export type Answer = { choiceIds: string[] } | { text: string };

/** `deterministic`, or the model name of the LLM that produced it. */
export type GraderName = string;

export interface QuestionGrade {
  /** Whole points or halves, 0..maxScore. */
  score: number;
  maxScore: number;
  grader: GraderName;
  /** One or two sentences; never echoes instructions found in the answer. */
  rationale: string;
}

/** A job's side of generation: what the assessment should test. */
export interface GenerationInput {
  jobTitle: string;
  jobDescription: string;
  skills: { name: string; level: SkillLevel | null }[];
  /** Default 10, at most 40. */
  questionCount?: number;
}

export interface GenerationResult {
  content: AssessmentContent;
  /** `deterministic`, or the model name when the LLM's output was used. */
  generator: GraderName;
  /**
   * Why the LLM's output was not used, or null: not_configured, timeout, rate_limited,
   * provider_error, truncated, refused, invalid_json or schema_invalid (docs/assessments.md).
   */
  fallbackReason: string | null;
}

/** AI generation and grading, with their deterministic fallbacks (content/ and grading/). */
export interface AssessmentAi {
  generate(input: GenerationInput): Promise<GenerationResult>;
  /** Grades one answer: choice kinds exactly, text kinds by the LLM with the deterministic scorer as fallback. */
  grade(question: Question, answer: Answer | null): Promise<QuestionGrade>;
  /** `deterministic` or the configured model (docs, results). */
  readonly textGrader: GraderName;
}

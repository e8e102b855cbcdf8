// Owns the arithmetic of a result: section and total scores from per-question grades, the percent
// (two decimals) and pass/fail against the version's pass score. Used when an attempt is scored and
// again after every override, so both always agree.
import type { SectionScore } from '../tables.js';
import type { Section } from '../types.js';

export interface GradeLike {
  question_id: string;
  score: number;
  max_score: number;
}

export interface Totals {
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  sections: SectionScore[];
}

export function totalsOf(
  sections: readonly Section[],
  grades: readonly GradeLike[],
  passScorePercent: number,
): Totals {
  const byQuestion = new Map(grades.map((grade) => [grade.question_id, grade]));
  const sectionScores = sections.map((section) => {
    let score = 0;
    let maxScore = 0;
    for (const question of section.questions) {
      const grade = byQuestion.get(question.id);
      score += grade?.score ?? 0;
      maxScore += grade?.max_score ?? question.points;
    }
    return { sectionId: section.id, title: section.title, score, maxScore };
  });
  const score = sectionScores.reduce((total, section) => total + section.score, 0);
  const maxScore = sectionScores.reduce((total, section) => total + section.maxScore, 0);
  const percent = maxScore > 0 ? Math.round((score / maxScore) * 10000) / 100 : 0;
  return { score, maxScore, percent, passed: percent >= passScorePercent, sections: sectionScores };
}

/** Whole seconds from start to the submit, never past the deadline. */
export function timeTakenSeconds(startedAt: Date, endedAt: Date, deadlineAt: Date): number {
  const end = Math.min(endedAt.getTime(), deadlineAt.getTime());
  return Math.max(0, Math.round((end - startedAt.getTime()) / 1000));
}

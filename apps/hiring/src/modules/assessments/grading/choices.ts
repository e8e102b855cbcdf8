// Owns scoring of choice questions, exact and free of any model. single_choice is all or nothing:
// full points when exactly the one correct choice is picked. multiple_choice gives partial credit:
// points × max(0, correct picked − wrong picked) / correct total, rounded down to a half point, so
// picking every choice scores 0 unless every choice is correct. Unknown choice ids count as wrong
// picks, repeated ids once; no answer (null) or a text answer scores 0.
import type { Answer, Question, QuestionGrade } from '../types.js';

export const DETERMINISTIC = 'deterministic';

const downToHalf = (value: number) => Math.floor(value * 2 + 1e-9) / 2;

export function gradeChoice(question: Question, answer: Answer | null): QuestionGrade {
  const choices = question.choices ?? [];
  const correctIds = new Set(choices.filter((choice) => choice.correct).map((choice) => choice.id));
  const grade = (score: number, rationale: string): QuestionGrade => ({
    score,
    maxScore: question.points,
    grader: DETERMINISTIC,
    rationale,
  });
  if (answer === null || !('choiceIds' in answer) || answer.choiceIds.length === 0) {
    return grade(0, 'No choice was selected.');
  }
  const picked = new Set(answer.choiceIds);
  let right = 0;
  let wrong = 0;
  for (const id of picked) {
    if (correctIds.has(id)) right++;
    else wrong++;
  }
  if (question.kind === 'single_choice') {
    const full = picked.size === 1 && right === 1;
    return grade(
      full ? question.points : 0,
      full ? 'The correct choice was selected.' : 'The selected choice is not the correct one.',
    );
  }
  const share = correctIds.size === 0 ? 0 : Math.max(0, right - wrong) / correctIds.size;
  const score = Math.min(question.points, downToHalf(share * question.points));
  return grade(
    score,
    `${right} of ${correctIds.size} correct choices selected, ${wrong} incorrect ${wrong === 1 ? 'choice' : 'choices'} selected.`,
  );
}

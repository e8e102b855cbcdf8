// Owns the error codes of assessment templates, attempts and results. Anything a caller may not see
// is "not found" with the same code as a thing that does not exist: another organisation's
// assessment, another candidate's attempt, a wrong attempt token.
import { AppError } from '@app/platform';

export const assessmentNotFound = () =>
  new AppError({ kind: 'not_found', code: 'assessment_not_found', detail: 'No such assessment.' });

export const attemptNotFound = () =>
  new AppError({ kind: 'not_found', code: 'attempt_not_found', detail: 'No such attempt.' });

export const questionNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'question_not_found',
    detail: 'No such question in this attempt.',
  });

export const jobNotFound = () =>
  new AppError({ kind: 'not_found', code: 'job_not_found', detail: 'No such job in this organisation.' });

export const assessmentArchived = () =>
  new AppError({
    kind: 'conflict',
    code: 'assessment_archived',
    detail: 'This assessment is archived; it can no longer be changed, published or taken.',
  });

export const assessmentNotPublished = () =>
  new AppError({
    kind: 'conflict',
    code: 'assessment_not_published',
    detail: 'This assessment is not published, so it cannot be taken.',
  });

export const assessmentEmpty = () =>
  new AppError({
    kind: 'conflict',
    code: 'assessment_empty',
    detail: 'An assessment needs at least one question before it is published.',
  });

export const quotaReached = (used: number, limit: number | null) =>
  new AppError({
    kind: 'conflict',
    code: 'ai_assessment_quota_reached',
    detail: `The organisation used ${used} of its ${limit ?? 'unlimited'} AI-generated assessments this billing period; upgrade the plan or wait for the next period.`,
  });

export const deadlinePassed = () =>
  new AppError({
    kind: 'conflict',
    code: 'attempt_deadline_passed',
    detail: 'The time for this attempt is up; answers can no longer be saved. Submit to see the result.',
  });

export const attemptSubmitted = () =>
  new AppError({
    kind: 'conflict',
    code: 'attempt_submitted',
    detail: 'This attempt has been submitted; its answers can no longer change.',
  });

export const attemptNotScored = () =>
  new AppError({
    kind: 'conflict',
    code: 'attempt_not_scored',
    detail: 'This attempt has not been scored yet; scores can be overridden once it is.',
  });

export const saveRateLimited = (retryAfterSeconds: number) =>
  new AppError({
    kind: 'rate_limited',
    code: 'attempt_rate_limited',
    detail: 'Too many answers saved per second for this attempt; slow down.',
    retryAfterSeconds,
  });

export const attemptCredentialsRequired = () =>
  new AppError({
    kind: 'unauthenticated',
    code: 'attempt_token_required',
    detail:
      'Send the attempt token from POST /assessment-invites/{token}/start in X-Attempt-Token, or sign in as the invited candidate.',
  });

export const invalidField = (code: string, path: string, message: string, detail?: string) =>
  new AppError({
    kind: 'invalid_input',
    code,
    detail: detail ?? `${path.replace(/^\/body\/?/, '') || 'body'}: ${message}.`,
    fields: [{ path, message }],
  });

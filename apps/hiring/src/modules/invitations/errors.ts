// Owns the error codes of assessment invitations. Anything a caller may not see is "not found" with
// the same code as a thing that does not exist (another organisation's invitation or assessment,
// an unknown token). A token that existed but can no longer be used is 410 with the reason.
import { AppError } from '@app/platform';

export const invitationNotFound = () =>
  new AppError({ kind: 'not_found', code: 'invitation_not_found', detail: 'No such invitation.' });

export const assessmentNotFound = () =>
  new AppError({ kind: 'not_found', code: 'assessment_not_found', detail: 'No such assessment.' });

export const assessmentNotPublished = () =>
  new AppError({
    kind: 'conflict',
    code: 'assessment_not_published',
    detail: 'Only a published assessment can be sent to candidates; publish it first.',
  });

export const invitationRevoked = () =>
  new AppError({
    kind: 'gone',
    code: 'invitation_revoked',
    detail: 'This invitation was withdrawn by the employer.',
  });

export const invitationExpired = () =>
  new AppError({
    kind: 'gone',
    code: 'invitation_expired',
    detail: 'This invitation has expired; ask the employer to send it again.',
  });

export const invitationUsed = () =>
  new AppError({
    kind: 'gone',
    code: 'invitation_used',
    detail: 'This invitation link has already been used to start the assessment.',
  });

export const invitationCompleted = () =>
  new AppError({
    kind: 'conflict',
    code: 'invitation_completed',
    detail: 'The candidate has completed every attempt this invitation allows.',
  });

export const invitationInProgress = () =>
  new AppError({
    kind: 'conflict',
    code: 'invitation_in_progress',
    detail: 'The candidate is taking the assessment now; resend once the attempt is scored.',
  });

export const resendLimited = (perHour: number, retryAfterSeconds: number) =>
  new AppError({
    kind: 'rate_limited',
    code: 'invitation_resend_limited',
    detail: `An invitation can be sent again ${perHour} times an hour; try again in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
  });

export const quotaReached = (used: number, limit: number | null, wanted: number) =>
  new AppError({
    kind: 'conflict',
    code: 'invitation_quota_reached',
    detail: `The plan allows ${limit} invitations per billing period and ${used} are used; ${wanted} more do not fit. Nothing was sent.`,
  });

export const invitationExists = (emails: string[]) =>
  new AppError({
    kind: 'conflict',
    code: 'invitation_exists',
    detail: `A live invitation to this assessment already exists for: ${emails.join(', ')}. Resend or revoke it instead. Nothing was sent.`,
    fields: emails.map((email) => ({ path: '/body/candidates', message: `already invited: ${email}` })),
  });

// Invalid input and an unknown paging cursor are answered as applications answer them.
export { cursorInvalid, invalidInput } from '../applications/errors.js';

// Owns the errors media answers with: uploads refused by size (413), by the sniffed kind's own cap,
// by the owner's daily quota (429 until the next UTC midnight), by the owner's uploads already in
// progress (429), or for an empty body (400); a signed
// download URL that is not ours or has expired (403 `media_url_invalid`, the same answer for both);
// objects that are not there or not the caller's (404, so other users' ids do not leak); and ids
// another module was handed that are not the caller's own undeleted media or are listed twice (400,
// naming the field or the item).
import { AppError, type MediaKind } from '@app/platform';

export const mediaNotFound = () =>
  new AppError({ kind: 'not_found', code: 'media_not_found', detail: 'No such media.' });

export const mediaUrlInvalid = () =>
  new AppError({
    kind: 'forbidden',
    code: 'media_url_invalid',
    detail: 'This media link is not valid or has expired; ask for a fresh one.',
  });

/** Over the sniffed kind's cap, or (kind null) over the largest cap of any kind. */
export const uploadTooLarge = (kind: MediaKind | null, maxBytes: number) =>
  new AppError({
    kind: 'payload_too_large',
    code: 'upload_too_large',
    detail: `The ${kind ?? 'upload'} is larger than the ${maxBytes} bytes allowed.`,
  });

export const uploadEmpty = () =>
  new AppError({ kind: 'invalid_input', code: 'upload_empty', detail: 'The upload has no bytes.' });

export const uploadQuotaExceeded = (resetsAt: Date, now: Date) =>
  new AppError({
    kind: 'rate_limited',
    code: 'media_daily_quota_exceeded',
    detail: `Your uploads for today are used up; the quota resets at ${resetsAt.toISOString()}.`,
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)),
  });

export const uploadsInProgress = (limit: number) =>
  new AppError({
    kind: 'rate_limited',
    code: 'media_uploads_in_progress',
    detail: `You already have ${limit} uploads in progress; wait for one to finish.`,
    retryAfterSeconds: 5,
  });

/** The same media id was handed twice (e.g. attached twice to one post). */
export const mediaIdRepeated = (path: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'media_id_repeated',
    detail: 'The same media is listed more than once.',
    fields: [{ path, message: 'already listed' }],
  });

/** Some ids handed to another module (a post's attachments, an avatar) are not the caller's own media. */
export const mediaNotFoundOrNotYours = (path: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'media_not_found_or_not_yours',
    detail: 'Some media are not yours, were deleted, do not exist or are of a kind not allowed here.',
    fields: [{ path, message: 'not your media of an allowed kind' }],
  });

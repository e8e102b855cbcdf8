// Owns the errors the creators module answers with. A creator (or user) the caller may not see, a
// block either way included, is the same 404 as one that does not exist, so nothing leaks.
import { AppError } from '@app/platform';

const invalid = (code: string, detail: string, path: string, message: string) =>
  new AppError({ kind: 'invalid_input', code, detail, fields: [{ path, message }] });

export const creatorNotFound = () =>
  new AppError({ kind: 'not_found', code: 'creator_not_found', detail: 'No such creator.' });
export const profileNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'creator_profile_not_found',
    detail: 'You have no creator profile yet: create one with PUT /creators/me.',
  });
export const fanProfileNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'fan_profile_not_found',
    detail: 'You have no fan profile yet: create one with PUT /fans/me.',
  });
export const creatorsOnly = () =>
  new AppError({
    kind: 'forbidden',
    code: 'creator_role_required',
    detail: 'Only creator accounts have a creator profile.',
  });
export const handleTaken = () =>
  new AppError({
    kind: 'conflict',
    code: 'handle_taken',
    detail: 'This handle is taken (handles are compared ignoring case).',
    fields: [{ path: '/body/handle', message: 'taken' }],
  });
export const handleReserved = () =>
  invalid('handle_reserved', 'This handle is reserved.', '/body/handle', 'reserved');
export const ageNotConfirmed = () =>
  invalid(
    'age_confirmation_required',
    'Creating a creator profile requires confirming you are 18 or older (confirmAge: true).',
    '/body/confirmAge',
    'must be true',
  );
export const termsNotAccepted = (version: string) =>
  invalid(
    'terms_not_accepted',
    `Creating a creator profile requires accepting the creator terms, version ${version} (acceptTerms: "${version}").`,
    '/body/acceptTerms',
    `must be "${version}"`,
  );
export const unknownLanguages = (indexes: number[]) =>
  new AppError({
    kind: 'invalid_input',
    code: 'language_invalid',
    detail: 'Languages are ISO 639-1 two-letter codes.',
    fields: indexes.map((index) => ({ path: `/body/languages/${index}`, message: 'not an ISO 639-1 code' })),
  });
export const followSelf = () =>
  invalid('follow_self', 'You cannot follow yourself.', '/params/handle', 'your own handle');
export const userProfileNotFound = () =>
  new AppError({ kind: 'not_found', code: 'user_profile_not_found', detail: 'No such user profile.' });

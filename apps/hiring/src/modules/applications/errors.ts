// Owns the error codes of job actions and the application pipeline. Anything a caller may not see
// is "not found" with the same code as a thing that does not exist, so a 404 never tells an outsider
// that a job's applications or someone's application exist.
import { AppError } from '@app/platform';

export const jobNotFound = () =>
  new AppError({ kind: 'not_found', code: 'job_not_found', detail: 'No such job.' });

export const applicationNotFound = () =>
  new AppError({ kind: 'not_found', code: 'application_not_found', detail: 'No such application.' });

export const jobNotOpen = () =>
  new AppError({ kind: 'conflict', code: 'job_not_open', detail: 'This job is not open for applications.' });

export const jobExternal = (jobId: string) =>
  new AppError({
    kind: 'conflict',
    code: 'job_external',
    detail: `This job was found on a public job board and takes applications on its own site: follow the "url" of GET /jobs/${jobId}.`,
  });

export const applicationWithdrawn = (action: 'moved' | 'reopened') =>
  new AppError({
    kind: 'conflict',
    code: 'application_withdrawn',
    detail:
      action === 'moved'
        ? 'The candidate withdrew this application; it stays in its last stage and cannot be moved.'
        : 'You withdrew your application to this job; a withdrawn application cannot be reopened.',
  });

export const applicationDecided = () =>
  new AppError({
    kind: 'conflict',
    code: 'application_decided',
    detail: 'This application has already been decided (hired or rejected); there is nothing to withdraw.',
  });

export const stageInUse = (keys: string[]) =>
  new AppError({
    kind: 'conflict',
    code: 'stage_in_use',
    detail: `Stages with applications in them cannot be removed; move those applications first: ${keys.join(', ')}.`,
  });

export const invalidInput = (code: string, detail: string, path: string, message: string) =>
  new AppError({ kind: 'invalid_input', code, detail, fields: [{ path, message }] });

export const cursorInvalid = () =>
  invalidInput(
    'cursor_invalid',
    'The cursor is not one this API issued.',
    '/querystring/cursor',
    'unknown cursor',
  );

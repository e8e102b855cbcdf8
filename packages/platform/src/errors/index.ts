// Public surface of the error capability.

export type { AppErrorOptions, ErrorKind, FieldProblem } from './app-error.js';
export { AppError, isAppError } from './app-error.js';
export { statusForKind, titleForKind } from './http-mapping.js';

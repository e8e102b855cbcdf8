// Public surface of the error capability.
export { AppError, isAppError } from './app-error.js';
export type { AppErrorOptions, ErrorKind, FieldProblem } from './app-error.js';
export { statusForKind, titleForKind } from './http-mapping.js';

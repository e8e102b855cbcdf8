// Public surface of the error capability.

export type { AppErrorOptions, ErrorKind, FieldProblem } from './app-error.js';
export {
  AppError,
  DEPENDENCY_RETRY_AFTER_SECONDS,
  dependencyUnavailable,
  isAppError,
} from './app-error.js';
export { statusForKind, titleForKind } from './http-mapping.js';

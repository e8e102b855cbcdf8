// Public surface of logging: the logger factory, the request context that stamps request ids on
// log lines, the access line written once per request, and the redaction every line passes through
// (for other sinks that must not leak).
export { type AccessLog, type AccessLogEntry, createAccessLog } from './access-log.js';
export { createLogger, type Logger, type LoggerOptions, type StdoutMode, stdoutModeFor } from './logger.js';
export { redact } from './redaction.js';
export { currentRequestContext, type RequestContext, runWithRequestContext } from './request-context.js';

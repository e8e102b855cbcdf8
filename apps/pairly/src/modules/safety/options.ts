// Owns the safety module's settings and their defaults: when reports against one sender restrict
// them from messaging pending review (how many reporters, within what window, how old their accounts
// must be), and how much of a conversation a report keeps as context.
export interface SafetyOptions {
  /**
   * Distinct reporters whose reports against one sender, within `reportWindowMs`, restrict the sender
   * from messaging pending review. Distinct, so no single user can restrict anyone alone.
   */
  autoRestrictAfterReports: number;
  reportWindowMs: number;
  /**
   * Only reporters whose accounts were at least this old when they reported count toward
   * `autoRestrictAfterReports` (throwaway accounts cannot silence anyone); newer reporters' reports
   * still reach the moderation queue. In ms; 0 counts everyone.
   */
  minReporterAccountAgeMs: number;
  /** Messages before the reported one kept in the report's snapshot, for context. */
  snapshotContextMessages: number;
}

export const DEFAULT_SAFETY_OPTIONS: SafetyOptions = {
  autoRestrictAfterReports: 3,
  reportWindowMs: 24 * 60 * 60 * 1000,
  minReporterAccountAgeMs: 24 * 60 * 60 * 1000,
  snapshotContextMessages: 5,
};

/** The app's safety options with defaults filled in; a bad value stops the app from starting. */
export function safetyOptions(options: Partial<SafetyOptions> = {}): SafetyOptions {
  const resolved = { ...DEFAULT_SAFETY_OPTIONS, ...options };
  const positive = (value: number, minimum: number) => Number.isSafeInteger(value) && value >= minimum;
  if (!positive(resolved.autoRestrictAfterReports, 2)) {
    throw new Error('safety: autoRestrictAfterReports must be a whole number of at least 2 reporters');
  }
  if (!positive(resolved.reportWindowMs, 1)) {
    throw new Error('safety: reportWindowMs must be a positive whole number of milliseconds');
  }
  if (!positive(resolved.minReporterAccountAgeMs, 0)) {
    throw new Error('safety: minReporterAccountAgeMs must be a whole number of milliseconds, 0 or more');
  }
  if (!positive(resolved.snapshotContextMessages, 0) || resolved.snapshotContextMessages > 50) {
    throw new Error('safety: snapshotContextMessages must be a whole number from 0 to 50');
  }
  return resolved;
}

// Owns the safety module's settings and their defaults (the safety helper fills this in).
export interface SafetyOptions {
  /** Reports against one sender within `reportWindowMs` that restrict them from messaging pending review. */
  autoRestrictAfterReports: number;
  reportWindowMs: number;
}

export const DEFAULT_SAFETY_OPTIONS: SafetyOptions = {
  autoRestrictAfterReports: 3,
  reportWindowMs: 24 * 60 * 60 * 1000,
};

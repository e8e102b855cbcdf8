// Owns the invitations' configuration, read from the app's environment (docs/assessments.md,
// "Invitations"): PUBLIC_APP_URL, the base of the links mailed to candidates (https, or http only to
// 127.0.0.1, ::1 or localhost; default http://127.0.0.1:3001), and INVITATION_RESENDS_PER_HOUR, how
// many times one invitation may be re-sent in any rolling hour (default 3). A malformed value stops
// the app at start-up with a message naming it.
import type { PlatformConfig } from '@app/platform';

export const INVITATION_SETTINGS = ['PUBLIC_APP_URL', 'INVITATION_RESENDS_PER_HOUR'] as const;

export interface InvitationSettings {
  /** No trailing slash: links are `${publicAppUrl}/assessments/invite/<token>`. */
  publicAppUrl: string;
  resendsPerHour: number;
}

const DEFAULT_PUBLIC_APP_URL = 'http://127.0.0.1:3001';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function readInvitationSettings(config: Pick<PlatformConfig, 'settings'>): InvitationSettings {
  const problems: string[] = [];
  const given = config.settings.PUBLIC_APP_URL ?? DEFAULT_PUBLIC_APP_URL;
  const url = URL.canParse(given) ? new URL(given) : null;
  // The link carries a secret token: in clear text only to this machine.
  const loopback = url !== null && LOOPBACK_HOSTS.has(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    problems.push('PUBLIC_APP_URL must be an https URL (http only to 127.0.0.1, ::1 or localhost)');
  } else if (url.search || url.hash || url.username || url.password) {
    problems.push(
      'PUBLIC_APP_URL must be a base URL like https://app.example.com, without query or credentials',
    );
  }
  const resends = Number(config.settings.INVITATION_RESENDS_PER_HOUR ?? 3);
  if (!Number.isInteger(resends) || resends < 1 || resends > 100) {
    problems.push('INVITATION_RESENDS_PER_HOUR must be a whole number from 1 to 100');
  }
  if (problems.length > 0 || !url) throw new Error(`invitation settings: ${problems.join('; ')}`);
  return { publicAppUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, resendsPerHour: resends };
}

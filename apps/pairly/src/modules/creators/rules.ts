// Owns the fixed rules of creator profiles: the categories a creator may list under, the languages
// (ISO 639-1 codes), the handles nobody may take, the terms version a new creator must accept, and
// the price bounds (whole credits). Changing TERMS_VERSION makes new profiles accept the new terms;
// existing profiles keep the version they accepted.

export const TERMS_VERSION = '2026-01';

export const CATEGORIES = [
  'fitness',
  'music',
  'gaming',
  'art',
  'cooking',
  'education',
  'comedy',
  'lifestyle',
  'fashion',
  'tech',
  'travel',
  'wellness',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const MAX_CATEGORIES = 5;
export const MAX_LANGUAGES = 10;

/** Bounds of the three prices (credits): per message, per call minute, per month of subscription. */
export const PRICE_LIMITS = {
  message: { min: 0, max: 10_000 },
  callMinute: { min: 0, max: 10_000 },
  subscription: { min: 1, max: 100_000 },
} as const;

/** 3-30 letters, digits, `_` or `.`; stored as typed, unique whatever the case. */
export const HANDLE_PATTERN = '^[A-Za-z0-9_.]{3,30}$';

/** Handles that would pass for the platform, its staff or its routes (compared in lower case). */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'api',
  'creators',
  'fans',
  'help',
  'me',
  'mod',
  'moderator',
  'null',
  'official',
  'pairly',
  'root',
  'security',
  'staff',
  'support',
  'system',
  'undefined',
]);

/** Every ISO 639-1 two-letter language code. */
export const LANGUAGES: ReadonlySet<string> = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ' +
    'ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ' +
    'ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi ' +
    'mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw ' +
    'sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ' +
    'ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

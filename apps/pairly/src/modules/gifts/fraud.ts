// Owns the rules a gift is judged by before any money moves, as pure functions of facts the service
// gathers under the sender's lock: the daily amount and count limits (a 429 until the next UTC
// midnight) and the fraud rules (sender account age, velocity, many recipients in a short time,
// recipient linked to the sender by device or address). Each fraud rule that fires has a configured
// outcome: `allow` (the rule is off), `review` (the gift is held for staff) or `refuse` (403, no
// money moves). The strictest outcome of all rules that fired decides; every finding is kept for
// staff, never shown to the sender.

export type RuleOutcome = 'allow' | 'review' | 'refuse';

export type GiftRule =
  | 'daily_amount'
  | 'daily_count'
  | 'account_age'
  | 'velocity'
  | 'recipient_spread'
  | 'linked_device'
  | 'linked_address';

export interface GiftRules {
  /** Credits one sender may give per UTC day (delivered and held gifts count, rejected ones do not). */
  dailyAmount: number;
  /** Gifts one sender may give per UTC day (same counting). */
  dailyCount: number;
  /** A sender whose account is younger than this many hours. */
  accountAge: { minHours: number; outcome: RuleOutcome };
  /** A sender who already gave `maxGifts` gifts in the last `windowMinutes` (any status). */
  velocity: { maxGifts: number; windowMinutes: number; outcome: RuleOutcome };
  /** A sender whose gifts of the last `windowMinutes`, this one included, reach more than `maxRecipients` people. */
  recipientSpread: { maxRecipients: number; windowMinutes: number; outcome: RuleOutcome };
  /**
   * Sender and recipient have sessions (of the last `lookbackDays`) from the same address and
   * browser (`sameDevice`) or only the same address (`sameAddress`, e.g. one household or one NAT).
   */
  linked: { lookbackDays: number; sameDevice: RuleOutcome; sameAddress: RuleOutcome };
}

export const DEFAULT_GIFT_RULES: GiftRules = {
  dailyAmount: 5_000,
  dailyCount: 20,
  accountAge: { minHours: 24, outcome: 'review' },
  velocity: { maxGifts: 5, windowMinutes: 10, outcome: 'refuse' },
  recipientSpread: { maxRecipients: 5, windowMinutes: 60, outcome: 'review' },
  // Both linked rules hold for review: a refusal only for a shared browser would tell a stranger
  // probing from an address that the recipient used that browser there (docs/credits.md, "Gifts").
  linked: { lookbackDays: 30, sameDevice: 'review', sameAddress: 'review' },
};

/** Rules as options: any rule, or any field of one, may be given; the rest keep their defaults. */
export type GiftRulesOptions = {
  [K in keyof GiftRules]?: GiftRules[K] extends object ? Partial<GiftRules[K]> : GiftRules[K];
};

export function giftRules(options: GiftRulesOptions = {}): GiftRules {
  const d = DEFAULT_GIFT_RULES;
  return {
    dailyAmount: options.dailyAmount ?? d.dailyAmount,
    dailyCount: options.dailyCount ?? d.dailyCount,
    accountAge: { ...d.accountAge, ...options.accountAge },
    velocity: { ...d.velocity, ...options.velocity },
    recipientSpread: { ...d.recipientSpread, ...options.recipientSpread },
    linked: { ...d.linked, ...options.linked },
  };
}

/** What the service knows about a gift and its sender when judging it. */
export interface GiftFacts {
  now: Date;
  amount: number;
  senderCreatedAt: Date;
  /** The sender's gifts since the last UTC midnight, rejected ones left out. */
  today: { amount: number; count: number };
  /** The sender's gifts in the velocity window, before this one. */
  recentGifts: number;
  /** Distinct recipients of the sender's gifts in the spread window, this gift's recipient included. */
  recentRecipients: number;
  linked: { device: boolean; address: boolean };
}

export interface Finding {
  rule: GiftRule;
  outcome: Exclude<RuleOutcome, 'allow'>;
  detail: string;
}

export interface Verdict {
  outcome: RuleOutcome;
  findings: Finding[];
}

/** The next UTC midnight after `now`: when the daily limits start again. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** The daily limit this gift would exceed, or null. */
export function dailyLimitReached(facts: GiftFacts, rules: GiftRules): Finding | null {
  if (facts.today.count + 1 > rules.dailyCount) {
    return {
      rule: 'daily_count',
      outcome: 'refuse',
      detail: `At most ${rules.dailyCount} gifts a day; ${facts.today.count} already given today.`,
    };
  }
  if (facts.today.amount + facts.amount > rules.dailyAmount) {
    return {
      rule: 'daily_amount',
      outcome: 'refuse',
      detail: `At most ${rules.dailyAmount} credits a day in gifts; ${facts.today.amount} already given today.`,
    };
  }
  return null;
}

const SEVERITY: Record<RuleOutcome, number> = { allow: 0, review: 1, refuse: 2 };

/** Judges a gift by every fraud rule; the strictest outcome of the rules that fired decides. */
export function judgeGift(facts: GiftFacts, rules: GiftRules): Verdict {
  const ageHours = (facts.now.getTime() - facts.senderCreatedAt.getTime()) / 3_600_000;
  const checks: Array<[GiftRule, RuleOutcome, boolean, string]> = [
    [
      'account_age',
      rules.accountAge.outcome,
      ageHours < rules.accountAge.minHours,
      `The sender's account is younger than ${rules.accountAge.minHours} hours.`,
    ],
    [
      'velocity',
      rules.velocity.outcome,
      facts.recentGifts >= rules.velocity.maxGifts,
      `More than ${rules.velocity.maxGifts} gifts in ${rules.velocity.windowMinutes} minutes.`,
    ],
    [
      'recipient_spread',
      rules.recipientSpread.outcome,
      facts.recentRecipients > rules.recipientSpread.maxRecipients,
      `Gifts to more than ${rules.recipientSpread.maxRecipients} people in ${rules.recipientSpread.windowMinutes} minutes.`,
    ],
    [
      'linked_device',
      rules.linked.sameDevice,
      facts.linked.device,
      'Sender and recipient signed in from the same address and browser.',
    ],
    [
      'linked_address',
      rules.linked.sameAddress,
      facts.linked.address,
      'Sender and recipient signed in from the same address.',
    ],
  ];
  const findings: Finding[] = checks
    .filter(([, outcome, fired]) => fired && outcome !== 'allow')
    .map(([rule, outcome, , detail]) => ({ rule, outcome: outcome as Finding['outcome'], detail }));
  const outcome = findings.reduce<RuleOutcome>(
    (worst, finding) => (SEVERITY[finding.outcome] > SEVERITY[worst] ? finding.outcome : worst),
    'allow',
  );
  return { outcome, findings };
}

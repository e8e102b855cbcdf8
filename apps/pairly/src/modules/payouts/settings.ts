// Owns creator payouts' configuration (docs/payments.md, "Payouts"), read from the app's environment:
// PAYOUT_MINIMUM_CREDITS (smallest request, default 1000), PAYOUT_PROVIDER (manual | stripe |
// razorpay, default manual: finance pays by hand and confirms), PAYOUT_RATES (what one credit is
// worth per payout currency, in that currency's minor units, e.g. "USD:1,INR:80"; whole numbers
// only; default "USD:1", "INR:1" with razorpay), RAZORPAYX_ACCOUNT_NUMBER (the RazorpayX account payouts are made from;
// required with PAYOUT_PROVIDER=razorpay) and PAYOUT_RAZORPAY_MODE (IMPS | NEFT | RTGS | UPI,
// default IMPS). Provider keys are purchases' (STRIPE_SECRET_KEY, RAZORPAY_KEY_ID/SECRET): the SDK
// clients come from context.payments.clients. A malformed value refuses start-up, naming it.
import type { PlatformConfig } from '@app/platform';
import type { PayoutProviderName } from './tables.js';

export const PAYOUT_SECRETS = [] as const;
export const PAYOUT_SETTINGS = [
  'PAYOUT_MINIMUM_CREDITS',
  'PAYOUT_PROVIDER',
  'PAYOUT_RATES',
  'PAYOUT_RAZORPAY_MODE',
  'RAZORPAYX_ACCOUNT_NUMBER',
] as const;

export type RazorpayPayoutMode = 'IMPS' | 'NEFT' | 'RTGS' | 'UPI';

export interface PayoutSettings {
  minimumCredits: number;
  provider: PayoutProviderName;
  /** Minor units of each currency one credit pays out; the currencies a payout may be requested in. */
  rates: Record<string, number>;
  razorpayxAccountNumber: string | null;
  razorpayMode: RazorpayPayoutMode;
}

const PROVIDERS: readonly PayoutProviderName[] = ['manual', 'stripe', 'razorpay'];
const MODES: readonly RazorpayPayoutMode[] = ['IMPS', 'NEFT', 'RTGS', 'UPI'];
const MAX_RATE = 1_000_000;

/** Reads the settings; throws an Error naming every malformed value (the app refuses to start). */
export function readPayoutSettings(settings: PlatformConfig['settings']): PayoutSettings {
  const problems: string[] = [];
  const minimumText = settings.PAYOUT_MINIMUM_CREDITS ?? '1000';
  const minimumCredits = /^[0-9]{1,12}$/.test(minimumText) ? Number(minimumText) : Number.NaN;
  if (!Number.isSafeInteger(minimumCredits) || minimumCredits < 1) {
    problems.push('PAYOUT_MINIMUM_CREDITS must be a whole number of credits of at least 1');
  }
  const provider = (settings.PAYOUT_PROVIDER ?? 'manual') as PayoutProviderName;
  if (!PROVIDERS.includes(provider)) problems.push('PAYOUT_PROVIDER must be one of manual, stripe, razorpay');
  const rates: Record<string, number> = {};
  for (const entry of (settings.PAYOUT_RATES ?? (provider === 'razorpay' ? 'INR:1' : 'USD:1'))
    .split(',')
    .map((item) => item.trim())) {
    const match = /^([A-Z]{3}):([0-9]{1,7})$/.exec(entry);
    const rate = match ? Number(match[2]) : 0;
    if (!match || rate < 1 || rate > MAX_RATE || (match[1] as string) in rates) {
      problems.push(
        `PAYOUT_RATES entry ${JSON.stringify(entry)} must be CURRENCY:MINOR_UNITS_PER_CREDIT (e.g. USD:1), a whole number from 1 to ${MAX_RATE}, each currency once`,
      );
      continue;
    }
    rates[match[1] as string] = rate;
  }
  const razorpayxAccountNumber = settings.RAZORPAYX_ACCOUNT_NUMBER ?? null;
  if (razorpayxAccountNumber !== null && !/^[0-9]{6,24}$/.test(razorpayxAccountNumber)) {
    problems.push('RAZORPAYX_ACCOUNT_NUMBER must be the RazorpayX account number (6 to 24 digits)');
  }
  if (provider === 'razorpay' && razorpayxAccountNumber === null) {
    problems.push('RAZORPAYX_ACCOUNT_NUMBER is required when PAYOUT_PROVIDER is razorpay');
  }
  if (provider === 'razorpay' && Object.keys(rates).some((currency) => currency !== 'INR')) {
    problems.push('PAYOUT_RATES may list only INR when PAYOUT_PROVIDER is razorpay (RazorpayX pays out INR)');
  }
  const razorpayMode = (settings.PAYOUT_RAZORPAY_MODE ?? 'IMPS') as RazorpayPayoutMode;
  if (!MODES.includes(razorpayMode))
    problems.push('PAYOUT_RAZORPAY_MODE must be one of IMPS, NEFT, RTGS, UPI');
  if (problems.length > 0) throw new Error(`payout settings: ${problems.join('; ')}`);
  return { minimumCredits, provider, rates, razorpayxAccountNumber, razorpayMode };
}

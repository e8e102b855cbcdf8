// Owns promo codes: finance and admins create, list and disable them (each change audited), and a
// user redeems one. A code's budget (amount × maxRedemptions) is capped by `maxBudgetPerCode`, so
// managing codes cannot mint unbounded credits; its dates must be storable (years 1970-9999).
// A redemption is one keyed credits operation (at most once per Idempotency-Key) and one
// transaction: it takes a slot of the code's total cap, counts the user's redemption under
// the per-user cap, checks "new users only", posts the grant from the promotions account (a lot
// when the code's credits expire) and writes the audit row; any refusal rolls all of it back.
import {
  type Clock,
  type Database,
  type IdentitySchema,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { type PairlyDb, type PairlySchema, pairlyDb } from '../../db.js';
import type { PairlyAppOptions, PairlyContext } from '../context.js';
import { postLegs, SYSTEM_ACCOUNTS } from '../credits/ledger.js';
import { instantAt, optionalInstantAt } from '../instants.js';
import {
  budgetExceeded,
  codeDisabled,
  codeExhausted,
  codeExpired,
  codeNotFound,
  codeNotStarted,
  codeTaken,
  invalidField,
  newUsersOnly,
  userLimitReached,
} from './errors.js';
import {
  type CodeRow,
  type CodeRowWithCounts,
  createPromotionRepository,
  decodeCursor,
  encodeCursor,
} from './repository.js';
import type { CodeListInput, CodeView, CreateCodeInput, Redemption } from './schemas.js';

const DAY_MS = 86_400_000;

export interface PromotionOptions {
  /** The most credits one code may grant in all: amount × maxRedemptions. */
  maxBudgetPerCode: number;
}

export const DEFAULT_PROMOTION_OPTIONS: PromotionOptions = { maxBudgetPerCode: 10_000_000 };

/** The app's promotion options with defaults filled in; a bad value stops the app from starting. */
export function promotionOptions(options: PairlyAppOptions['promotions'] = {}): PromotionOptions {
  const resolved = { ...DEFAULT_PROMOTION_OPTIONS, ...options };
  if (!Number.isSafeInteger(resolved.maxBudgetPerCode) || resolved.maxBudgetPerCode < 1) {
    throw new Error('promotions: maxBudgetPerCode must be a positive whole number of credits');
  }
  return resolved;
}

/** Who acts, and from where (for the audit log). */
export interface Actor {
  userId: string;
  origin: RequestOrigin;
}

function statusOf(row: CodeRow, now: Date): CodeView['status'] {
  if (row.disabled_at) return 'disabled';
  if (now < row.starts_at) return 'scheduled';
  if (now >= row.ends_at) return 'ended';
  return row.redeemed >= row.max_redemptions ? 'exhausted' : 'active';
}

function toView(row: CodeRowWithCounts, now: Date): CodeView {
  return {
    id: row.id,
    code: row.code,
    campaign: row.campaign,
    amount: row.amount,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    maxRedemptions: row.max_redemptions,
    perUserLimit: row.per_user_limit,
    newUsersOnly: row.new_users_only,
    creditExpiryDays: row.credit_expiry_days,
    status: statusOf(row, now),
    redemptions: row.redeemed,
    remaining: row.max_redemptions - row.redeemed,
    redeemers: row.redeemers,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** Why a code that exists could not give a slot at `now`. */
function refusalFor(row: CodeRow, now: Date) {
  const status = statusOf(row, now);
  if (status === 'disabled') return codeDisabled();
  if (status === 'scheduled') return codeNotStarted();
  if (status === 'ended') return codeExpired();
  return codeExhausted();
}

interface AuditFields {
  action: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

/** One audit row about a code, written in the transaction of the change it records. */
const audit = (trx: Transaction<PairlySchema>, clock: Clock, actor: Actor, entry: AuditFields) =>
  recordAudit(trx as unknown as Transaction<IdentitySchema>, clock, actor.origin, {
    actorId: actor.userId,
    targetType: 'promo_code',
    ...entry,
  });

export function createPromotionService(
  context: Pick<PairlyContext, 'db' | 'clock' | 'credits'>,
  { maxBudgetPerCode }: PromotionOptions,
) {
  const database = context.db as Database<PairlySchema>;
  const db: PairlyDb = pairlyDb(context.db);
  const { clock, credits } = context;
  const codes = createPromotionRepository(db);

  async function get(codeId: string): Promise<CodeView> {
    const row = await codes.findById(codeId);
    if (!row) throw codeNotFound();
    return toView(row, clock.now());
  }

  return {
    get,

    async create(actor: Actor, input: CreateCodeInput): Promise<CodeView> {
      const now = clock.now();
      const startsAt = optionalInstantAt(input.startsAt, '/body/startsAt') ?? now;
      const endsAt = instantAt(input.endsAt, '/body/endsAt');
      const budget = input.amount * input.maxRedemptions;
      if (budget > maxBudgetPerCode) throw budgetExceeded(budget, maxBudgetPerCode);
      if (endsAt <= startsAt) {
        throw invalidField('promo_window_invalid', '/body/endsAt', 'endsAt must be after startsAt.');
      }
      if (endsAt <= now) {
        throw invalidField('promo_window_invalid', '/body/endsAt', 'endsAt must be in the future.');
      }
      const id = await withTransaction(database, async (trx) => {
        const row = await codes.insert(trx, {
          id: crypto.randomUUID(),
          code: input.code.toUpperCase(),
          campaign: input.campaign,
          amount: input.amount,
          starts_at: startsAt,
          ends_at: endsAt,
          max_redemptions: input.maxRedemptions,
          per_user_limit: input.perUserLimit ?? 1,
          new_users_only: input.newUsersOnly ?? false,
          credit_expiry_days: input.creditExpiryDays ?? null,
          redeemed: 0,
          disabled_at: null,
          disabled_by: null,
          created_by: actor.userId,
          created_at: now,
        });
        if (!row) throw codeTaken();
        await audit(trx, clock, actor, {
          action: 'promotions.code_created',
          targetId: row.id,
          after: { ...toView({ ...row, redeemers: 0 }, now), budget, maxBudgetPerCode },
        });
        return row.id;
      });
      return get(id);
    },

    async list(query: CodeListInput): Promise<{ items: CodeView[]; nextCursor: string | null }> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && !after) {
        throw invalidField('cursor_invalid', '/querystring/cursor', 'The cursor is not one this API issued.');
      }
      const limit = query.limit ?? 50;
      const rows = await codes.list({
        limit,
        ...(query.campaign !== undefined && { campaign: query.campaign }),
        ...(after && { after }),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const now = clock.now();
      return {
        items: page.map((row) => toView(row, now)),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },

    /** Disables the code for good; disabling a disabled code changes (and audits) nothing. */
    async disable(actor: Actor, codeId: string): Promise<CodeView> {
      const now = clock.now();
      await withTransaction(database, async (trx) => {
        const before = await codes.findById(codeId, trx);
        if (!before) throw codeNotFound();
        if (!(await codes.disable(trx, codeId, actor.userId, now))) return;
        await audit(trx, clock, actor, {
          action: 'promotions.code_disabled',
          targetId: codeId,
          before: { status: statusOf(before, now), redemptions: before.redeemed },
          after: { status: 'disabled', disabledAt: now.toISOString() },
        });
      });
      return get(codeId);
    },

    /** Redeems the code for the user, once per Idempotency-Key (a replay returns the first result). */
    async redeem(actor: Actor, idempotencyKey: string, text: string) {
      const code = text.toUpperCase();
      // Opened outside the transaction: PGlite is one session, and the operation's transaction holds it.
      const spendable = await credits.accountOf(actor.userId, 'spendable');
      return credits.operations.run<Redemption>(
        { scope: actor.userId, key: idempotencyKey, operation: 'promo_redeem', params: { code } },
        async (trx, operationId) => {
          const now = clock.now();
          const row = await codes.takeSlot(trx, code, now);
          if (!row) {
            const existing = await codes.findByCode(trx, code);
            throw existing ? refusalFor(existing, now) : codeNotFound();
          }
          if (!(await codes.countUserRedemption(trx, row, actor.userId, now))) throw userLimitReached();
          const firstOfCampaign = await codes.firstCodeOfCampaign(trx, row, actor.userId, now);
          if (row.new_users_only) {
            const createdAt = await codes.accountCreatedAt(trx, actor.userId);
            if (firstOfCampaign !== row.id || !createdAt || createdAt < row.starts_at) throw newUsersOnly();
          }
          const expiresAt = row.credit_expiry_days
            ? new Date(now.getTime() + row.credit_expiry_days * DAY_MS)
            : undefined;
          const [transfer] = await postLegs(
            trx,
            [
              {
                debit: SYSTEM_ACCOUNTS.promotions,
                credit: spendable,
                amount: row.amount,
                kind: 'promotion',
                memo: { codeId: row.id, campaign: row.campaign },
                ...(expiresAt && { expiresAt }),
              },
            ],
            operationId,
            now,
          );
          if (!transfer) throw new Error('promotion grant posted no transfer');
          const body: Redemption = {
            operationId,
            codeId: row.id,
            code: row.code,
            campaign: row.campaign,
            amount: row.amount,
            creditsExpireAt: expiresAt?.toISOString() ?? null,
            transferId: transfer.id,
            balanceAfter: transfer.creditBalanceAfter,
            redeemedAt: now.toISOString(),
          };
          await audit(trx, clock, actor, {
            action: 'promotions.code_redeemed',
            targetId: row.id,
            after: { amount: row.amount, transferId: transfer.id, operationId },
          });
          return { status: 201, body };
        },
      );
    },
  };
}

export type PromotionService = ReturnType<typeof createPromotionService>;

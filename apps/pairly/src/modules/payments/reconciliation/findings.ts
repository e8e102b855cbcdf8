// Owns reconciliation's records: runs (who or what started one, the period, the counts) and findings,
// one per (provider, kind, provider object) so a rerun updates the row it found before instead of
// adding one. A finding a run repaired itself is `repaired`; the rest are `open` until finance
// resolves them, once (a conditional update from open; 409 otherwise), audited in the same transaction.
import { randomUUID } from 'node:crypto';
import {
  AppError,
  type Clock,
  type Database,
  identityTrx,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { Selectable } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import type { PaymentProvider } from '../event-router.js';
import { afterCursor, decodeCursor, PAGE_DEFAULT, pageOf } from '../paging.js';
import type { FindingKind, FindingResolution, FindingStatus, ReversalTables } from '../reversal-tables.js';

type FindingRow = Selectable<ReversalTables['payment_reconciliation_findings']>;
type RunRow = Selectable<ReversalTables['payment_reconciliation_runs']>;

export interface Finding {
  id: string;
  provider: PaymentProvider;
  kind: FindingKind;
  providerObjectId: string;
  orderId: string | null;
  status: FindingStatus;
  detail: Record<string, unknown>;
  firstRunId: string;
  lastRunId: string;
  resolution: FindingResolution | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Run {
  id: string;
  trigger: 'schedule' | 'finance';
  requestedBy: string | null;
  from: string;
  to: string;
  providers: PaymentProvider[];
  status: 'running' | 'completed' | 'failed';
  matched: number;
  repaired: number;
  open: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface NewFinding {
  provider: PaymentProvider;
  kind: FindingKind;
  providerObjectId: string;
  orderId: string | null;
  status: 'open' | 'repaired';
  detail: Record<string, unknown>;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

const presentFinding = (row: FindingRow): Finding => ({
  id: row.id,
  provider: row.provider,
  kind: row.kind,
  providerObjectId: row.provider_object_id,
  orderId: row.order_id,
  status: row.status,
  detail: json(row.detail),
  firstRunId: row.first_run_id,
  lastRunId: row.last_run_id,
  resolution: row.resolution,
  note: row.note,
  resolvedBy: row.resolved_by,
  resolvedAt: iso(row.resolved_at),
  createdAt: iso(row.created_at) as string,
  updatedAt: iso(row.updated_at) as string,
});

const presentRun = (row: RunRow): Run => ({
  id: row.id,
  trigger: row.trigger,
  requestedBy: row.requested_by,
  from: iso(row.period_from) as string,
  to: iso(row.period_to) as string,
  providers: json(row.providers),
  status: row.status,
  matched: Number(row.matched),
  repaired: Number(row.repaired),
  open: Number(row.open),
  error: row.error,
  startedAt: iso(row.started_at) as string,
  finishedAt: iso(row.finished_at),
});

const findingNotFound = () =>
  new AppError({ kind: 'not_found', code: 'finding_not_found', detail: 'No such reconciliation finding.' });
const ownOrder = () =>
  new AppError({
    kind: 'forbidden',
    code: 'own_account',
    detail: 'Staff cannot resolve a finding about their own order; another finance member must.',
  });
const findingNotOpen = (status: string) =>
  new AppError({
    kind: 'conflict',
    code: 'finding_not_open',
    detail: `This finding is ${status}: only an open finding can be resolved.`,
  });

export function createFindingStore(db: Database, clock: Clock) {
  const pairly = db as unknown as Database<PairlySchema>;
  const kysely = pairly.kysely;

  return {
    async startRun(input: {
      trigger: 'schedule' | 'finance';
      requestedBy: string | null;
      from: Date;
      to: Date;
      providers: PaymentProvider[];
    }): Promise<string> {
      const id = randomUUID();
      await kysely
        .insertInto('payment_reconciliation_runs')
        .values({
          id,
          trigger: input.trigger,
          requested_by: input.requestedBy,
          period_from: input.from,
          period_to: input.to,
          providers: JSON.stringify(input.providers),
          status: 'running',
          error: null,
          started_at: clock.now(),
          finished_at: null,
        })
        .execute();
      return id;
    },

    async finishRun(
      id: string,
      outcome: {
        status: 'completed' | 'failed';
        matched: number;
        repaired: number;
        open: number;
        error?: string;
      },
    ): Promise<Run> {
      const row = await kysely
        .updateTable('payment_reconciliation_runs')
        .set({
          status: outcome.status,
          matched: outcome.matched,
          repaired: outcome.repaired,
          open: outcome.open,
          error: outcome.error?.slice(0, 1000) ?? null,
          finished_at: clock.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return presentRun(row);
    },

    /**
     * Records a finding once per (provider, kind, object): a new one as given; one already there
     * and still open is marked seen by this run; a repaired or resolved one stays as it is.
     * Answers the finding's status after the call, or null for one already repaired or resolved.
     */
    async record(runId: string, finding: NewFinding): Promise<FindingStatus | null> {
      const now = clock.now();
      const row = await kysely
        .insertInto('payment_reconciliation_findings')
        .values({
          id: randomUUID(),
          provider: finding.provider,
          kind: finding.kind,
          provider_object_id: finding.providerObjectId,
          order_id: finding.orderId,
          status: finding.status,
          detail: JSON.stringify(finding.detail),
          first_run_id: runId,
          last_run_id: runId,
          resolution: null,
          note: null,
          resolved_by: null,
          resolved_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['provider', 'kind', 'provider_object_id'])
            .doUpdateSet((eb) => ({
              last_run_id: eb.ref('excluded.last_run_id'),
              detail: eb.ref('excluded.detail'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where('payment_reconciliation_findings.status', '=', 'open'),
        )
        .returning('status')
        .executeTakeFirst();
      // No row: it was there already, repaired or resolved, and stays as it was.
      return row?.status ?? null;
    },

    async runFindings(runId: string): Promise<Finding[]> {
      const rows = await kysely
        .selectFrom('payment_reconciliation_findings')
        .selectAll()
        .where('last_run_id', '=', runId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(500)
        .execute();
      return rows.map(presentFinding);
    },

    async list(query: { status?: FindingStatus; cursor?: string; limit?: number }) {
      const after = decodeCursor(query.cursor, '/querystring/cursor');
      const limit = query.limit ?? PAGE_DEFAULT;
      let select = kysely
        .selectFrom('payment_reconciliation_findings')
        .selectAll()
        .where('status', '=', query.status ?? 'open')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after) select = select.where((eb) => afterCursor(eb, after, 'created_at', 'id'));
      return pageOf(await select.execute(), limit, presentFinding);
    },

    async recentRuns(limit = 20): Promise<Run[]> {
      const rows = await kysely
        .selectFrom('payment_reconciliation_runs')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(presentRun);
    },

    async resolve(
      staffId: string,
      findingId: string,
      input: { resolution: FindingResolution; note: string },
      origin: RequestOrigin,
    ): Promise<Finding> {
      return withTransaction(pairly, async (trx) => {
        const current = await trx
          .selectFrom('payment_reconciliation_findings as f')
          .leftJoin('payment_orders as o', 'o.id', 'f.order_id')
          .select(['f.status', 'o.user_id as orderUserId'])
          .where('f.id', '=', findingId)
          .executeTakeFirst();
        if (!current) throw findingNotFound();
        // As with reviews and order reviews: nobody settles what concerns their own purchase.
        if (current.orderUserId === staffId) throw ownOrder();
        const row = await trx
          .updateTable('payment_reconciliation_findings')
          .set({
            status: 'resolved',
            resolution: input.resolution,
            note: input.note,
            resolved_by: staffId,
            resolved_at: clock.now(),
            updated_at: clock.now(),
          })
          .where('id', '=', findingId)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (!row) throw findingNotOpen(current.status);
        await recordAudit(identityTrx(trx), clock, origin, {
          actorId: staffId,
          action: 'payments.finding_resolved',
          targetType: 'payment_reconciliation_finding',
          targetId: findingId,
          before: { status: 'open' },
          after: { status: 'resolved', resolution: input.resolution, note: input.note, kind: row.kind },
        });
        return presentFinding(row);
      });
    },
  };
}

export type FindingStore = ReturnType<typeof createFindingStore>;

// bench/ledger: transfers per second through the pairly credits ledger on a real PostgreSQL, against
// the bare SQL transfer measured in the same run on the same database and pool. "Ours" is the full
// `credits.transfer` with a fresh Idempotency-Key: one autocommitted statement, credits_run (claims
// the key, posts the leg through credits_post, records the outcome), so one round trip; "bare" is
// BEGIN, two `UPDATE credit_accounts SET balance = balance ± n` (in id order) and one INSERT into a
// plain table, COMMIT (five round trips), with no idempotency, no entries and no checks. Two
// workloads, each with `clients` concurrent callers on a pool of as many connections:
// random pairs among many accounts, and one hot account (every transfer pays the same creator).
// Variants take turns round after round; each phase is time-bounded after a warm-up. Besides
// throughput and latency it prints where the time goes (CPU per transfer of this process and of the
// pool's server backends, read from /proc: loopback only) and what one commit costs on this disk.
// Usage: npm run bench:ledger [-- --seconds 5 --rounds 3 --clients 8 --accounts 10000]
//        [--synchronous-commit off]  (diagnostic: the CPU-bound ceiling when commits skip the flush)
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must let it create a database.
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isDatabaseUnavailable, systemClock } from '@app/platform';
import { createCreditsService } from '../../apps/pairly/src/modules/credits/service.js';
import { type BenchDatabase, createBenchDatabase } from './database.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    clients: { type: 'string', default: '8' },
    accounts: { type: 'string', default: '10000' },
    'synchronous-commit': { type: 'string', default: 'on' },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const clients = Number(values.clients);
const accounts = Number(values.accounts);
const synchronousCommit = values['synchronous-commit'] !== 'off';
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

interface Sample {
  transfers: number;
  seconds: number;
  latencies: number[];
  errors: Record<string, number>;
  /** Where the time went: CPU of this process and of the pool's server backends. */
  clientCpuMs: number;
  serverCpuMs: number;
}

function serverCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? ms);
  return spent;
}

/** Runs `transfer` from `clients` loops until `duration` seconds have passed. */
async function drive(
  bench: BenchDatabase,
  transfer: () => Promise<void>,
  duration: number,
  callers = clients,
): Promise<Sample> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const serverBefore = await bench.serverCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + duration * 1_000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        const begun = performance.now();
        try {
          await transfer();
          latencies.push(performance.now() - begun);
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).message;
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = await bench.serverCpuMs();
  return {
    transfers: latencies.length,
    seconds: elapsed,
    latencies,
    errors,
    clientCpuMs: (cpu.user + cpu.system) / 1_000,
    serverCpuMs: serverCpuSpent(serverBefore, serverAfter),
  };
}

const amount = () => 1 + Math.floor(Math.random() * 100);

function variants(bench: BenchDatabase) {
  const credits = createCreditsService(bench.db, systemClock);
  const { userIds, spendableOf, creatorId, creatorEarnings } = bench;
  const anyUser = () => userIds[Math.floor(Math.random() * userIds.length)] as string;
  const pair = () => {
    const from = anyUser();
    let to = anyUser();
    while (to === from) to = anyUser();
    return [from, to] as const;
  };

  const bare = (debit: string, credit: string) =>
    bench.db.withSession(async (session) => {
      const n = amount();
      const [first, second] = debit < credit ? [debit, credit] : [credit, debit];
      await session.executeSql('begin');
      await session.executeSql('update credit_accounts set balance = balance + $2 where id = $1', [
        first,
        first === debit ? -n : n,
      ]);
      await session.executeSql('update credit_accounts set balance = balance + $2 where id = $1', [
        second,
        second === debit ? -n : n,
      ]);
      await session.executeSql(
        'insert into bench_bare_transfers (debit, credit, amount, created_at) values ($1, $2, $3, now())',
        [debit, credit, n],
      );
      await session.executeSql('commit');
    });
  const ours = async (fromUserId: string, toUserId: string, to: 'spendable' | 'earnings') => {
    await credits.transfer(
      { scope: fromUserId, idempotencyKey: randomUUID() },
      { fromUserId, toUserId, amount: amount(), to },
    );
  };
  const spendable = (userId: string) => spendableOf.get(userId) as string;

  return {
    credits,
    workloads: {
      many: {
        bare: () => {
          const [from, to] = pair();
          return bare(spendable(from), spendable(to));
        },
        ours: () => {
          const [from, to] = pair();
          return ours(from, to, 'spendable');
        },
      },
      hot: {
        bare: () => bare(spendable(anyUser()), creatorEarnings),
        ours: () => ours(anyUser(), creatorId, 'earnings'),
      },
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One row of the table: throughput over all rounds, latency over all transfers, CPU per transfer. */
function summarise(runs: Sample[]) {
  const total = (of: (run: Sample) => number) => runs.reduce((sum, run) => sum + of(run), 0);
  const transfers = total((run) => run.transfers);
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return {
    'transfers/s': Math.round(transfers / total((run) => run.seconds)),
    'per round': runs.map((run) => Math.round(run.transfers / run.seconds)).join(' / '),
    'p50 ms': Number(percentile(latencies, 50).toFixed(2)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(2)),
    errors: total((run) => Object.values(run.errors).reduce((sum, n) => sum + n, 0)),
    'client CPU µs': Math.round((total((run) => run.clientCpuMs) * 1_000) / transfers),
    'server CPU µs': Math.round((total((run) => run.serverCpuMs) * 1_000) / transfers),
  };
}

const load = () => loadavg()[0]?.toFixed(1);
console.log(
  `bench:ledger: ${accounts} accounts, ${clients} clients, ${rounds} x ${seconds} s per variant, ` +
    `synchronous_commit ${synchronousCommit ? 'on' : 'off (diagnostic: commits do not wait for the disk)'}`,
);
const loadBefore = load();
const bench = await createBenchDatabase(url, {
  users: accounts,
  opening: 1_000_000_000,
  poolMax: clients,
  synchronousCommit,
}).catch((error: unknown) => {
  // Like bench:ratelimit without Redis: `npm run bench` goes on without a server to measure.
  if (!isDatabaseUnavailable(error)) throw error;
  console.log(`no PostgreSQL answers at ${url}: nothing to measure`);
  process.exit(0);
});
try {
  const { credits, workloads } = variants(bench);
  // The account directory remembers ids per process; a server would have them all after a while.
  for (let start = 0; start < bench.userIds.length; start += 500) {
    await Promise.all(
      bench.userIds.slice(start, start + 500).map((userId) => credits.accountOf(userId, 'spendable')),
    );
  }
  await credits.accountOf(bench.creatorId, 'earnings');

  // What one commit costs here: a hot row stays locked until its transaction's commit is flushed,
  // so one account cannot take more than about 1 / (this latency) transfers per second.
  const commit = summarise([
    await drive(
      bench,
      () =>
        bench.db
          .executeSql(
            'insert into bench_bare_transfers (debit, credit, amount, created_at) values ($1, $1, 1, now())',
            [bench.creatorEarnings],
          )
          .then(() => undefined),
      2,
      1,
    ),
  ]);

  const deadlocksBefore = await bench.deadlocks();
  const samples = new Map<string, Sample[]>();
  for (const [workload, pairOfVariants] of Object.entries(workloads)) {
    for (const [variant, transfer] of Object.entries(pairOfVariants)) {
      await drive(bench, transfer, warmup);
      samples.set(`${workload} ${variant}`, []);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const [workload, { bare, ours }] of Object.entries(workloads)) {
      // Alternate which goes first, so neither always meets the table freshly vacuumed or bloated.
      const order = round % 2 === 0 ? { bare, ours } : { ours, bare };
      for (const [variant, transfer] of Object.entries(order)) {
        samples.get(`${workload} ${variant}`)?.push(await drive(bench, transfer, seconds));
      }
    }
  }
  // Backends report their statistics within a second of going idle.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const deadlocks = (await bench.deadlocks()) - deadlocksBefore;

  const figures: Record<string, ReturnType<typeof summarise> & { 'ours/bare'?: number }> = Object.fromEntries(
    [...samples].map(([name, runs]) => [name, summarise(runs)]),
  );
  const rate = (name: string) => figures[name]?.['transfers/s'] ?? Number.NaN;
  const ratio = (workload: string) => rate(`${workload} ours`) / rate(`${workload} bare`);
  for (const workload of Object.keys(workloads)) {
    const row = figures[`${workload} ours`];
    if (row) row['ours/bare'] = Number(ratio(workload).toFixed(2));
  }
  console.table(figures);
  for (const [name, runs] of samples) {
    const errors = runs.flatMap((run) => Object.entries(run.errors));
    if (errors.length > 0) console.log(`${name} errors:`, Object.fromEntries(errors));
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    [
      `many accounts: ours/bare ${ratio('many').toFixed(2)} (target >= 0.80: ${verdict(ratio('many') >= 0.8)})`,
      `hot account: ${rate('hot ours')} transfers/s (target >= 1,000: ${verdict(rate('hot ours') >= 1_000)})`,
      `deadlocks (pg_stat_database, whole run): ${deadlocks} (target 0: ${verdict(deadlocks === 0)})`,
      `one session's autocommit insert: p50 ${commit['p50 ms']} ms, p99 ${commit['p99 ms']} ms (${commit['transfers/s']}/s)`,
      `(${rounds} rounds of ${seconds} s per variant after ${warmup} s warm-up; ${clients} clients on a pool of ${clients}; ` +
        `${availableParallelism()} CPUs shared by this process and PostgreSQL; load average ${loadBefore} before, ${load()} after)`,
    ].join('\n'),
  );
} finally {
  await bench.drop();
}

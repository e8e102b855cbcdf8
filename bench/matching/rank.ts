// Measures the matching engine on the size issue 18 sets: ranking 10,000 candidates for one job at
// p99 < 150 ms and p50 < 80 ms. Candidates are generated from a fixed seed (skills written as
// assorted aliases, resumes of 150-450 words in dated and undated entries, places and salaries in
// several currencies and intervals, work authorisation and relocation), so every run ranks the same
// data. Three figures, each timed round by round in the same run:
//   - warm: ranking candidates prepared earlier, what the ranking service does while profiles do
//     not change (it keeps prepared profiles per row version, ranking/prepared-cache.ts);
//   - cold: preparing all 10,000 and ranking them, what the first ranking after a restart costs
//     (or one where every profile changed);
//   - baseline: BM25 alone over the raw resume texts (reading each into words and scoring), the
//     least any ranking that reads text per request pays; the engine before issue 18 did this and
//     more on every request.
// Also the heap a prepared candidate takes, which sizes the service's cache.
// Run: node --expose-gc --conditions=source --import tsx bench/matching/rank.ts [--candidates N] [--seconds S]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bm25Relevance, termBag } from '../../apps/hiring/src/modules/matching/bm25.js';
import {
  type MatchCandidate,
  type MatchJob,
  prepareCandidate,
  prepareJob,
  rankPreparedCandidates,
  type SalaryInterval,
  type SkillLevel,
} from '../../apps/hiring/src/modules/matching/index.js';

/** Park-Miller minimal standard generator: tiny, seeded, the same sequence on every machine. */
function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  return { pick, between };
}

const SKILLS = [
  'TypeScript',
  'TS',
  'JavaScript',
  'JS',
  'Node.js',
  'NodeJS',
  'PostgreSQL',
  'Postgres',
  'MySQL',
  'Redis',
  'React',
  'Vue.js',
  'Angular',
  'Python',
  'Django',
  'Go',
  'Golang',
  'Java',
  'Spring Boot',
  'Kotlin',
  'Swift',
  'k8s',
  'Kubernetes',
  'Docker',
  'Terraform',
  'AWS',
  'Amazon Web Services',
  'GCP',
  'Azure',
  'Linux',
  'Kafka',
  'GraphQL',
  'REST APIs',
  'CI/CD',
  'Git',
  'SQL',
  'Machine Learning',
  'Spark',
  'Figma',
  'Scrum',
  'Jira',
  'Excel',
  'Salesforce',
  'Customer Service',
  'Communication',
  'Leadership',
  'Mentoring',
  'Rust',
  'C#',
  '.NET',
  'Elixir',
  'Event Sourcing',
  'Domain-Driven Design',
  'Observability',
  'Prometheus',
  'Security',
] as const;

const WORDS = (
  'built designed led owned shipped migrated scaled improved reduced automated maintained mentored reviewed ' +
  'service services api apis platform backend frontend data pipeline pipelines ledger payments billing search ' +
  'checkout team teams customers users latency throughput reliability incidents on-call tests testing ' +
  'deployment deployments cloud cluster clusters database databases queries schema migrations release ' +
  'features product roadmap stakeholders startup scale-up enterprise agency consultancy company years ' +
  'experience senior junior lead staff engineer developer architect manager the a an and of for with to ' +
  'in on at by from into across over using while during after before our my their production critical ' +
  'high-traffic real-time distributed event-driven microservices monolith performance cost security'
).split(' ');

const CITIES = [
  { city: 'Berlin', region: 'Berlin', country: 'DE' },
  { city: 'Hamburg', region: 'Hamburg', country: 'DE' },
  { city: 'München', region: 'Bavaria', country: 'DE' },
  { city: 'Lisbon', region: 'Lisbon', country: 'PT' },
  { city: 'London', region: 'England', country: 'GB' },
  { city: 'Toronto', region: 'ON', country: 'CA' },
  { city: 'Potsdam', region: 'Brandenburg', country: 'DE' },
  { city: 'Wien', region: 'Wien', country: 'AT' },
  { city: null, region: null, country: null },
] as const;
const PREFERENCES = ['remote', 'hybrid', 'on_site', 'any'] as const;
const PAY: ReadonlyArray<[string, SalaryInterval, number]> = [
  ['EUR', 'YEAR', 60_000_00],
  ['EUR', 'MONTH', 5_500_00],
  ['USD', 'YEAR', 120_000_00],
  ['USD', 'HOUR', 60_00],
  ['GBP', 'YEAR', 70_000_00],
];

function generateCandidates(count: number, seed = 20_251_123): MatchCandidate[] {
  const { pick, between } = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const skills = Array.from({ length: between(3, 15) }, () => ({
      name: pick(SKILLS),
      level: between(1, 5) as SkillLevel,
    }));
    const words = Array.from({ length: between(150, 450) }, () =>
      between(0, 9) === 0 ? pick(SKILLS) : pick(WORDS),
    );
    // Two to four entries, most of them dated, as CVs are written.
    const entries = between(2, 4);
    const perEntry = Math.ceil(words.length / entries);
    const resume = Array.from({ length: entries }, (_, entry) => {
      const from = between(2000, 2022);
      const dates =
        between(0, 3) === 0 ? '' : ` (${from} to ${between(0, 1) ? 'present' : from + between(1, 4)})`;
      return `${pick(['Senior', 'Junior', 'Lead', ''])} ${pick(WORDS)}${dates}. ${words.slice(entry * perEntry, (entry + 1) * perEntry).join(' ')}`;
    });
    const [currency, interval, base] = pick(PAY);
    const min = Math.round(base * (0.6 + between(0, 80) / 100));
    return {
      id: `candidate-${String(i).padStart(5, '0')}`,
      headline: `${pick(['Senior', 'Junior', 'Staff', 'Lead', ''])} ${pick(SKILLS)} ${pick(['engineer', 'developer', 'consultant'])}`,
      resumeText: resume.join('\n\n'),
      skills,
      yearsExperience: between(0, 25),
      location: pick(CITIES),
      remotePreference: pick(PREFERENCES),
      desiredSalary:
        between(0, 4) === 0
          ? null
          : { min, max: between(0, 1) ? Math.round(min * 1.2) : null, currency, interval },
      workAuthorisation: between(0, 2) === 0 ? [] : [pick(CITIES).country ?? 'DE'],
      willingToRelocate: pick([true, false, null]),
    };
  });
}

const benchJob: MatchJob = {
  id: 'job-senior-backend',
  title: 'Senior Backend Engineer (Node.js / TypeScript)',
  descriptionText:
    'Design and run the services behind our payments ledger: Node.js and TypeScript on the server, ' +
    'PostgreSQL as the system of record, Kafka for events, deployed to Kubernetes on AWS. You will own ' +
    'APIs end to end, review code, mentor engineers and share on-call. Five years building production ' +
    'backends, deep TypeScript, strong SQL and schema design; observability and security experience a plus.',
  skills: [
    { name: 'TypeScript', level: 4, required: true },
    { name: 'Node.js', level: 4, required: true },
    { name: 'Postgres', level: 3, required: true },
    { name: 'Kafka', level: null, required: false },
    { name: 'k8s', level: null, required: false },
    { name: 'AWS', level: null, required: false },
  ],
  minYearsExperience: 5,
  location: { city: 'Berlin', region: 'Berlin', country: 'DE' },
  workplaceType: 'hybrid',
  salary: { min: 75_000_00, max: 95_000_00, currency: 'EUR', interval: 'YEAR' },
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

interface Timing {
  p50Ms: number;
  p99Ms: number;
  rounds: number;
}

/** Times `round` again and again for about `seconds` (after three untimed warm-up rounds). */
async function time(seconds: number, round: () => unknown): Promise<Timing> {
  for (let warmUp = 0; warmUp < 3; warmUp += 1) round();
  const timings: number[] = [];
  const started = performance.now();
  while (timings.length === 0 || performance.now() - started < seconds * 1000) {
    const start = performance.now();
    round();
    timings.push(performance.now() - start);
    await new Promise((resolve) => setImmediate(resolve));
  }
  timings.sort((a, b) => a - b);
  const round1 = (ms: number) => Math.round(ms * 10) / 10;
  return {
    p50Ms: round1(percentile(timings, 50)),
    p99Ms: round1(percentile(timings, 99)),
    rounds: timings.length,
  };
}

const AS_OF = new Date('2026-11-30T00:00:00Z');
const heapUsed = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

/** Ranks `candidates` generated candidates for one job, warm, cold and against the baseline. */
async function benchRanking(candidates = 10_000, seconds = 5) {
  const pool = generateCandidates(candidates);
  const before = heapUsed();
  let prepared = pool.map((candidate) => prepareCandidate(candidate, AS_OF));
  const bytesPerCandidate = Math.round((heapUsed() - before) / candidates);
  const options = { limit: 20, asOf: AS_OF };
  const warm = await time(seconds, () => rankPreparedCandidates(prepareJob(benchJob), prepared, options));
  const cold = await time(seconds, () => {
    prepared = pool.map((candidate) => prepareCandidate(candidate, AS_OF));
    return rankPreparedCandidates(prepareJob(benchJob), prepared, options);
  });
  const jobText = `${benchJob.title}\n${benchJob.descriptionText}`;
  const baseline = await time(seconds, () =>
    bm25Relevance(
      termBag(jobText),
      pool.map((candidate) => termBag(`${candidate.headline}\n${candidate.resumeText}`)),
    ),
  );
  return { candidates, warm, cold, baseline, bytesPerCandidate };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { candidates: { type: 'string' }, seconds: { type: 'string' } } });
  const figures = await benchRanking(Number(values.candidates ?? 10_000), Number(values.seconds ?? 5));
  const line = (name: string, { p50Ms, p99Ms, rounds }: Timing) =>
    `  ${name}: p50 ${p50Ms} ms, p99 ${p99Ms} ms (${rounds} rounds; p50 ${(p50Ms / figures.baseline.p50Ms).toFixed(2)}x baseline)`;
  console.log(`matching: rank ${figures.candidates.toLocaleString('en')} candidates for one job`);
  console.log(line('warm (prepared profiles kept)', figures.warm));
  console.log(line('cold (prepare all, then rank)', figures.cold));
  console.log(line('baseline (BM25 over raw text)', figures.baseline));
  console.log(`  heap per prepared candidate: ${(figures.bytesPerCandidate / 1024).toFixed(1)} KiB`);
}

// Measures the CPU side of ingestion, the part a scrape run spends its own time on: turning raw
// board records into NormalizedPostings (sanitising and flattening descriptions, reading places,
// salaries and dates) and deduplicating them. Raw records are the test fixtures of all five board
// kinds, replicated with fresh ids to `postings` (every title appears twice, so at least half of
// each round are fingerprint duplicates). No network: the adapters' pure normalisers are called
// directly, and each round starts from an empty dedupe index.
// Run: node --conditions=source --import tsx bench/matching/ingest.ts [--postings N] [--seconds S]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type AshbyJob, normaliseAshbyJob } from '../../apps/hiring/src/modules/ingestion/adapters/ashby.js';
import {
  type GreenhouseJob,
  normaliseGreenhouseJob,
} from '../../apps/hiring/src/modules/ingestion/adapters/greenhouse.js';
import {
  jobPostingNodes,
  normaliseJsonLdPosting,
} from '../../apps/hiring/src/modules/ingestion/adapters/jsonld.js';
import {
  type LeverPosting,
  normaliseLeverPosting,
} from '../../apps/hiring/src/modules/ingestion/adapters/lever.js';
import {
  normaliseSmartRecruitersPosting,
  type SmartRecruitersPosting,
} from '../../apps/hiring/src/modules/ingestion/adapters/smartrecruiters.js';
import {
  createDedupeIndex,
  type NormalizedPosting,
  postingKeys,
} from '../../apps/hiring/src/modules/ingestion/index.js';

const fixtures = new URL('../../apps/hiring/test/fixtures/job-boards/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');
const readJson = <T>(name: string) => JSON.parse(read(name)) as T;

/** Normalises copy number `copy` of one record; copies with the same `variant` share a title. */
type Normalise = (copy: number, variant: number) => NormalizedPosting | null;

/** One closure per fixture record; each call normalises a copy with its own id, URL and title. */
function templates(): Normalise[] {
  const page = 'https://careers.initech.example/jobs';
  const jsonLd = [
    ...jobPostingNodes(read('careers-initech.html')),
    ...jobPostingNodes(read('careers-remote-co.html')),
  ];
  const title = (text: string | undefined, variant: number) => `${text ?? ''} ${variant}`;
  return [
    ...readJson<{ jobs: GreenhouseJob[] }>('greenhouse-jobs.json').jobs.map(
      (job): Normalise =>
        (copy, variant) =>
          normaliseGreenhouseJob(
            {
              ...job,
              id: copy,
              title: title(job.title, variant),
              absolute_url: `${job.absolute_url}${copy}`,
            },
            'northwind',
          ),
    ),
    ...readJson<LeverPosting[]>('lever-postings.json').map(
      (posting): Normalise =>
        (copy, variant) =>
          normaliseLeverPosting(
            {
              ...posting,
              id: `${copy}`,
              text: title(posting.text, variant),
              hostedUrl: `${posting.hostedUrl}${copy}`,
            },
            'acmerobotics',
          ),
    ),
    ...readJson<{ jobs: AshbyJob[] }>('ashby-job-board.json').jobs.map(
      (job): Normalise =>
        (copy, variant) =>
          normaliseAshbyJob(
            { ...job, id: `${copy}`, title: title(job.title, variant), jobUrl: `${job.jobUrl}${copy}` },
            'quantumleap',
          ),
    ),
    ...Object.values(readJson<Record<string, SmartRecruitersPosting>>('smartrecruiters-details.json')).map(
      (posting): Normalise =>
        (copy, variant) =>
          normaliseSmartRecruitersPosting(
            {
              ...posting,
              id: `${copy}`,
              name: title(posting.name, variant),
              postingUrl: `${posting.postingUrl}${copy}`,
            },
            'Globex1',
          ),
    ),
    ...jsonLd.map(
      (node): Normalise =>
        (copy, variant) =>
          normaliseJsonLdPosting(
            {
              ...node,
              identifier: `${copy}`,
              title: title(String(node.title), variant),
              url: `${page}/${copy}`,
            },
            page,
            1,
          ),
    ),
  ];
}

export interface IngestionFigures {
  postingsPerSecond: number;
  postings: number;
  rounds: number;
  duplicatesPerRound: number;
  elapsedMs: number;
}

/** Normalises and deduplicates `postings` records, round after round, for about `seconds`. */
export async function benchIngestion(postings = 20_000, seconds = 5): Promise<IngestionFigures> {
  const normalisers = templates();
  let rounds = 0;
  let duplicatesPerRound = 0;
  const started = performance.now();
  while (rounds === 0 || performance.now() - started < seconds * 1000) {
    const index = createDedupeIndex([]);
    let duplicates = 0;
    for (let copy = 0; copy < postings; copy += 1) {
      // Copies c and c + T of a template (T templates) share a title when c mod 2T < T: half of them.
      const variant = Math.floor(copy / (2 * normalisers.length));
      const posting = (normalisers[copy % normalisers.length] as Normalise)(copy, variant);
      if (!posting) throw new Error(`fixture copy ${copy} did not normalise`);
      const keys = postingKeys(posting);
      if (index.match(keys)) duplicates += 1;
      else index.add(String(copy), keys);
    }
    duplicatesPerRound = duplicates;
    rounds += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const elapsedMs = performance.now() - started;
  return {
    postingsPerSecond: Math.round((rounds * postings) / (elapsedMs / 1000)),
    postings,
    rounds,
    duplicatesPerRound,
    elapsedMs: Math.round(elapsedMs),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { postings: { type: 'string' }, seconds: { type: 'string' } } });
  const figures = await benchIngestion(Number(values.postings ?? 20_000), Number(values.seconds ?? 5));
  console.log(
    `ingestion: normalise + dedupe ${figures.postings.toLocaleString('en')} postings: ` +
      `${figures.postingsPerSecond.toLocaleString('en')} postings/s ` +
      `(${figures.rounds} rounds in ${(figures.elapsedMs / 1000).toFixed(1)} s, ${figures.duplicatesPerRound} duplicates a round)`,
  );
}

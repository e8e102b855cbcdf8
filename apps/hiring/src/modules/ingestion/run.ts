// Owns a run: every source at once over one polite fetcher, each ending in its own outcome so one
// failing or slow board never fails the others, all of them cut off together at the run deadline
// (a source still running then ends as 'timeout' with the postings it had). Outcomes come back in
// the order the sources were given.
import { setMaxListeners } from 'node:events';
import { fetchAshby } from './adapters/ashby.js';
import type { AdapterContext } from './adapters/context.js';
import { fetchGreenhouse } from './adapters/greenhouse.js';
import { fetchJsonLd } from './adapters/jsonld.js';
import { fetchLever } from './adapters/lever.js';
import { fetchSmartRecruiters } from './adapters/smartrecruiters.js';
import { createFetcher, type Fetcher, SourceError } from './fetcher.js';
import type {
  IngestionOptions,
  NormalizedPosting,
  SourceConfig,
  SourceKind,
  SourceOutcome,
  SourceStatus,
} from './types.js';

const DEFAULT_BASE_URLS: Record<Exclude<SourceKind, 'jsonld'>, string> = {
  greenhouse: 'https://boards-api.greenhouse.io',
  lever: 'https://api.lever.co',
  ashby: 'https://api.ashbyhq.com',
  smartrecruiters: 'https://api.smartrecruiters.com',
};

function readSource(source: SourceConfig, context: AdapterContext): Promise<void> {
  switch (source.kind) {
    case 'greenhouse':
      return fetchGreenhouse(source, context);
    case 'lever':
      return fetchLever(source, context);
    case 'ashby':
      return fetchAshby(source, context);
    case 'smartrecruiters':
      return fetchSmartRecruiters(source, context);
    case 'jsonld':
      return fetchJsonLd(source, context);
  }
}

interface Run {
  fetcher: Fetcher;
  signal: AbortSignal;
  deadline: AbortSignal;
  options: IngestionOptions;
}

async function runSource(source: SourceConfig, run: Run): Promise<SourceOutcome> {
  const started = performance.now();
  const postings: NormalizedPosting[] = [];
  let fetched = 0;
  let done = false;
  const base =
    source.kind === 'jsonld' ? '' : (run.options.baseUrls?.[source.kind] ?? DEFAULT_BASE_URLS[source.kind]);
  const context: AdapterContext = {
    fetcher: run.fetcher,
    baseUrl: base.replace(/\/+$/, ''),
    add(posting) {
      if (done) return; // a request that outlived the outcome changes nothing
      fetched += 1;
      if (posting) postings.push(posting);
    },
  };
  const end = (status: SourceStatus, message: string | null): SourceOutcome => {
    done = true;
    return { source, status, message, fetched, postings, durationMs: performance.now() - started };
  };
  try {
    await readSource(source, context);
  } catch (error) {
    if (run.deadline.aborted) return end('timeout', `run deadline of ${run.options.deadlineMs} ms reached`);
    if (run.signal.aborted) return end('error', 'run cancelled');
    if (error instanceof SourceError) return end(error.status, error.message);
    return end(
      'error',
      `unexpected failure: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200),
    );
  }
  if (fetched === 0) return end('empty', null);
  if (postings.length === 0) return end('error', `none of the ${fetched} postings could be read`);
  const skipped = fetched - postings.length;
  return end('ok', skipped > 0 ? `${skipped} of ${fetched} postings could not be read` : null);
}

/** Reads every source concurrently; never rejects, whatever the boards do. */
export async function runSources(
  sources: SourceConfig[],
  options: IngestionOptions,
): Promise<SourceOutcome[]> {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  // Every queued, sleeping or in-flight request listens to it; hundreds at once are expected.
  setMaxListeners(0, signal);
  const run: Run = { fetcher: createFetcher(options, signal), signal, deadline, options };
  return Promise.all(sources.map((source) => runSource(source, run)));
}

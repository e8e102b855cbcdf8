// Owns the public face of ingestion, the pure core under the scrape module: read job boards
// politely (runSources), and recognise postings already stored (postingKeys, createDedupeIndex).
// It knows nothing of the database, HTTP routes or background jobs.
export {
  createDedupeIndex,
  type DedupeIndex,
  type DedupeMatch,
  type PostingKeys,
  postingKeys,
} from './dedupe.js';
export { runSources } from './run.js';
export type {
  EmploymentType,
  IngestionOptions,
  NormalizedPosting,
  PostingLocation,
  Salary,
  SalaryInterval,
  SourceConfig,
  SourceKind,
  SourceOutcome,
  SourceStatus,
  WorkplaceType,
} from './types.js';

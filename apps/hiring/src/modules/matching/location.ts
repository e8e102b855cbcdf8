// Owns location fit: can this candidate work this job from where they are, the way they want to
// work? A remote job fits anyone's place; hybrid and on-site jobs need the candidate nearby, with
// credit falling from the same city to the same region to the same country. The candidate's
// remote preference then scales the result. Place names compare folded (case and diacritics).
import { fold } from '../ingestion/fold.js';
import type { MatchCandidate, MatchJob, Place } from './types.js';

type Workplace = 'on_site' | 'hybrid' | 'remote';
type Preference = MatchCandidate['remotePreference'];

const SAME_REGION = 0.6;
const SAME_COUNTRY = 0.3;
const UNKNOWN = 0.5;

/** How much a candidate with this preference wants a job of this kind. */
const PREFERENCE: Record<Preference, Record<Workplace, number>> = {
  any: { remote: 1, hybrid: 1, on_site: 1 },
  remote: { remote: 1, hybrid: 0.4, on_site: 0.2 },
  hybrid: { remote: 0.9, hybrid: 1, on_site: 0.7 },
  on_site: { remote: 0.6, hybrid: 0.9, on_site: 1 },
};

export interface FoldedPlace {
  city: string | null;
  region: string | null;
  country: string | null;
}

const folded = (name: string | null) => (name === null ? null : fold(name) || null);

export function foldPlace(place: Place): FoldedPlace {
  return {
    city: folded(place.city),
    region: folded(place.region),
    country: folded(place.country),
  };
}

const same = (a: string | null, b: string | null) => a !== null && a === b;
const differ = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
const blank = (place: FoldedPlace) => place.city === null && place.region === null && place.country === null;

/**
 * 1 when the candidate is where the job is, as precisely as the job says where that is; 0 when a
 * known part of their places differs; UNKNOWN when nothing can be compared.
 */
function proximity(job: FoldedPlace, candidate: FoldedPlace): number {
  if (blank(job) || blank(candidate)) return UNKNOWN;
  if (differ(job.country, candidate.country)) return 0;
  const sameRegion = same(job.region, candidate.region);
  if (same(job.city, candidate.city) && !differ(job.region, candidate.region)) return 1;
  if (sameRegion) return job.city === null ? 1 : SAME_REGION;
  if (same(job.country, candidate.country))
    return job.city === null && job.region === null ? 1 : SAME_COUNTRY;
  return differ(job.city, candidate.city) || differ(job.region, candidate.region) ? 0 : UNKNOWN;
}

export function locationFit(
  workplaceType: MatchJob['workplaceType'],
  job: FoldedPlace,
  preference: Preference,
  candidate: FoldedPlace,
): number {
  const workplace = workplaceType ?? 'on_site';
  const wanted = PREFERENCE[preference][workplace];
  return workplace === 'remote' ? wanted : wanted * proximity(job, candidate);
}

// Owns location fit, as a recruiter reads it: can this candidate do this job from where they live
// (or are moving to), the way they want to work, where they may legally work? Places resolve once
// per job or candidate through the gazetteer (places.ts), never per pair. The fit is in [0, 1]
// (0.5 = cannot tell) with a one-sentence reason; breaking a HARD constraint also returns the
// constraint, which the ranking sinks below every candidate meeting all of them. assessLocation
// gives the figures without writing the sentence (a ranking explains only the page it shows);
// locationFit writes it, through the same rules.
//
// Rules (fit = how near x how much the candidate wants this kind of workplace, PREFERENCE):
// - Workplace unknown reads as on-site, the most demanding reading.
// - Remote job open anywhere (no remote countries): the preference alone.
// - Remote job limited to countries: living in one fits; living elsewhere breaks
//   `outside_remote_region` unless the resume states a move into one (0.9) or the candidate would
//   relocate AND may work in one of them (authorisedIn; 0.7). Home country unknown: authorised in
//   one of them 0.8, authorised only elsewhere breaks the constraint, nothing stated 0.5.
// - On-site or hybrid job: a remote-only candidate breaks `remote_only`; stated work authorisation
//   that does not cover the job's country breaks `no_work_authorisation` (none stated: not judged).
//   Distance known: within the commute radius 1, falling linearly to 0.4 at twice the radius;
//   farther (or another country with no coordinates): a stated move to within the radius of the
//   office 1, would relocate 0.8, would not relocate breaks `too_far`, not stated 0.2.
//   No coordinates: resolved names compare (aliases equal): same city 1, same region 0.6, same
//   country 0.3 (1 wherever the job names no finer place); would relocate lifts these to 0.8.
// - Constraints are checked in the order remote_only, no_work_authorisation, then place; the first
//   broken is reported. A place constraint (too_far, outside_remote_region) leaves fit 0; the
//   others keep the fit the place would earn, so those candidates still order among themselves.
import { authorisedIn, isCountryCode, remoteRegionCountries } from './countries.js';
import { distanceKm, type ResolvedPlace, resolvePlace } from './places.js';
import { findStatedMoves } from './stated-moves.js';
import type { ConstraintFailure, MatchCandidate, MatchJob } from './types.js';

type Workplace = 'on_site' | 'hybrid' | 'remote';
type Preference = MatchCandidate['remotePreference'];

const UNKNOWN = 0.5;
const SAME_REGION = 0.6;
const SAME_COUNTRY = 0.3;
/** Fit at twice the commute radius; beyond it the candidate would have to move. */
const LONG_COMMUTE = 0.4;
const WOULD_RELOCATE = 0.8;
const RELOCATION_UNSTATED = 0.2;
const STATED_MOVE_INTO_REGION = 0.9;
const RELOCATE_INTO_REGION = 0.7;
const AUTHORISED_IN_REGION = 0.8;
const DEFAULT_COMMUTE_RADIUS_KM = 50;

/** How much a candidate with this preference wants a job of this kind. */
const PREFERENCE: Record<Preference, Record<Workplace, number>> = {
  any: { remote: 1, hybrid: 1, on_site: 1 },
  remote: { remote: 1, hybrid: 0.4, on_site: 0.2 },
  hybrid: { remote: 0.9, hybrid: 1, on_site: 0.7 },
  on_site: { remote: 0.6, hybrid: 0.9, on_site: 1 },
};

const WORKPLACE_WORDS: Record<Workplace, string> = { remote: 'remote', hybrid: 'hybrid', on_site: 'on-site' };

export interface JobLocation {
  workplaceType: Workplace | null;
  place: ResolvedPlace;
  /** Countries a remote job may be done from, expanded from remoteRegions; empty = anywhere. */
  remoteCountries: readonly string[];
  /** The valid region codes as given ("EU"), for explanations; optional. */
  remoteRegions?: readonly string[];
  commuteRadiusKm: number;
}

export interface CandidateLocation {
  preference: Preference;
  place: ResolvedPlace;
  /** ISO alpha-2 codes, upper case; empty = not stated. */
  workAuthorisation: readonly string[];
  willingToRelocate: boolean | null;
  statedMoves: readonly ResolvedPlace[];
}

interface LocationFit {
  fit: number;
  reason: string;
  constraint: ConstraintFailure | null;
}

/** The fit and the code of the hard constraint broken, without the sentence (see assessLocation). */
export interface LocationAssessment {
  fit: number;
  constraint: ConstraintFailure['code'] | null;
}

interface Judged extends LocationAssessment {
  /** Empty unless asked for. */
  reason: string;
}

const WORKPLACES = new Set<unknown>(['on_site', 'hybrid', 'remote']);
const PREFERENCES = new Set<unknown>(['remote', 'hybrid', 'on_site', 'any']);

/** The job's side, once per job; unknown remote region codes are ignored (the API rejects them). */
export function jobLocation(job: MatchJob): JobLocation {
  const regions: string[] = [];
  const countries = new Set<string>();
  for (const code of Array.isArray(job.remoteRegions) ? job.remoteRegions : []) {
    const members = remoteRegionCountries(code);
    if (!members) continue;
    regions.push(code.trim().toUpperCase());
    for (const country of members) countries.add(country);
  }
  const radius = job.commuteRadiusKm;
  return {
    workplaceType: WORKPLACES.has(job.workplaceType) ? job.workplaceType : null,
    place: resolvePlace(job.location),
    remoteCountries: [...countries],
    remoteRegions: regions,
    commuteRadiusKm:
      typeof radius === 'number' && Number.isFinite(radius) && radius > 0
        ? radius
        : DEFAULT_COMMUTE_RADIUS_KM,
  };
}

/** The candidate's side, once per candidate: place, authorisation and the moves the resume states. */
export function candidateLocation(candidate: MatchCandidate): CandidateLocation {
  const authorisation = new Set<string>();
  for (const code of Array.isArray(candidate.workAuthorisation) ? candidate.workAuthorisation : [])
    for (const country of remoteRegionCountries(code) ?? []) authorisation.add(country);
  const relocate = candidate.willingToRelocate;
  return {
    preference: PREFERENCES.has(candidate.remotePreference) ? candidate.remotePreference : 'any',
    place: resolvePlace(candidate.location),
    workAuthorisation: [...authorisation],
    willingToRelocate: typeof relocate === 'boolean' ? relocate : null,
    statedMoves: findStatedMoves(`${candidate.headline ?? ''}\n${candidate.resumeText ?? ''}`),
  };
}

const clamp = (fit: number) => (Number.isFinite(fit) ? Math.min(1, Math.max(0, fit)) : UNKNOWN);
const blank = (place: ResolvedPlace) =>
  place.city === null && place.region === null && place.country === null;
const known = (value: string | null, other: string | null) => value !== null && other !== null;

/**
 * Nearness by names when coordinates are missing: 1 when the candidate is where the job is, as
 * precisely as the job says; less for only the same region or country; 0 when a known part differs.
 */
function byNames(job: ResolvedPlace, candidate: ResolvedPlace): number {
  if (blank(job) || blank(candidate)) return UNKNOWN;
  if (known(job.country, candidate.country) && job.country !== candidate.country) return 0;
  const regionDiffers = known(job.region, candidate.region) && job.region !== candidate.region;
  if (job.city !== null && job.city === candidate.city && !regionDiffers) return 1;
  if (job.region !== null && job.region === candidate.region) return job.city === null ? 1 : SAME_REGION;
  if (job.country !== null && job.country === candidate.country)
    return job.city === null && job.region === null ? 1 : SAME_COUNTRY;
  return known(job.city, candidate.city) || regionDiffers ? 0 : UNKNOWN;
}

/** Whether a stated move lands within commuting distance of the job (or, without coordinates, at it). */
function movesNear(job: JobLocation, move: ResolvedPlace): boolean {
  const km = distanceKm(job.place, move);
  return km !== null ? km <= job.commuteRadiusKm : byNames(job.place, move) === 1;
}

const km = (distance: number) => `${Math.round(distance)} km`;
const where = (place: ResolvedPlace) => place.name || place.label;

function preferenceNote(preference: Preference, workplace: Workplace): string {
  return PREFERENCE[preference][workplace] < 1
    ? `; prefers ${WORKPLACE_WORDS[preference as Workplace] ?? preference} work`
    : '';
}

function remoteFit(job: JobLocation, candidate: CandidateLocation, wanted: number, say: boolean): Judged {
  const allowed = job.remoteCountries;
  const note = say ? preferenceNote(candidate.preference, 'remote') : '';
  if (allowed.length === 0)
    return { fit: wanted, constraint: null, reason: say ? `remote job open anywhere${note}` : '' };
  const area = !say ? '' : job.remoteRegions?.length ? job.remoteRegions.join(', ') : allowed.join(', ');
  const home = candidate.place.country;
  const mayWorkThere = allowed.some((country) => authorisedIn(candidate.workAuthorisation, country));
  if (isCountryCode(home) && allowed.includes(home))
    return {
      fit: wanted,
      constraint: null,
      reason: say ? `lives in ${where(candidate.place)}, inside the job's remote area (${area})${note}` : '',
    };
  const moveInto = candidate.statedMoves.find(
    (move) =>
      isCountryCode(move.country) &&
      allowed.includes(move.country) &&
      (candidate.workAuthorisation.length === 0 || authorisedIn(candidate.workAuthorisation, move.country)),
  );
  if (moveInto)
    return {
      fit: clamp(STATED_MOVE_INTO_REGION * wanted),
      constraint: null,
      reason: say
        ? `says they are moving to ${where(moveInto)}, inside the job's remote area (${area})${note}`
        : '',
    };
  if (isCountryCode(home)) {
    if (candidate.willingToRelocate === true && mayWorkThere)
      return {
        fit: clamp(RELOCATE_INTO_REGION * wanted),
        constraint: null,
        reason: say
          ? `lives in ${where(candidate.place)}, outside the job's remote area (${area}), but would relocate and may work there${note}`
          : '',
      };
    return {
      fit: 0,
      constraint: 'outside_remote_region',
      reason: say
        ? `lives in ${where(candidate.place)} (${home}), outside the job's remote area (${area})`
        : '',
    };
  }
  if (candidate.workAuthorisation.length > 0) {
    if (mayWorkThere)
      return {
        fit: clamp(AUTHORISED_IN_REGION * wanted),
        constraint: null,
        reason: say ? `home unknown, but may work in the job's remote area (${area})${note}` : '',
      };
    return {
      fit: 0,
      constraint: 'outside_remote_region',
      reason: say
        ? `may work only in ${candidate.workAuthorisation.join(', ')}, outside the job's remote area (${area})`
        : '',
    };
  }
  return {
    fit: clamp(UNKNOWN * wanted),
    constraint: null,
    reason: say ? `cannot tell whether they live in the job's remote area (${area})${note}` : '',
  };
}

/** On-site or hybrid: distance (or names) to the office, then what the candidate said about moving. */
function officeFit(
  job: JobLocation,
  candidate: CandidateLocation,
  workplace: Workplace,
  say: boolean,
): { near: number; reason: string; tooFar: boolean } {
  const office = say ? where(job.place) || 'the office' : '';
  const home = say ? where(candidate.place) : '';
  const distance = distanceKm(job.place, candidate.place);
  const radius = job.commuteRadiusKm;
  if (distance !== null && distance <= radius)
    return {
      near: 1,
      reason: say ? `lives in ${home}, ${km(distance)} from ${office}: within commuting distance` : '',
      tooFar: false,
    };
  if (distance !== null && distance <= 2 * radius)
    return {
      near: 1 - (1 - LONG_COMMUTE) * ((distance - radius) / radius),
      reason: say ? `lives in ${home}, ${km(distance)} from ${office}: a long commute` : '',
      tooFar: false,
    };
  const otherCountry =
    isCountryCode(job.place.country) &&
    isCountryCode(candidate.place.country) &&
    job.place.country !== candidate.place.country;
  const far = distance !== null || otherCountry;
  const byName = far ? 0 : byNames(job.place, candidate.place);
  const away = !say
    ? ''
    : distance !== null
      ? `lives in ${home}, ${km(distance)} from ${office}`
      : otherCountry
        ? `lives in ${home}, another country than ${office}`
        : blank(job.place) || blank(candidate.place)
          ? `cannot tell how far ${home || 'the candidate'} is from ${office}`
          : `lives in ${home}, ${byName === 1 ? 'where' : 'away from where'} the job is (${office})`;
  const move = candidate.statedMoves.find((place) => movesNear(job, place));
  if (move && byName < 1)
    return {
      near: 1,
      reason: say ? `${away}, but says they are moving to ${where(move)}` : '',
      tooFar: false,
    };
  if (!far) {
    if (candidate.willingToRelocate === true && byName < WOULD_RELOCATE)
      return { near: WOULD_RELOCATE, reason: say ? `${away}; would relocate` : '', tooFar: false };
    return { near: byName, reason: away, tooFar: false };
  }
  if (candidate.willingToRelocate === true)
    return { near: WOULD_RELOCATE, reason: say ? `${away}; would relocate` : '', tooFar: false };
  if (candidate.willingToRelocate === false)
    return {
      near: 0,
      reason: say ? `${away} and would not relocate for ${WORKPLACE_WORDS[workplace]} work` : '',
      tooFar: true,
    };
  return { near: RELOCATION_UNSTATED, reason: say ? `${away}; relocation not stated` : '', tooFar: false };
}

function judge(job: JobLocation, candidate: CandidateLocation, say: boolean): Judged {
  const workplace: Workplace = job.workplaceType ?? 'on_site';
  const wanted = PREFERENCE[candidate.preference]?.[workplace] ?? 1;
  if (workplace === 'remote') return remoteFit(job, candidate, wanted, say);

  const { near, reason, tooFar } = officeFit(job, candidate, workplace, say);
  const fit = clamp(near * wanted);
  if (candidate.preference === 'remote') {
    const where = job.place.name ? ` in ${job.place.name}` : '';
    return {
      fit,
      constraint: 'remote_only',
      reason: say ? `wants remote work only; the job is ${WORKPLACE_WORDS[workplace]}${where}` : '',
    };
  }
  const country = job.place.country;
  if (
    isCountryCode(country) &&
    candidate.workAuthorisation.length > 0 &&
    !authorisedIn(candidate.workAuthorisation, country)
  ) {
    return {
      fit,
      constraint: 'no_work_authorisation',
      reason: say ? `may work only in ${candidate.workAuthorisation.join(', ')}, not in ${country}` : '',
    };
  }
  if (tooFar) return { fit: 0, constraint: 'too_far', reason };
  return {
    fit,
    constraint: null,
    reason: say ? `${reason}${preferenceNote(candidate.preference, workplace)}` : '',
  };
}

/**
 * How well the candidate's place, preference and authorisation fit the job's location, without
 * writing the reason: a ranking assesses every candidate and explains only the page it shows.
 */
export function assessLocation(job: JobLocation, candidate: CandidateLocation): LocationAssessment {
  return judge(job, candidate, false);
}

/** The fit with its reason, and the constraint broken with the same reason. */
export function locationFit(job: JobLocation, candidate: CandidateLocation): LocationFit {
  const { fit, constraint, reason } = judge(job, candidate, true);
  return { fit, reason, constraint: constraint === null ? null : { code: constraint, reason } };
}

// Owns skill levels weighed against evidence: what a candidate claims in their skill list is checked
// against what their resume shows, the way a recruiter reads a CV. The resume is read entry by
// entry (one line or paragraph each; a "Skills:" or "Keywords:" label starts a new one): a list is
// claims, not evidence; an entry about a bootcamp, course, degree, hobby or personal project is
// learning; an entry with dates ("2018 to present", "since 2019") is dated work; otherwise each
// sentence is work, dated when it states a span ("Five years as a recruiter.") and undated if not.
// Each skill then gets one level with a short reason:
//
// - used in dated work: the years it was used give the level (a senior title adds one), and a
//   claim may go one step above that, never more;
// - named in undated work: the claim stands, within what the candidate's years allow (unclaimed: 2);
// - only in learning: at most 2, whatever is claimed;
// - claimed but never shown in a resume long enough to show it: at most 3 (in one too short to
//   show anything, at most 4).
//
// Every level is also held within the candidate's total years (a year or less allows 2, under three
// allow 3, under six allow 4), so a long list of fives after two years reads as the claim it is.
// Skills the resume shows but the list leaves out are added with the level their evidence gives,
// and a narrower skill shown counts as showing a broader one claimed (FreeRTOS shows "RTOS").
import { broaderSkills, canonicalSkill, extractSkills, skillKey } from './skills.js';
import { countWords, tokenise } from './tokenise.js';
import type { MatchCandidate, SkillLevel } from './types.js';

export interface SkillEvidence {
  /** The canonical name for known skills, else the candidate's spelling. */
  skill: string;
  /** The level matching uses. */
  level: SkillLevel;
  /** What the candidate's skill list says; null for a skill found only in the resume. */
  claimed: SkillLevel | null;
  /** Years of dated work that show the skill; null when no dated entry names it. */
  workYears: number | null;
  /** Named in work (dated or not), not only in learning or in the skill list. */
  atWork: boolean;
  /** What the level rests on; evidenceReason puts it in words. */
  basis: 'dated' | 'undated' | 'learning' | 'thin' | 'unshown';
  /** Dated work with the skill was in a senior role. */
  senior: boolean;
}

interface CandidateEvidence {
  /** By skill key. */
  skills: Map<string, SkillEvidence>;
  /**
   * Whether the resume dates its entries with ranges ("2018 to present"), as structured CVs do,
   * which makes "years with the job's skills" knowable. Narrative resumes ("Five years as a data
   * scientist.") state a career's length, not each skill's.
   */
  datedEntries: boolean;
}

type EntryKind = 'dated' | 'undated' | 'learning' | 'list';

interface Entry {
  kind: EntryKind;
  years: number;
  /** Dated by a range rather than a stated span. */
  ranged: boolean;
  senior: boolean;
  text: string;
  wordCount: number;
}

const YEAR = '(?:19|20)\\d\\d';
const RANGE = new RegExp(
  `(${YEAR})\\s*(?:to|until|till|through|-|–|—)\\s*(${YEAR}|present|now|today|current|date)`,
  'gi',
);
const SINCE = new RegExp(`\\bsince\\s+(${YEAR})`, 'gi');
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
};
const SPAN =
  /\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\+?\s+(years?|months?|weeks?)\b/gi;
const LEARNING =
  /\b(boot ?camps?|courses?|tutorials?|hobby|hobbies|personal projects?|side projects?|pet projects?|projects\s*:|student|studies|studying|self-taught|tutor|apprenticeship|b\.?\s?sc|m\.?\s?sc|bachelor'?s?|master'?s degree|degree|diploma)\b/i;
const LIST_LABEL = /\b(?:skills|key skills|keywords|technologies|tech stack|tools|competencies)\s*:/gi;
const LIST = /^\s*(?:skills|key skills|keywords|technologies|tech stack|tools|competencies)\s*[:\-–]/i;
const SENIOR = /\b(senior|lead|principal|staff|head of|architect|chief|director|manager)\b/i;

/** Years an entry's date ranges cover, from its earliest start to its latest end; 0 without any. */
function rangeYears(text: string, asOfYear: number): number {
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  // Years past asOfYear have not happened: "2025 to 2060" counts to asOfYear.
  for (const [, from, to] of text.matchAll(RANGE)) {
    if (Number(from) > asOfYear) continue;
    earliest = Math.min(earliest, Number(from));
    latest = Math.max(latest, Math.min(asOfYear, /^\d/.test(to!) ? Number(to) : asOfYear));
  }
  for (const [, from] of text.matchAll(SINCE)) {
    if (Number(from) > asOfYear) continue;
    earliest = Math.min(earliest, Number(from));
    latest = Math.max(latest, asOfYear);
  }
  return latest >= earliest ? Math.max(0.5, Math.min(50, latest - earliest)) : 0;
}

/** The longest span a sentence states ("for three years", "18 months"); 0 without any. */
function statedYears(text: string): number {
  let stated = 0;
  for (const [, count, unit] of text.matchAll(SPAN)) {
    const value = NUMBER_WORDS[count!.toLowerCase()] ?? Number(count);
    const perYear = unit!.toLowerCase().startsWith('year')
      ? 1
      : unit!.toLowerCase().startsWith('month')
        ? 12
        : 52;
    stated = Math.max(stated, value / perYear);
  }
  return Math.min(50, stated);
}

function entry(text: string, kind: EntryKind, years: number, ranged = false): Entry {
  const wordCount = countWords(text);
  const title = text.split(/[.,;:(]/, 1)[0] ?? '';
  const senior = kind === 'dated' && SENIOR.test(title);
  return { text, kind, years, ranged, senior, wordCount };
}

/**
 * One line or paragraph of a resume as entries. A list is one entry, and so is one dated by a
 * range (a range dates the whole CV entry it heads; learning when its title says so), and a
 * learning entry (its heading says so: "Java Bootcamp (12 weeks, 2024).", "Hobby projects: ..."). Otherwise each sentence is an entry of its
 * own, since a stated span ("Five years as a recruiter.") dates only its own sentence and a degree
 * named at the end ("MSc in Statistics.") makes only that sentence learning.
 */
function readEntries(text: string, asOfYear: number): Entry[] {
  if (LIST.test(text)) return [entry(text, 'list', 0)];
  const years = rangeYears(text, asOfYear);
  // A dated entry is learning when its title says so ("Java Bootcamp, Code Camp (2024 to 2024)"),
  // not when the employer's name does ("Staff Engineer, Example Video Tutorials Ltd (2014 to ...)").
  const title = text.split(/[,(]/, 1)[0]!;
  if (years > 0)
    return [LEARNING.test(title) ? entry(text, 'learning', 0) : entry(text, 'dated', years, true)];
  const sentences = text.split(/(?<=[.!?])\s+/);
  if (LEARNING.test(sentences[0]!)) return [entry(text, 'learning', 0)];
  return sentences.map((sentence) => {
    if (LEARNING.test(sentence)) return entry(sentence, 'learning', 0);
    const stated = statedYears(sentence);
    return entry(sentence, stated > 0 ? 'dated' : 'undated', stated);
  });
}

/** A level as a whole number 1..5, or null when there is none to read (NaN, missing). */
export function clampLevel(level: number | null): SkillLevel | null {
  return level !== null && Number.isFinite(level)
    ? (Math.min(5, Math.max(1, Math.round(level))) as SkillLevel)
    : null;
}

/** Levels a career of this many years makes believable. */
export function levelForYears(years: number): SkillLevel {
  return years <= 1 ? 2 : years < 3 ? 3 : years < 6 ? 4 : 5;
}

/** Fewer words than this (outside "Skills:" lists) cannot show whether a claim is real. */
const THIN_RESUME_WORDS = 40;
/** The most a skill claimed but never shown in a resume long enough to show it is worth. */
const UNSHOWN_CAP: SkillLevel = 3;
/** A resume too short to show anything cannot confirm a top level either. */
const THIN_CAP: SkillLevel = 4;
const LEARNING_CAP: SkillLevel = 2;
/** A skill the list leaves out and undated work only names ("screened for Kubernetes") is weak evidence. */
const UNCLAIMED_UNDATED: SkillLevel = 2;

interface Seen {
  skill: string;
  dated: number;
  senior: boolean;
  undated: boolean;
  learning: boolean;
}

const min = (a: number, b: number) => Math.min(a, b) as SkillLevel;
const plural = (value: number, unit: string) => `${value} ${unit}${value === 1 ? '' : 's'}`;
const roundYears = (years: number) => Math.round(years * 2) / 2;

function judge(
  claimed: SkillLevel | null,
  seen: Seen | undefined,
  cap: SkillLevel,
  thin: boolean,
): { level: SkillLevel; basis: SkillEvidence['basis'] } {
  if (seen && seen.dated > 0) {
    const shown = Math.min(5, levelForYears(seen.dated) + (seen.senior ? 1 : 0)) as SkillLevel;
    return { level: min(Math.max(shown, Math.min(claimed ?? 0, shown + 1)), cap), basis: 'dated' };
  }
  if (seen?.undated) return { level: min(claimed ?? UNCLAIMED_UNDATED, cap), basis: 'undated' };
  if (seen?.learning)
    return { level: min(claimed ?? LEARNING_CAP, min(LEARNING_CAP, cap)), basis: 'learning' };
  if (thin) return { level: min(claimed ?? 1, min(THIN_CAP, cap)), basis: 'thin' };
  return { level: min(claimed ?? 1, min(UNSHOWN_CAP, cap)), basis: 'unshown' };
}

/** Where a level comes from, in one short sentence ("claimed 5; only in courses or projects"). */
export function evidenceReason(evidence: SkillEvidence): string {
  const claim = evidence.claimed === null ? 'found in the resume' : `claimed ${evidence.claimed}`;
  switch (evidence.basis) {
    case 'dated': {
      const role = evidence.senior ? ', in a senior role' : '';
      return `${claim}; used for ${plural(roundYears(evidence.workYears ?? 0), 'year')} at work${role}`;
    }
    case 'undated':
      return `${claim}; named in the resume's work`;
    case 'learning':
      return `${claim}; only in courses or projects`;
    case 'thin':
      return `${claim}; the resume is too short to show it`;
    case 'unshown':
      return `${claim}; not shown in the resume`;
  }
}

/**
 * Every skill the candidate claims or the resume shows, with the level matching should use.
 * `asOfYear` ends open ranges ("2018 to present").
 */
export function weighEvidence(candidate: MatchCandidate, asOfYear: number): CandidateEvidence {
  // A list label starts an entry of its own even mid-paragraph ("... Keywords: Node.js, AWS").
  const entries = candidate.resumeText
    .replace(LIST_LABEL, '\n$&')
    .split(/\n+/)
    .filter((text) => text.trim() !== '')
    .flatMap((text) => readEntries(text, asOfYear));
  const seen = new Map<string, Seen>();
  const note = (key: string, skill: string, entry: Entry) => {
    let record = seen.get(key);
    if (!record) {
      record = { skill, dated: 0, senior: false, undated: false, learning: false };
      seen.set(key, record);
    }
    if (entry.kind === 'dated') {
      record.dated += entry.years;
      record.senior ||= entry.senior;
    } else if (entry.kind === 'undated') record.undated = true;
    else if (entry.kind === 'learning') record.learning = true;
  };
  const claims = new Map<string, { skill: string; level: SkillLevel }>();
  for (const { name, level: given } of candidate.skills) {
    const key = skillKey(name);
    const level = clampLevel(given) ?? 1;
    const seenLevel = claims.get(key)?.level ?? 0;
    if (level > seenLevel) claims.set(key, { skill: canonicalSkill(name) ?? name.trim(), level });
  }
  let resumeWords = 0;
  for (const entry of entries) {
    if (entry.kind === 'list') continue;
    resumeWords += entry.wordCount;
    // A narrower skill shown shows a broader one claimed: FreeRTOS in a hobby project is how the
    // resume shows a claimed "RTOS", Java EE at work a claimed "Java". Once per entry, so an entry
    // naming both counts its years once.
    const shown = new Map<string, string>();
    for (const skill of extractSkills(entry.text)) {
      const key = skillKey(skill);
      shown.set(key, skill);
      for (const broader of broaderSkills(key)) {
        const claim = claims.get(broader);
        if (claim && !shown.has(broader)) shown.set(broader, claim.skill);
      }
    }
    for (const [key, skill] of shown) note(key, skill, entry);
    // A claimed skill also counts when its own words appear in the entry: one outside the
    // vocabulary, or one too ambiguous to count in prose unclaimed ("Go", "C").
    let words: string | undefined;
    for (const [key, claim] of claims) {
      if (shown.has(key)) continue;
      words ??= ` ${tokenise(entry.text).join(' ')} `;
      if (words.includes(` ${key} `)) note(key, claim.skill, entry);
    }
  }
  const cap = levelForYears(Number.isFinite(candidate.yearsExperience) ? candidate.yearsExperience : 0);
  const thin = resumeWords < THIN_RESUME_WORDS;
  const skills = new Map<string, SkillEvidence>();
  for (const key of new Set([...claims.keys(), ...seen.keys()])) {
    const claim = claims.get(key);
    const record = seen.get(key);
    if (!claim && !(record && (record.dated > 0 || record.undated || record.learning))) continue;
    const { level, basis } = judge(claim?.level ?? null, record, cap, thin);
    skills.set(key, {
      skill: record?.skill ?? claim!.skill,
      level,
      claimed: claim?.level ?? null,
      workYears: record && record.dated > 0 ? record.dated : null,
      atWork: record !== undefined && (record.dated > 0 || record.undated),
      basis,
      senior: basis === 'dated' && record!.senior,
    });
  }
  return { skills, datedEntries: entries.some((entry) => entry.ranged) };
}

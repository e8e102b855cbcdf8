// Owns skill identity: the shipped alias table (skill-aliases.json, hand-compiled for this project;
// its "about" field says how), canonical names for skill lists, and recognising skills in free
// text for jobs ingested without a skill list. The table becomes a word trie once, at import; a
// broken table (an alias claimed by two skills, a prose rule naming no alias) fails the import.
import table from './skill-aliases.json' with { type: 'json' };
import { tokenise, words } from './tokenise.js';

/** Whether an alias counts when met in free text: always, only capitalised ("Swift"), or never ("Go"). */
type ProseRule = 'any' | 'capital' | 'never';

interface PhraseNode {
  skill: string | null;
  prose: ProseRule;
  next: Map<string, PhraseNode>;
}

const root = new Map<string, PhraseNode>();

/** Words after the first lose a leading dot, so "Node.js" and "node js" are one phrase, ".NET" stays. */
const dotless = (word: string) => (word.startsWith('.') ? word.slice(1) : word);
const phrase = (text: string) =>
  tokenise(text.normalize('NFKC')).map((word, i) => (i === 0 ? word : dotless(word)));

function find(path: string[]): PhraseNode | undefined {
  let level = root;
  let node: PhraseNode | undefined;
  for (const word of path) {
    node = level.get(word);
    if (!node) return undefined;
    level = node.next;
  }
  return node;
}

function insert(path: string[], skill: string, alias: string): void {
  let level = root;
  let node: PhraseNode | undefined;
  for (const word of path) {
    node = level.get(word);
    if (!node) {
      node = { skill: null, prose: 'any', next: new Map() };
      level.set(word, node);
    }
    level = node.next;
  }
  if (!node) throw new Error(`skill alias "${alias}" has no words`);
  if (node.skill !== null && node.skill !== skill) {
    throw new Error(`skill alias "${alias}" is claimed by "${node.skill}" and "${skill}"`);
  }
  node.skill = skill;
}

for (const [skill, aliases] of Object.entries(table.skills)) {
  for (const alias of [skill, ...aliases]) insert(phrase(alias), skill, alias);
}
for (const [rule, aliases] of [
  ['never', table.notInProse],
  ['capital', table.proseNeedsCapital],
] as const) {
  for (const alias of aliases) {
    const node = find(phrase(alias));
    if (!node?.skill) throw new Error(`prose rule "${rule}" names "${alias}", which is no alias`);
    node.prose = rule;
  }
}

interface Resolved {
  canonical: string | null;
  /** What matching compares: the canonical name, else the name's lower-case words. */
  key: string;
}

// Ranking resolves the same few thousand names over and over (every candidate's skill list), so
// resolutions are remembered; the cache is emptied when full rather than growing without bound.
const CACHE_LIMIT = 20_000;
const cache = new Map<string, Resolved>();

function resolve(name: string): Resolved {
  let resolved = cache.get(name);
  if (resolved === undefined) {
    const path = phrase(name);
    const canonical = find(path)?.skill ?? null;
    resolved = { canonical, key: canonical ?? (path.join(' ') || name.trim().toLowerCase()) };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, resolved);
  }
  return resolved;
}

/** The canonical name of a known skill in any spelling ("JS", "ECMAScript" -> "javascript"), else null. */
export function canonicalSkill(name: string): string | null {
  return resolve(name).canonical;
}

/** The name two skills share when they are the same skill; unknown skills compare by their words. */
export function skillKey(name: string): string {
  return resolve(name).key;
}

const capitalised = (word: string) => {
  const first = dotless(word).charAt(0);
  return first !== first.toLowerCase();
};

/** Phrases never span punctuation that separates items or sentences ("Swift, UI" is not SwiftUI). */
const CLAUSE_BREAK = /[,;:!?()[\]{}"|\n]|\.(?=\s|$)/;

/** Adds to `found` the skills in one clause's words, longest alias first, each alias's words consumed. */
function matchClause(original: string[], found: Set<string>): void {
  const lower = original.map((word) => word.toLowerCase());
  let start = 0;
  while (start < lower.length) {
    let level = root;
    let match: string | null = null;
    let matchEnd = start + 1;
    for (let i = start; i < lower.length; i++) {
      const node = level.get(i === start ? lower[i]! : dotless(lower[i]!));
      if (!node) break;
      const counts = node.prose === 'any' || (node.prose === 'capital' && capitalised(original[start]!));
      if (node.skill !== null && counts) {
        match = node.skill;
        matchEnd = i + 1;
      }
      level = node.next;
    }
    if (match !== null) found.add(match);
    start = matchEnd;
  }
}

/**
 * Canonical skills named in free text, in order of first mention. The longest alias wins and
 * consumes its words ("React Native" is not also "React"); ambiguous aliases follow the table's
 * prose rules ("Go", "C" never count, "Swift" only capitalised).
 */
export function extractSkills(text: string): string[] {
  const found = new Set<string>();
  for (const clause of text.normalize('NFKC').split(CLAUSE_BREAK)) matchClause(words(clause), found);
  return [...found];
}

// Owns skill identity: the shipped skill table (skill-aliases.json: canonical names, aliases, prose
// rules and broader skills), canonical names for skill lists, how two skills relate (the same, one a
// kind of the other, or neither), and recognising skills in free text: job descriptions ingested
// without a skill list and resume text. The table becomes a word trie and a relation graph once, at
// import; a broken table (an alias claimed by two skills, a prose rule naming no alias or given two
// rules, a relation naming no skill, a cycle of relations) fails the import (compileSkillTable is
// exported so tests can show that on broken tables). It never scores: what a narrower or broader
// skill is worth is pair scoring's call.
//
// The table is compiled by hand. No maintained skills taxonomy could be shipped from the
// registries this project reaches (npm and Debian), checked 2026-11-30:
// - ESCO (EU, free reuse with attribution), O*NET (US DoL, CC BY 4.0) and Lightcast Open Skills:
//   no npm or Debian package ships their data; their downloads and APIs are outside what the
//   project's machines reach, and emsi-skills-api 1.0.0 (MIT) is only a client for Lightcast's
//   API, needing credentials and the network at run time.
// - linguist-languages 9.5.0 (MIT, GitHub Linguist's language list, kept current): a file-type
//   registry, not a skills one. Its aliases are code-fence names, some wrong for skills ("node" is
//   JavaScript, "terraform" is HCL, "emacs" is Emacs Lisp), its groups are file-type groups (SCSS
//   is not under CSS), and its 830 names add hundreds of obscure languages that are English words
//   in prose.
// - devicon 2.17.0 (MIT): icon names with free-form tags ("css", "testing"), no relations.
// - @anticrm/skillset 0.6.0 (EPL-2.0): 17 flat categories of ~600 strings, no aliases, no hierarchy.
// - skills 1.0.0 (ISC, files from 2016; the name now belongs to an agent-skills CLI): a bare list of
//   Stack Exchange tag names, no synonyms, no hierarchy, unmaintained, and its data comes from
//   CC BY-SA content. Stack Overflow's tag synonyms themselves are in its data dumps only.
//
// Relations ("broader" in the table) read: holding the narrower skill shows the broader one
// (FreeRTOS is an RTOS, Spring Boot is Spring is Java, Postgres shows SQL, pytest shows Python).
// Strict supersets count (TypeScript shows JavaScript, Objective-C shows C); siblings do not (Kotlin
// is not Java, C++ is not C, Docker is not DevOps). "C/C++" is a skill that C and C++ both show.
import table from './skill-aliases.json' with { type: 'json' };
import { forEachWord, tokenise } from './tokenise.js';

/**
 * Whether an alias counts when met in free text: always, only with a capital first letter ("Swift"),
 * only in capitals ("CAN", "REST"), or never ("Go").
 */
type ProseRule = 'any' | 'capital' | 'upper' | 'never';

/** One word of an alias in the trie; `skill` is set where an alias ends. */
interface PhraseNode {
  skill: string | null;
  prose: ProseRule;
  next: Map<string, PhraseNode>;
}

/** The table's shape: see the "about" field of skill-aliases.json. */
export interface SkillTable {
  notInProse: readonly string[];
  proseNeedsCapital: readonly string[];
  proseNeedsAllCapitals: readonly string[];
  skills: Readonly<Record<string, readonly string[]>>;
  broader: Readonly<Record<string, readonly string[]>>;
}

/** A table compiled for lookups: a word trie of aliases and each skill's broader skills, closed transitively. */
interface Vocabulary {
  readonly root: ReadonlyMap<string, PhraseNode>;
  /** Broader skills, nearest first. */
  readonly ancestors: ReadonlyMap<string, readonly string[]>;
}

/** Words after the first lose a leading dot, so "Node.js" and "node js" are one phrase, ".NET" stays. */
const dotless = (word: string) => (word.startsWith('.') ? word.slice(1) : word);
const phrase = (text: string) =>
  tokenise(text.normalize('NFKC')).map((word, i) => (i === 0 ? word : dotless(word)));

function find(root: ReadonlyMap<string, PhraseNode>, path: string[]): PhraseNode | undefined {
  let level = root;
  let node: PhraseNode | undefined;
  for (const word of path) {
    node = level.get(word);
    if (!node) return undefined;
    level = node.next;
  }
  return node;
}

function insert(root: Map<string, PhraseNode>, path: string[], skill: string, alias: string): void {
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

function buildTrie(source: SkillTable): Map<string, PhraseNode> {
  const root = new Map<string, PhraseNode>();
  for (const [skill, aliases] of Object.entries(source.skills)) {
    for (const alias of [skill, ...aliases]) insert(root, phrase(alias), skill, alias);
  }
  for (const [rule, aliases] of [
    ['never', source.notInProse],
    ['capital', source.proseNeedsCapital],
    ['upper', source.proseNeedsAllCapitals],
  ] as const) {
    for (const alias of aliases) {
      const node = find(root, phrase(alias));
      if (!node?.skill) throw new Error(`prose rule "${rule}" names "${alias}", which is no alias`);
      if (node.prose !== 'any') throw new Error(`"${alias}" has two prose rules, ${node.prose} and ${rule}`);
      node.prose = rule;
    }
  }
  return root;
}

/** Each skill's direct broader skills, checked: every name a skill, none its own, none twice, no cycle. */
function checkedRelations(source: SkillTable): Map<string, readonly string[]> {
  const broaderOf = new Map<string, readonly string[]>();
  for (const [skill, parents] of Object.entries(source.broader)) {
    for (const name of [skill, ...parents]) {
      if (!Object.hasOwn(source.skills, name)) {
        throw new Error(`skill relation names "${name}", which is no skill`);
      }
    }
    if (parents.includes(skill)) throw new Error(`skill "${skill}" is listed as broader than itself`);
    if (new Set(parents).size !== parents.length)
      throw new Error(`skill "${skill}" lists a broader skill twice`);
    broaderOf.set(skill, parents);
  }
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (skill: string) => {
    if (done.has(skill)) return;
    const at = path.indexOf(skill);
    if (at >= 0) throw new Error(`skill relations form a cycle: ${[...path.slice(at), skill].join(' -> ')}`);
    path.push(skill);
    for (const parent of broaderOf.get(skill) ?? []) visit(parent);
    path.pop();
    done.add(skill);
  };
  for (const skill of broaderOf.keys()) visit(skill);
  return broaderOf;
}

/** Compiles a skill table, throwing on a broken one. The module compiles the shipped table at import. */
export function compileSkillTable(source: SkillTable): Vocabulary {
  const root = buildTrie(source);
  const broaderOf = checkedRelations(source);
  const ancestors = new Map<string, readonly string[]>();
  for (const [skill, parents] of broaderOf) {
    // Breadth first, so the nearest broader skills come first.
    const seen = new Set<string>();
    const queue = [...parents];
    for (let i = 0; i < queue.length; i++) {
      const parent = queue[i]!;
      if (seen.has(parent)) continue;
      seen.add(parent);
      queue.push(...(broaderOf.get(parent) ?? []));
    }
    ancestors.set(skill, Object.freeze([...seen]));
  }
  return { root, ancestors };
}

const { root, ancestors } = compileSkillTable(table);
const NONE: readonly string[] = Object.freeze([]);

interface Resolved {
  canonical: string | null;
  /** What matching compares: the canonical name, else the name's lower-case words. */
  key: string;
}

// Ranking resolves the same few thousand names over and over (every candidate's skill list), so
// resolutions are remembered; the cache is emptied when full rather than growing without bound.
const CACHE_LIMIT = 20_000;
const cache = new Map<string, Resolved>();

/** A trailing version ("Java 17", "Python 3.11", "WCAG 2.x", "Angular v16", "C++ 17+"). */
const VERSION = /^(v?\d+\+?|x)$/;

/** The skill a word path names, ignoring a trailing version when the whole path is no alias. */
function lookup(path: string[]): string | null {
  const exact = find(root, path)?.skill;
  if (exact) return exact;
  let end = path.length;
  while (end > 1 && VERSION.test(path[end - 1]!)) end--;
  return end < path.length ? (find(root, path.slice(0, end))?.skill ?? null) : null;
}

/**
 * "Accessibility (WCAG)" names the skill outside the brackets, qualified by the one inside: the
 * outer name when it is known, else the inner one ("Container orchestration (Kubernetes)").
 */
function bracketed(name: string): string | null {
  const match = /^([^()]*)\(([^()]*)\)([^()]*)$/.exec(name);
  if (!match) return null;
  return lookup(phrase(`${match[1]} ${match[3]}`)) ?? lookup(phrase(match[2]!));
}

function resolve(name: string): Resolved {
  let resolved = cache.get(name);
  if (resolved === undefined) {
    const path = phrase(name);
    const canonical = lookup(path) ?? (name.includes('(') ? bracketed(name) : null);
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

/**
 * The skills a skill is a kind of or shows, by key, nearest first and transitively ("freertos" ->
 * ["rtos", "embedded systems"]). Empty for skills the table relates to nothing and unknown skills.
 */
export function broaderSkills(key: string): readonly string[] {
  return ancestors.get(key) ?? NONE;
}

const capitalised = (word: string) => {
  const first = dotless(word).charAt(0);
  return first !== first.toLowerCase();
};

const inCapitals = (word: string) => {
  const bare = dotless(word);
  return bare !== bare.toLowerCase() && bare === bare.toUpperCase();
};

/** Whether an alias's node counts in prose, given the original spelling of the alias's first word. */
function counts(node: PhraseNode, first: string): boolean {
  switch (node.prose) {
    case 'any':
      return true;
    case 'capital':
      return capitalised(first);
    case 'upper':
      return inCapitals(first);
    case 'never':
      return false;
  }
}

/** Phrases never span punctuation that separates items or sentences ("Swift, UI" is not SwiftUI). */
const CLAUSE_BREAK = /[,;:!?()[\]{}"|\n]|\.(?=\s|$)/;

/** Words and marks that join an elided list: "Cortex-M4 and M7", "Cortex-M0/M3", "Excel & Word". */
const JOINERS = new Set(['and', 'or']);
const JOINING_MARKS = /^\s*[/&]\s*$/;

/** A clause's words in their original case, with where each starts and ends. */
function clauseWords(clause: string) {
  const original: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  forEachWord(clause, (start, end) => {
    original.push(clause.slice(start, end));
    starts.push(start);
    ends.push(end);
  });
  return { original, starts, ends };
}

/** Whether only "/" or "&" stands between word i - 1 and word i of the clause. */
const joinedByMark = (clause: string, starts: number[], ends: number[], i: number) =>
  i > 0 && JOINING_MARKS.test(clause.slice(ends[i - 1], starts[i]));

/**
 * Adds to `found` the skills in one clause, longest alias first, each alias's words consumed.
 * After an alias of several words, a sibling last word joined to it ("and", "or", "/", "&") is read
 * with the same leading words ("Cortex-M4 and M7" is also Cortex-M7).
 */
function matchClause(clause: string, found: Set<string>): void {
  const { original, starts, ends } = clauseWords(clause);
  const lower = original.map((word) => word.toLowerCase());
  let start = 0;
  while (start < lower.length) {
    let level = root;
    let match: string | null = null;
    let matchEnd = start + 1;
    let siblings: ReadonlyMap<string, PhraseNode> | null = null;
    for (let i = start; i < lower.length; i++) {
      const node = level.get(i === start ? lower[i]! : dotless(lower[i]!));
      if (!node) break;
      if (node.skill !== null && (node.prose === 'any' || counts(node, original[start]!))) {
        match = node.skill;
        matchEnd = i + 1;
        siblings = i > start ? level : null;
      }
      level = node.next;
    }
    if (match !== null) found.add(match);
    while (siblings !== null && matchEnd < lower.length) {
      const joined = JOINERS.has(lower[matchEnd]!) ? matchEnd + 1 : matchEnd;
      if (joined === matchEnd && !joinedByMark(clause, starts, ends, matchEnd)) break;
      const sibling = joined < lower.length ? siblings.get(dotless(lower[joined]!)) : undefined;
      if (sibling?.skill == null || !counts(sibling, original[start]!)) break;
      found.add(sibling.skill);
      matchEnd = joined + 1;
    }
    start = matchEnd;
  }
}

/**
 * Canonical skills named in free text, in order of first mention. The longest alias wins and
 * consumes its words ("React Native" is not also React, "Spring Boot" not also Spring); ambiguous
 * aliases follow the table's prose rules ("Go", "C" never count, "Swift" only capitalised, "CAN"
 * and "REST" only in capitals).
 */
export function extractSkills(text: string): string[] {
  const found = new Set<string>();
  for (const clause of text.normalize('NFKC').split(CLAUSE_BREAK)) matchClause(clause, found);
  return [...found];
}

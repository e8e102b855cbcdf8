// Owns how matching splits text into words, the one rule shared by BM25 and by skill recognition so
// "C++", "C#", ".NET" and "Node.js" read the same in a skill list, an alias and a resume: runs of
// letters and digits, with a directly preceding "." kept (".net") and trailing "+" or "#" kept
// ("c++", "c#"). A hand-written scanner rather than a RegExp because preparing profiles reads
// millions of words when many change at once (bench/matching/rank.ts, "cold"): it reports word
// bounds without building a match object per word.

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Per UTF-16 code unit: 0 not yet known, 1 part of a word, 2 not. Filled lazily beyond ASCII. */
const wordCodes = new Uint8Array(65_536);
for (let code = 0; code < 128; code++) {
  wordCodes[code] = LETTER_OR_DIGIT.test(String.fromCharCode(code)) ? 1 : 2;
}

function isWordCode(code: number): boolean {
  let known = wordCodes[code]!;
  if (known === 0) {
    known = LETTER_OR_DIGIT.test(String.fromCharCode(code)) ? 1 : 2;
    wordCodes[code] = known;
  }
  return known === 1;
}

const DOT = 46;
const PLUS = 43;
const HASH = 35;

/** Calls visit with each word's bounds in `text`. */
export function forEachWord(text: string, visit: (start: number, end: number) => void): void {
  const length = text.length;
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : DOT;
    if (code < 128 ? wordCodes[code] === 1 : isWordCode(code)) {
      if (start < 0) start = i > 0 && text.charCodeAt(i - 1) === DOT ? i - 1 : i;
    } else if (start >= 0) {
      let end = i;
      while (text.charCodeAt(end) === PLUS || text.charCodeAt(end) === HASH) end += 1;
      visit(start, end);
      start = -1;
      i = end - 1;
    }
  }
}

/** How many words, without building them. */
export function countWords(text: string): number {
  let count = 0;
  forEachWord(text, () => {
    count += 1;
  });
  return count;
}

/** Words in their original case, for checks that care about capitals. */
function words(text: string): string[] {
  const found: string[] = [];
  forEachWord(text, (start, end) => found.push(text.slice(start, end)));
  return found;
}

/** Lower-case words. */
export function tokenise(text: string): string[] {
  return words(text.toLowerCase());
}

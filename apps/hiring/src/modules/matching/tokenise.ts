// Owns how matching splits text into words, the one rule shared by BM25 and by skill recognition so
// "C++", "C#", ".NET" and "Node.js" read the same in a skill list, an alias and a resume: runs of
// letters and digits, with a directly preceding "." kept (".net") and trailing "+" or "#" kept
// ("c++", "c#"). A hand-written scanner rather than a RegExp because ranking reads millions of
// words a request: it hashes each word as it goes, so BM25 looks words up without creating a
// string per word. Measured with bench/matching/rank.ts (10,000 resumes of ~320 words), ranking
// took ~350 ms p50 with String.prototype.match and a Map lookup per word, ~235 ms with this.

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

/** Calls visit with each word's bounds in `text` and a 32-bit hash of its code units. */
export function forEachWord(text: string, visit: (start: number, end: number, hash: number) => void): void {
  const length = text.length;
  let start = -1;
  let hash = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : DOT;
    if (code < 128 ? wordCodes[code] === 1 : isWordCode(code)) {
      if (start < 0) {
        const dotted = i > 0 && text.charCodeAt(i - 1) === DOT;
        start = dotted ? i - 1 : i;
        hash = dotted ? DOT : 0;
      }
      hash = (Math.imul(hash, 31) + code) | 0;
    } else if (start >= 0) {
      let end = i;
      for (let tail = code; tail === PLUS || tail === HASH; tail = text.charCodeAt(++end)) {
        hash = (Math.imul(hash, 31) + tail) | 0;
      }
      visit(start, end, hash);
      start = -1;
      i = end - 1;
    }
  }
}

/** Words in their original case, for checks that care about capitals. */
export function words(text: string): string[] {
  const found: string[] = [];
  forEachWord(text, (start, end) => found.push(text.slice(start, end)));
  return found;
}

/** Lower-case words. */
export function tokenise(text: string): string[] {
  return words(text.toLowerCase());
}

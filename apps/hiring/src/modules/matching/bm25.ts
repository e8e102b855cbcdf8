// Owns text relevance: Okapi BM25 (k1 = 1.2, b = 0.75, Lucene's always-positive idf) of one query
// against a set of documents, divided by the best score in the set so the best match scores 1.
//
// Texts are read once into term bags (each distinct word as a number, with its count, and the
// text's length) when a job or profile is prepared, and prepared inputs are kept while they do not
// change (see ranking/prepared-cache.ts), so a ranking only walks small numeric arrays: no text is
// split, lower-cased or looked up per request. A word's number is a 53-bit hash of its characters
// (two 32-bit FNV-1a variants), the same in every process and for every text, with no vocabulary
// to grow: two different words share a number with odds of about one in 2^53 per pair.
//
// Written here rather than taken from a library because it is small and needs per-set
// normalisation over a set chosen per request (the candidates an organisation may see). Measured
// on 10,000 documents of 250 words: minisearch 7.2 spends ~2.7 s building its full radix-tree index
// before the first search; okapibm25 1.4 compiles a RegExp per (document, term) and matches
// substrings ("java" inside "javascript"); wink-bm25-text-search needs a consolidation step and
// refuses small collections.
import { forEachWord } from './tokenise.js';

const K1 = 1.2;
const B = 0.75;
/** The second hash keeps 21 bits: 32 + 21 = 53, the integers a double holds exactly. */
const LOW_BITS = 2 ** 21;

/** A text's distinct words as 53-bit numbers, ascending, with their counts. */
export interface TermBag {
  terms: Float64Array;
  counts: Uint16Array;
  /** Words in the text, repeats included. */
  length: number;
}

export function termBag(text: string): TermBag {
  const lower = text.toLowerCase();
  const counts = new Map<number, number>();
  let length = 0;
  forEachWord(lower, (start, end) => {
    length += 1;
    let high = 0x811c9dc5;
    let low = 0x01000193;
    for (let i = start; i < end; i++) {
      const code = lower.charCodeAt(i);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low ^ code, 0x5bd1e995);
    }
    low ^= low >>> 15;
    const term = (high >>> 0) * LOW_BITS + ((low >>> 0) >>> 11);
    counts.set(term, Math.min(65_535, (counts.get(term) ?? 0) + 1));
  });
  const terms = Float64Array.from(counts.keys()).sort();
  return { terms, counts: Uint16Array.from(terms, (term) => counts.get(term)!), length };
}

/** The query's words in an open-addressing table: term -> its index among the query's words. */
class QueryIndex {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(terms: Float64Array) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(16, terms.length * 4)));
    this.keys = new Float64Array(size);
    this.values = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    terms.forEach((term, i) => {
      let slot = this.slot(term);
      while (this.values[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.keys[slot] = term;
      this.values[slot] = i;
    });
  }

  /** `term | 0` keeps the low 32 bits (21 of the second hash, 11 of the first), a cheap spread. */
  private slot(term: number): number {
    return (term | 0) & this.mask;
  }

  /** The term's index among the query's words, or -1. */
  find(term: number): number {
    for (let slot = this.slot(term); ; slot = (slot + 1) & this.mask) {
      const value = this.values[slot]!;
      if (value < 0 || this.keys[slot] === term) return value;
    }
  }
}

/** Relevance of each document to the query's distinct words, in document order, each in [0, 1]. */
export function bm25Relevance(query: TermBag, documents: readonly TermBag[]): Float64Array {
  const n = documents.length;
  const queryIndex = new QueryIndex(query.terms);

  // One pass over the documents' words keeps, per document, the query words it holds and how often
  // (matches[starts[d] .. starts[d + 1]), packed as query index << 16 | count).
  const documentFrequency = new Uint32Array(query.terms.length);
  const starts = new Uint32Array(n + 1);
  let matches = new Uint32Array(Math.max(16, n * 4));
  let used = 0;
  let totalLength = 0;
  for (let d = 0; d < n; d++) {
    const { terms, counts, length } = documents[d]!;
    totalLength += length;
    starts[d] = used;
    for (let i = 0; i < terms.length; i++) {
      const q = queryIndex.find(terms[i]!);
      if (q < 0) continue;
      documentFrequency[q]! += 1;
      if (used === matches.length) {
        const grown = new Uint32Array(matches.length * 2);
        grown.set(matches);
        matches = grown;
      }
      matches[used++] = (q << 16) | counts[i]!;
    }
  }
  starts[n] = used;

  const averageLength = totalLength / n || 1;
  const idf = Float64Array.from(documentFrequency, (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  const scores = new Float64Array(n);
  let best = 0;
  for (let d = 0; d < n; d++) {
    const norm = K1 * (1 - B + (B * documents[d]!.length) / averageLength);
    let score = 0;
    for (let m = starts[d]!; m < starts[d + 1]!; m++) {
      const tf = matches[m]! & 0xffff;
      score += (idf[matches[m]! >>> 16]! * tf * (K1 + 1)) / (tf + norm);
    }
    scores[d] = score;
    if (score > best) best = score;
  }
  if (best > 0) for (let d = 0; d < n; d++) scores[d]! /= best;
  return scores;
}

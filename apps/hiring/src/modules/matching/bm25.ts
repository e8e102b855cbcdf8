// Owns text relevance: Okapi BM25 (k1 = 1.2, b = 0.75, Lucene's always-positive idf) of one query
// against a set of documents, divided by the best score in the set so the best match scores 1.
//
// Texts are read once into term bags (each distinct word as a number, with its count, and the
// text's length) when a job or profile is prepared, and prepared inputs are kept while they do not
// change (see ranking/prepared-cache.ts), so a ranking only walks small integer arrays: no text is
// split, lower-cased or hashed per request. Word numbers come from one vocabulary for the process,
// capped at MAX_TERMS distinct words; a word first met after the cap counts towards a text's length
// but can match nothing (in practice the vocabulary of resumes and postings is far smaller).
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
const MAX_TERMS = 2_000_000;

const vocabulary = new Map<string, number>();

/** A text's distinct words as vocabulary numbers, ascending, with their counts. */
export interface TermBag {
  terms: Uint32Array;
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
    const word = lower.slice(start, end);
    let term = vocabulary.get(word);
    if (term === undefined) {
      if (vocabulary.size >= MAX_TERMS) return;
      term = vocabulary.size;
      vocabulary.set(word, term);
    }
    counts.set(term, Math.min(65_535, (counts.get(term) ?? 0) + 1));
  });
  const terms = Uint32Array.from(counts.keys()).sort();
  return { terms, counts: Uint16Array.from(terms, (term) => counts.get(term)!), length };
}

/** Relevance of each document to the query's distinct words, in document order, each in [0, 1]. */
export function bm25Relevance(query: TermBag, documents: readonly TermBag[]): Float64Array {
  const n = documents.length;
  const queryIndex = new Int32Array(vocabulary.size).fill(-1);
  for (let i = 0; i < query.terms.length; i++) queryIndex[query.terms[i]!] = i;

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
      const q = queryIndex[terms[i]!]!;
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

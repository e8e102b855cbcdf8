// Text relevance reads words the way skills are written and scores whole words only.
import { describe, expect, it } from 'vitest';
import { bm25Relevance as bm25OfBags, termBag } from '../../src/modules/matching/bm25.js';
import { tokenise } from '../../src/modules/matching/tokenise.js';

describe('tokenise', () => {
  it('keeps the marks that make a skill name: C++, C#, .NET', () => {
    expect(tokenise('C++/C# and .NET, Node.js; Zürich 2024!')).toEqual([
      'c++',
      'c#',
      'and',
      '.net',
      'node',
      '.js',
      'zürich',
      '2024',
    ]);
    expect(tokenise('')).toEqual([]);
    expect(tokenise(' ,;- ')).toEqual([]);
  });
});

/** Relevance of each text to the query, read into term bags as prepared inputs are. */
const bm25Relevance = (query: string, documents: string[]) => [
  ...bm25OfBags(termBag(query), documents.map(termBag)),
];

describe('bm25Relevance', () => {
  const query = 'Senior Kubernetes engineer, Zürich';

  it('scores documents that use the query words higher, the best at 1', () => {
    const scores = bm25Relevance(query, [
      'I cook pasta',
      'Kubernetes operator in ZÜRICH',
      'Kubernetes',
      'Senior Kubernetes engineer based in Zürich',
    ]);
    expect(scores[0]).toBe(0);
    expect(scores[3]).toBe(1);
    expect(scores[1]!).toBeGreaterThan(scores[2]!);
    expect(scores[2]!).toBeGreaterThan(0);
  });

  it('matches whole words only', () => {
    expect(bm25Relevance('java', ['javascript developer', 'java developer'])).toEqual([0, 1]);
    expect(bm25Relevance('c++', ['c developer', 'c++ developer'])).toEqual([0, 1]);
  });

  it('prefers the shorter of two documents with the same matches', () => {
    const [long, short] = bm25Relevance('kafka', [`kafka ${'filler '.repeat(50)}`, 'kafka streams']);
    expect(short).toBe(1);
    expect(long!).toBeLessThan(1);
  });

  it('counts every occurrence of a word in a term bag, in any case', () => {
    const bag = termBag('Kafka, kafka and KAFKA streams');
    expect(bag.length).toBe(5);
    expect([...bag.counts].sort()).toEqual([1, 1, 3]);
    // The same words give the same numbers, in any order and in any text.
    expect(termBag('streams and kafka').terms).toEqual(termBag('kafka and streams').terms);
    expect(termBag('Kafka').terms[0]).toBe(
      termBag('all about kafka').terms.find((term) => term === termBag('kafka').terms[0]),
    );
    expect(new Set(termBag('java javascript jav a').terms).size).toBe(4);
  });

  it('is 0 everywhere when nothing matches, and empty for no documents', () => {
    expect(bm25Relevance('', ['anything'])).toEqual([0]);
    expect(bm25Relevance(query, ['', 'nothing relevant'])).toEqual([0, 0]);
    expect(bm25Relevance(query, [])).toEqual([]);
  });
});

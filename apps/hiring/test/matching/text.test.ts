// Text relevance reads words the way skills are written and scores whole words only.
import { describe, expect, it } from 'vitest';
import { bm25Relevance } from '../../src/modules/matching/bm25.js';
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

  it('is 0 everywhere when nothing matches, and empty for no documents', () => {
    expect(bm25Relevance('', ['anything'])).toEqual([0]);
    expect(bm25Relevance(query, ['', 'nothing relevant'])).toEqual([0, 0]);
    expect(bm25Relevance(query, [])).toEqual([]);
  });
});

// A job seen on two boards is stored once: dedupe recognises known duplicates (same board id, same
// canonical URL, or the same title, company and place written differently) and keeps near misses
// (another role at the same company, the same title in another city) apart.
import { describe, expect, it } from 'vitest';
import {
  createDedupeIndex,
  type NormalizedPosting,
  type PostingKeys,
  postingKeys,
} from '../../src/modules/ingestion/index.js';
import { canonicalUrl } from '../../src/modules/ingestion/normalise.js';
import { fixtureJson } from './fixture-server.js';

type Identifying = Pick<
  NormalizedPosting,
  'source' | 'sourceJobId' | 'title' | 'company' | 'location' | 'url'
> & {
  workplaceType: NormalizedPosting['workplaceType'];
};
interface Pair {
  duplicate: boolean;
  why: string;
  a: Identifying;
  b: Identifying;
}

const { pairs } = fixtureJson<{ pairs: Pair[] }>('dedupe-pairs.json');

function posting(fields: Identifying): NormalizedPosting {
  return {
    ...fields,
    descriptionHtml: '',
    descriptionText: '',
    employmentType: null,
    salary: null,
    postedAt: null,
    validThrough: null,
    canonicalUrl: canonicalUrl(fields.url),
  };
}

const keys = (fields: Identifying) => postingKeys(posting(fields));

describe('dedupe on the labelled pairs', () => {
  it('reaches precision >= 0.95 and recall >= 0.90', () => {
    const duplicates = pairs.filter((pair) => pair.duplicate).length;
    expect(duplicates).toBeGreaterThanOrEqual(30);
    expect(pairs.length - duplicates).toBeGreaterThanOrEqual(30);
    let truePositives = 0;
    let falsePositives = 0;
    const mistakes: string[] = [];
    for (const pair of pairs) {
      const index = createDedupeIndex([{ id: 'a', keys: keys(pair.a) }]);
      const found = index.match(keys(pair.b)) !== null;
      if (found && pair.duplicate) truePositives += 1;
      if (found && !pair.duplicate) falsePositives += 1;
      if (found !== pair.duplicate) mistakes.push(`${pair.duplicate ? 'missed' : 'merged'}: ${pair.why}`);
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / duplicates;
    console.log(
      `dedupe: ${duplicates} duplicate and ${pairs.length - duplicates} distinct pairs; ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n  ${mistakes.join('\n  ')}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});

describe('dedupe index', () => {
  const stored = pairs.find((pair) => pair.why.startsWith('München')) as Pair;

  it('matches by board id first, then canonical URL, then fingerprint', () => {
    const a = keys(stored.a);
    const index = createDedupeIndex([
      {
        id: 'by-fingerprint',
        keys: { sourceKey: 'lever:x', canonicalUrl: 'https://x.example/1', fingerprint: a.fingerprint },
      },
      { id: 'by-url', keys: { sourceKey: 'lever:y', canonicalUrl: a.canonicalUrl, fingerprint: 'other' } },
      {
        id: 'by-source',
        keys: { sourceKey: a.sourceKey, canonicalUrl: 'https://x.example/2', fingerprint: 'other' },
      },
    ]);
    expect(index.match(a)).toEqual({ id: 'by-source', by: 'source' });
    expect(index.match({ ...a, sourceKey: 'jsonld:new' })).toEqual({ id: 'by-url', by: 'url' });
    expect(index.match({ ...a, sourceKey: 'jsonld:new', canonicalUrl: 'https://new.example' })).toEqual({
      id: 'by-fingerprint',
      by: 'fingerprint',
    });
    expect(
      index.match({ sourceKey: 'jsonld:new', canonicalUrl: 'https://new.example', fingerprint: 'new' }),
    ).toBeNull();
  });

  it('remembers postings added during a run, keeping the first owner of a key', () => {
    const index = createDedupeIndex([]);
    const a = keys(stored.a);
    const b = keys(stored.b);
    expect(index.match(b)).toBeNull();
    index.add('first', a);
    index.add('second', { ...a, sourceKey: 'lever:other' });
    expect(index.match(b)).toEqual({ id: 'first', by: 'fingerprint' });
  });

  it('never matches on empty keys or a source key without an id', () => {
    const empty: PostingKeys = { sourceKey: 'greenhouse:', canonicalUrl: '', fingerprint: '' };
    const index = createDedupeIndex([{ id: 'blank', keys: empty }]);
    expect(index.match(empty)).toBeNull();
    expect(keys({ ...stored.a, company: '' }).fingerprint).toBe('');
  });
});

// Prepared inputs are reused only under the version they were prepared from, a row gone since it
// was listed is never served from an older version, and the cache grows to the pools it serves but
// stays within its ceiling while still answering every row asked for in one call.
import { describe, expect, it } from 'vitest';
import { PreparedCache } from '../../src/modules/ranking/prepared-cache.js';

/** A preparer that records which ids it was asked for and prepares "<id>@<version>". */
function preparer(versions: Map<string, string>) {
  const asked: string[][] = [];
  const prepare = async (ids: string[]) => {
    asked.push(ids);
    return new Map(ids.filter((id) => versions.has(id)).map((id) => [id, `${id}@${versions.get(id)}`]));
  };
  return { asked, prepare };
}
const rows = (versions: Map<string, string>) => [...versions].map(([id, version]) => ({ id, version }));

describe('prepared cache', () => {
  it('prepares each row once per version, in one batch, and answers in the order asked', async () => {
    const versions = new Map([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
    ]);
    const cache = new PreparedCache<string>({ floor: 10, ceiling: 10 });
    const { asked, prepare } = preparer(versions);
    expect(await cache.getAll(rows(versions), prepare)).toEqual(['a@1', 'b@1', 'c@1']);
    expect(await cache.getAll(rows(versions), prepare)).toEqual(['a@1', 'b@1', 'c@1']);
    versions.set('b', '2');
    expect(await cache.getAll(rows(versions), prepare)).toEqual(['a@1', 'b@2', 'c@1']);
    expect(asked).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('leaves out a row deleted between listing and preparing, never its older version', async () => {
    const versions = new Map([['a', '1']]);
    const cache = new PreparedCache<string>({ floor: 10, ceiling: 10 });
    const { prepare } = preparer(versions);
    await cache.getAll(rows(versions), prepare);
    versions.delete('a');
    expect(await cache.getAll([{ id: 'a', version: '2' }], prepare)).toEqual([]);
  });

  it('grows to the largest pool asked for, so a big pool is not prepared again each time', async () => {
    const versions = new Map(Array.from({ length: 5 }, (_, i) => [`r${i}`, '1'] as [string, string]));
    const cache = new PreparedCache<string>({ floor: 2, ceiling: 10 });
    const { asked, prepare } = preparer(versions);
    await cache.getAll(rows(versions), prepare);
    await cache.getAll(rows(versions), prepare);
    expect(cache.size).toBe(5);
    expect(asked).toHaveLength(1);
  });

  it('keeps at most its ceiling, dropping the longest kept first, yet answers a bigger pool whole', async () => {
    const versions = new Map(Array.from({ length: 5 }, (_, i) => [`r${i}`, '1'] as [string, string]));
    const cache = new PreparedCache<string>({ floor: 2, ceiling: 3 });
    const { asked, prepare } = preparer(versions);
    expect(await cache.getAll(rows(versions), prepare)).toHaveLength(5);
    expect(cache.size).toBe(3);
    await cache.getAll([{ id: 'r4', version: '1' }], prepare);
    expect(asked).toHaveLength(1);
    await cache.getAll([{ id: 'r0', version: '1' }], prepare);
    expect(asked.at(-1)).toEqual(['r0']);
  });
});

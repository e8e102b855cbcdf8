// Range requests: one `bytes=` range is served as 206 with the bytes asked for, a range past the end
// is 416, and anything else (several ranges, other units, garbage) falls back to the whole object.
import { describe, expect, it } from 'vitest';
import { parseByteRange } from '../../src/storage/index.js';

describe('parseByteRange', () => {
  it('reads first-last, open-ended and suffix ranges', () => {
    expect(parseByteRange('bytes=0-0', 1000)).toEqual({ start: 0, end: 0 });
    expect(parseByteRange('bytes=100-199', 1000)).toEqual({ start: 100, end: 199 });
    expect(parseByteRange('bytes=10-', 1000)).toEqual({ start: 10, end: 999 });
    expect(parseByteRange('bytes=-500', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseByteRange('Bytes=0-1', 1000)).toEqual({ start: 0, end: 1 });
  });

  it('clamps an end past the object and a suffix longer than it', () => {
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('answers unsatisfiable for a start past the end, an empty suffix or an empty object', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=1000-1001', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-0', 0)).toBe('unsatisfiable');
  });

  it('ignores an absent header, several ranges, other units and garbage (whole object)', () => {
    expect(parseByteRange(undefined, 1000)).toBeNull();
    expect(parseByteRange('', 1000)).toBeNull();
    expect(parseByteRange('bytes=0-1,5-9', 1000)).toBeNull();
    expect(parseByteRange('items=0-1', 1000)).toBeNull();
    expect(parseByteRange('bytes=-', 1000)).toBeNull();
    expect(parseByteRange('bytes=5-1', 1000)).toBeNull();
    expect(parseByteRange('bytes=a-b', 1000)).toBeNull();
    expect(parseByteRange('bytes=0x10-20', 1000)).toBeNull();
    expect(parseByteRange('bytes=1.5-2', 1000)).toBeNull();
  });
});

// Owns reading an HTTP Range header (RFC 9110 section 14) for one object. Only a single `bytes=`
// range is honoured: several ranges, other units and malformed headers are ignored (the whole
// object is served with 200, which the RFC allows); a syntactically fine range that selects no byte
// of the object is 'unsatisfiable' (416 with `Content-Range: bytes */size`).
const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

export function parseByteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.POSITIVE_INFINITY : Number(last);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

// Owns how int8 (bigint) columns reach JavaScript on both backends: as numbers, because counts,
// ids and money in minor units fit 2^53 comfortably; a value beyond that fails loudly instead of
// being silently rounded.
export const INT8_OID = 20;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`int8 value ${text} does not fit a JavaScript number`);
  return value;
}

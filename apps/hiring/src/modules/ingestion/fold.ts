// Owns the one way ingestion compares words: Unicode-normalised, diacritics dropped, lower case,
// anything but letters and digits turned into single spaces. Used for places and fingerprints.

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

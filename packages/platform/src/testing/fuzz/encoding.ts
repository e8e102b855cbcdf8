// Owns how generated text is put on the wire: base64url, header-safe and URL-safe text, loose
// percent-encoding and JSON text.

export const base64url = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/** Header values as they can travel on the wire: no control characters, nothing beyond latin1. */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

/** Raw URL text as a client can send it: printable ASCII, everything else percent-encoded. */
export function urlSafe(value: string): string {
  return [...value]
    .map((char) => {
      if (/[!-~]/.test(char) && char !== '#') return char;
      // A lone surrogate has no UTF-8 form; send the bytes a careless encoder would.
      return /^[\ud800-\udfff]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char);
    })
    .join('');
}

/** encodeURIComponent, except that a lone surrogate is sent as the bytes a careless encoder makes. */
export function encodeLoosely(value: string): string {
  return [...value]
    .map((char) => (/^[\ud800-\udfff]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char)))
    .join('');
}

export function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

// Owns what ingestion does with HTML it did not write: sanitising descriptions to an allow-list
// (sanitize-html), turning them into plain text, undoing a layer of entity escaping, and finding
// the JSON-LD blocks of a page (htmlparser2). Nothing from a board reaches a reader unsanitised.
import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: (
    'p br hr div span h2 h3 h4 h5 h6 strong b em i u s sub sup ul ol li dl dt dd blockquote pre code a ' +
    'table thead tbody tr th td'
  ).split(' '),
  allowedAttributes: { a: ['href', 'title', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // A board's page title is ours to set; their <h1> becomes a heading inside the description.
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
  },
};

export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).trim();
}

/** Some JSON-LD sends HTML escaped once more (`&lt;p&gt;`); unescapes it when it has no real tags. */
export function unescapeIfEscaped(html: string): string {
  return !/<[a-z/!]/i.test(html) && /&lt;[a-z/]/i.test(html) ? decodeHTML(html) : html;
}

const SKIPPED = new Set(['script', 'style', 'noscript', 'template']);
const BLOCKS = new Set(
  'p br hr div li ul ol dt dd tr td th table blockquote pre h1 h2 h3 h4 h5 h6 section article header footer'.split(
    ' ',
  ),
);

/** Visible text with entities decoded and all whitespace collapsed to single spaces. */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipping = 0;
  const parser = new Parser({
    onopentag(name) {
      if (SKIPPED.has(name)) skipping += 1;
      else if (BLOCKS.has(name)) parts.push(' ');
    },
    onclosetag(name) {
      if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
      else if (BLOCKS.has(name)) parts.push(' ');
    },
    ontext(text) {
      if (skipping === 0) parts.push(text);
    },
  });
  parser.end(html);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** The raw contents of every `<script type="application/ld+json">` of a page. */
export function jsonLdBlocks(html: string): string[] {
  const blocks: string[] = [];
  let current: string[] | null = null;
  const parser = new Parser({
    onopentag(name, attributes) {
      const type = (attributes.type ?? '').split(';')[0]?.trim().toLowerCase();
      if (name === 'script' && type === 'application/ld+json') current = [];
    },
    ontext(text) {
      current?.push(text);
    },
    onclosetag(name) {
      if (name === 'script' && current) {
        blocks.push(current.join(''));
        current = null;
      }
    },
  });
  parser.end(html);
  return blocks;
}

// Owns reading schema.org JobPosting JSON-LD from any careers page: every
// `<script type="application/ld+json">` block, walked through arrays, @graph and nesting, with
// baseSalary as a MonetaryAmount whose value is a number or a QuantitativeValue. A block that is
// not JSON is skipped (raw control characters are forgiven first); a page whose blocks all fail
// is an error. Postings without a URL of their own on a page of several keep the page URL with a
// fragment, so they neither collide with each other nor with the page.
import { SourceError } from '../fetcher.js';
import { fold } from '../fold.js';
import { jsonLdBlocks, unescapeIfEscaped } from '../html.js';
import { countryCode, parseLocation } from '../location.js';
import { canonicalUrl, cleanText, employmentType, finishPosting, isoDate, salary } from '../normalise.js';
import type { NormalizedPosting, PostingLocation, Salary } from '../types.js';
import { type AdapterContext, isRecord } from './context.js';

type Node = Record<string, unknown>;
const MAX_DEPTH = 12;

function parseBlock(block: string): unknown {
  try {
    return JSON.parse(block);
  } catch {
    try {
      return JSON.parse(block.replace(/\p{Cc}+/gu, ' '));
    } catch {
      return undefined;
    }
  }
}

function isJobPosting(node: Node): boolean {
  const type = node['@type'];
  return type === 'JobPosting' || (Array.isArray(type) && type.includes('JobPosting'));
}

function collect(value: unknown, found: Node[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) for (const item of value) collect(item, found, depth + 1);
  else if (isRecord(value)) {
    if (isJobPosting(value)) found.push(value);
    else for (const child of Object.values(value)) collect(child, found, depth + 1);
  }
}

/** Every JobPosting node of a page, in document order. */
export function jobPostingNodes(html: string): Node[] {
  const blocks = jsonLdBlocks(html);
  const parsed = blocks.map(parseBlock).filter((value) => value !== undefined);
  if (blocks.length > 0 && parsed.length === 0) throw new SourceError('error', 'malformed JSON-LD');
  const found: Node[] = [];
  collect(parsed, found, 0);
  return found;
}

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);
const text = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? cleanText(String(value)) || null : null;

/** A country given as a code, a name or a schema.org Country. */
function countryIn(value: unknown): string | null {
  const country = first(value);
  return countryCode(text(isRecord(country) ? country.name : country));
}

function jobLocation(node: Node): PostingLocation {
  const place = first(node.jobLocation);
  const address = isRecord(place) ? place.address : place;
  if (place === undefined) {
    // A remote posting may name only the country its applicants must live in.
    return { city: null, region: null, country: countryIn(node.applicantLocationRequirements) };
  }
  if (!isRecord(address)) return parseLocation(text(address));
  return {
    city: text(address.addressLocality),
    region: text(address.addressRegion),
    country: countryIn(address.addressCountry),
  };
}

function baseSalary(node: Node): Salary | null {
  const amount = first(node.baseSalary);
  if (!isRecord(amount)) return null;
  const value = isRecord(amount.value) ? amount.value : { value: amount.value, unitText: amount.unitText };
  return salary(
    value.minValue ?? value.value,
    value.maxValue ?? value.value,
    amount.currency,
    value.unitText,
  );
}

function identifier(node: Node): string | null {
  const id = first(node.identifier);
  return text(isRecord(id) ? id.value : id);
}

export function normaliseJsonLdPosting(
  node: Node,
  pageUrl: string,
  postingsOnPage: number,
): NormalizedPosting | null {
  const title = text(node.title) ?? text(node.name) ?? '';
  const location = jobLocation(node);
  const ownUrl = text(node.url);
  const url = ownUrl && URL.canParse(ownUrl, pageUrl) ? new URL(ownUrl, pageUrl).href : null;
  const slug = fold(`${title} ${location.city ?? ''}`).replace(/ /g, '-');
  const sharesPage = url === null && postingsOnPage > 1;
  const postingUrl = url ?? (sharesPage ? `${pageUrl.split('#')[0]}#${slug}` : pageUrl);
  const organisation = first(node.hiringOrganization);
  return finishPosting(
    {
      source: 'jsonld',
      sourceJobId: identifier(node) ?? canonicalUrl(postingUrl, sharesPage),
      title,
      company: text(isRecord(organisation) ? organisation.name : organisation) ?? new URL(pageUrl).hostname,
      html: unescapeIfEscaped(typeof node.description === 'string' ? node.description : ''),
      location,
      workplaceType: first(node.jobLocationType) === 'TELECOMMUTE' ? 'remote' : null,
      employmentType: employmentType(node.employmentType),
      salary: baseSalary(node),
      postedAt: isoDate(node.datePosted),
      validThrough: isoDate(node.validThrough),
      url: postingUrl,
    },
    sharesPage,
  );
}

export async function fetchJsonLd(config: { url: string }, context: AdapterContext): Promise<void> {
  const html = await context.fetcher.text(config.url, 'text/html,application/xhtml+xml');
  const nodes = jobPostingNodes(html);
  for (const node of nodes) context.add(normaliseJsonLdPosting(node, config.url, nodes.length));
}

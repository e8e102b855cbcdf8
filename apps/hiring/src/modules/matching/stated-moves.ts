// Owns the moves a resume announces ("relocating to Munich", "Umzug nach Wien"): the phrases that
// announce one, the place named after them, resolved through the gazetteer (places.ts). Pure and
// synchronous; it never throws and never touches the network.
import { fold } from '../ingestion/fold.js';
import { resolveCountry } from './countries.js';
import { type ResolvedPlace, resolveCity, resolvePlace, resolveRegion } from './places.js';

/** A place name as written in prose: capitalised words, with the particles of names between. */
const PLACE_AHEAD =
  /^(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+(?:(?:am|an|der|de|del|di|la|le|les|los|upon|on|sur|im|ob)\s+)*\p{Lu}[\p{L}\p{M}'’.-]*){0,4})(?:\s*,\s*(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,2}))?/u;

/**
 * Phrases that announce a move, not one already made ("moved to Berlin in 2019" is where they
 * live now) nor a mere willingness ("open to relocation"). Case-insensitive; the place after it
 * must be capitalised, so "moving to a new team" names no place.
 */
const MOVE_PHRASE =
  /\b(?:moving|relocating|(?:will|going\s+to|plan(?:ning)?\s+to|about\s+to|intend(?:ing)?\s+to|due\s+to)\s+(?:move|relocate)|relocation|umzug|ziehen?(?:\s+\p{L}+){0,3}?)\s+(?:back\s+)?(?:to|nach)\s+(?:the\s+)?/giu;

/**
 * Technologies that are also the (alternate) name of some town: "moving to Rust" or "moving to
 * Spring Boot" is a stack change, not a move. Big-city names (Phoenix, Mesa) stay places.
 */
const NOT_PLACES_IN_PROSE = new Set(
  'ada alpine apollo agile arch basic bun chef consul crystal dart delphi elixir erlang go java julia kotlin lean mercury meteor mongo nim nomad oracle pascal perl puppet ruby rust scala spring swift unity vault'.split(
    ' ',
  ),
);

/** The verbs of MOVE_PHRASE, found fast; the full phrase is then matched only around each. */
const MOVE_HINT = /mov(?:e|ing)\b|relocat(?:e|ing|ion)\b|umzug|zieh/gi;

/** Two-letter country names that prose uses ("moving to the US"); others read as words ("IT"). */
const SHORT_COUNTRY_NAMES = new Set(['US', 'UK', 'USA']);

/** The longest leading run of words that names a place: country, then city, then region. */
function placeFromWords(phrase: string, hint: string | undefined): ResolvedPlace | null {
  const words = phrase.split(/\s+/);
  const hintCountry = hint ? resolveCountry(fold(hint)) : null;
  for (let n = words.length; n > 0; n--) {
    const name = words
      .slice(0, n)
      .join(' ')
      .replace(/[.’']+$/, '');
    const key = fold(name);
    if (NOT_PLACES_IN_PROSE.has(key)) continue;
    const country = resolveCountry(key);
    if (country && (key.length > 3 || SHORT_COUNTRY_NAMES.has(name)))
      return resolvePlace({ city: null, region: null, country });
    if (resolveCity(key, hintCountry, null) !== null)
      return resolvePlace({ city: name, region: null, country: hintCountry });
    const region = resolveRegion(key, hintCountry);
    if (region) return resolvePlace({ city: null, region: name, country: region.slice(0, 2) });
  }
  return null;
}

/** No resume states more moves than this; the rest of a text repeating move phrases is not read. */
const MAX_PHRASES = 20;

/** Places a resume says the person is moving to, resolved; unknown names are left out. */
export function findStatedMoves(text: string): ResolvedPlace[] {
  if (typeof text !== 'string' || text === '') return [];
  const found = new Map<string, ResolvedPlace>();
  // Windows around nearby hints overlap: each phrase (by where it starts) is read once.
  const read = new Set<number>();
  try {
    for (const hint of text.matchAll(MOVE_HINT)) {
      if (read.size >= MAX_PHRASES) break;
      const offset = Math.max(0, hint.index - 24);
      const window = text.slice(offset, hint.index + 240);
      for (const match of window.matchAll(MOVE_PHRASE)) {
        if (read.has(offset + match.index) || read.size >= MAX_PHRASES) continue;
        read.add(offset + match.index);
        const from = match.index + match[0].length;
        const place = PLACE_AHEAD.exec(window.slice(from, from + 160));
        const resolved = place ? placeFromWords(place[1]!, place[2]) : null;
        if (resolved) found.set(`${resolved.city}|${resolved.region}|${resolved.country}`, resolved);
      }
    }
  } catch {
    // A data file that cannot be read leaves no moves to find.
  }
  return [...found.values()];
}

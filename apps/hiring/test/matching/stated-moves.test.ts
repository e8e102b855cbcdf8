// Stated moves: the places a resume says the person is moving to, resolved through the gazetteer;
// moves already made, willingness without a place and technology changes are not moves.
import { describe, expect, it } from 'vitest';
import type { ResolvedPlace } from '../../src/modules/matching/places.js';
import { findStatedMoves } from '../../src/modules/matching/stated-moves.js';

const labels = (places: ResolvedPlace[]) => places.map((place) => place.label);

describe('stated moves', () => {
  it('finds the places a resume says the person is moving to', () => {
    expect(labels(findStatedMoves('We are moving to Munich this year.'))).toEqual(['Munich, DE']);
    expect(labels(findStatedMoves('Relocating to Berlin in March 2025.'))).toEqual(['Berlin, DE']);
    expect(labels(findStatedMoves('I am moving to Germany with my family.'))).toEqual(['Germany']);
    expect(labels(findStatedMoves('Planning to relocate to Lisbon, Portugal.'))).toEqual(['Lisbon, PT']);
    expect(labels(findStatedMoves('I will move to Vienna in autumn'))).toEqual(['Vienna, AT']);
    expect(labels(findStatedMoves('Moving to the US next year'))).toEqual(['United States of America']);
    expect(labels(findStatedMoves('Umzug nach München geplant'))).toEqual(['Munich, DE']);
    expect(labels(findStatedMoves('relocating to Frankfurt am Main'))).toEqual(['Frankfurt am Main, DE']);
  });

  it('finds several moves once each', () => {
    const text = 'Moving to Munich. Then moving to München for good, and relocating to Hamburg.';
    expect(labels(findStatedMoves(text))).toEqual(['Munich, DE', 'Hamburg, DE']);
  });

  it('ignores moves already made, willingness without a place, and phrases that name no place', () => {
    expect(findStatedMoves('Moved to Paris in 2019 and worked there since.')).toEqual([]);
    expect(findStatedMoves('Open to relocation.')).toEqual([]);
    expect(findStatedMoves('Moving to a new team in the same company.')).toEqual([]);
    expect(findStatedMoves('Moving to IT security after years in support.')).toEqual([]);
    expect(findStatedMoves('Moving to Narnia soon.')).toEqual([]);
    expect(findStatedMoves('Lives in Munich.')).toEqual([]);
  });

  it('reads technology moves as stack changes, not places', () => {
    for (const stack of ['Rust', 'Spring Boot', 'Go', 'Kubernetes', 'Julia', 'Crystal', 'Ada'])
      expect(findStatedMoves(`We are moving to ${stack} for the backend.`), stack).toEqual([]);
  });

  it('never throws on bad input', () => {
    expect(findStatedMoves('')).toEqual([]);
    expect(findStatedMoves(null as unknown as string)).toEqual([]);
    expect(() => findStatedMoves('moving to '.repeat(5_000))).not.toThrow();
    expect(() => findStatedMoves(`moving to ${'A'.repeat(100_000)}`)).not.toThrow();
  });
});

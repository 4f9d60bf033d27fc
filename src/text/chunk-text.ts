import { graphemes } from './graphemes.ts';

/**
 * `text` cut into consecutive pieces of at most `maxUnits` UTF-16 units that join back to it, cut
 * between grapheme clusters. A cluster longer than `maxUnits` is cut between its code points (at
 * real limits only stacked combining marks are that long). Only with `maxUnits` 1 can a piece be longer: a code point outside the
 * BMP (two units, e.g. an emoji) is then a piece of its own rather than half a character.
 */
export function chunkText(text: string, maxUnits: number): string[] {
  if (!Number.isInteger(maxUnits) || maxUnits < 1) {
    throw new RangeError(`chunk size must be a positive integer, got ${maxUnits}`);
  }
  if (text.length <= maxUnits) return text === '' ? [] : [text];
  const chunks: string[] = [];
  let current = '';
  for (const cluster of graphemes(text, maxUnits)) {
    if (current !== '' && current.length + cluster.length > maxUnits) {
      chunks.push(current);
      current = '';
    }
    current += cluster;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

import { chunkText } from '../../text/chunk-text.ts';

/** A piece of text and the separator that joins it to the piece before it. */
interface Unit {
  readonly text: string;
  readonly sep: string;
}

const PARAGRAPH = /\n[ \t]*\n+/;
// A sentence ends with . ! ? … (optionally followed by closing quotes/brackets) and whitespace.
const SENTENCE_END = /(?<=[.!?…]["»”’)\]]*)\s+/u;

/**
 * Splits a long text into segments of at most `maxChars` characters (UTF-16 units), cutting on
 * paragraph boundaries first, then on sentence boundaries, then between words, and only as a last
 * resort inside a word, between two grapheme clusters (an emoji sent to the LLM stays whole, and
 * the request stays valid UTF-8). Order is kept; whitespace inside paragraphs is kept, blank lines
 * between them become one. Deterministic, so a resumed job cuts the same segments it was quoted with.
 */
export function segmentText(text: string, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 1)
    throw new RangeError('maxChars must be a positive integer');
  const normalized = text.replace(/\r\n?/g, '\n').trim();
  if (normalized === '') return [];
  const units: Unit[] = [];
  normalized
    .split(PARAGRAPH)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .forEach((paragraph, i) => {
      const first = units.length;
      for (const piece of splitToFit(paragraph, maxChars)) units.push({ text: piece, sep: ' ' });
      if (i > 0 && units[first]) units[first] = { text: units[first].text, sep: '\n\n' };
    });
  return pack(units, maxChars);
}

/** A paragraph as pieces no longer than maxChars: itself, its sentences, words, or hard cuts. */
function splitToFit(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const sentences = paragraph.split(SENTENCE_END).filter((s) => s !== '');
  if (sentences.length > 1) return sentences.flatMap((s) => splitToFit(s, maxChars));
  const words = paragraph.split(/\s+/).filter((w) => w !== '');
  if (words.length > 1) return packWords(words, maxChars);
  return chunkText(paragraph, maxChars);
}

/** Words joined by single spaces into runs that fit; a word longer than maxChars is cut. */
function packWords(words: string[], maxChars: number): string[] {
  const runs: string[] = [];
  let current = '';
  for (const word of words) {
    if (word.length > maxChars) {
      if (current) runs.push(current);
      current = '';
      runs.push(...chunkText(word, maxChars));
      continue;
    }
    if (current && current.length + 1 + word.length > maxChars) {
      runs.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) runs.push(current);
  return runs;
}

/** Greedily joins units (each already short enough) into segments of at most maxChars. */
function pack(units: Unit[], maxChars: number): string[] {
  const segments: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current === '') current = unit.text;
    else if (current.length + unit.sep.length + unit.text.length <= maxChars) current += unit.sep + unit.text;
    else {
      segments.push(current);
      current = unit.text;
    }
  }
  if (current) segments.push(current);
  return segments;
}

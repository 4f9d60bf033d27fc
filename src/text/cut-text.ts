import { segmentGraphemes } from './graphemes.ts';

// Units: every limit here is in UTF-16 code units, i.e. JavaScript's `string.length`. That is how
// Telegram counts a message's 4096, a caption's 1024 and a callback answer's 200 characters (after
// entity parsing; https://core.telegram.org/api/entities counts in UTF-16 code units), and it is never
// less than the number of code points or graphemes, so a text that fits by this count fits by any.

/**
 * The longest prefix of `text` made of whole grapheme clusters that is at most `maxUnits` UTF-16
 * units long; `text` itself when it fits. Empty when not even the first cluster fits.
 */
export function fitText(text: string, maxUnits: number): string {
  checkLimit(maxUnits);
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { index, segment } of segmentGraphemes(text)) {
    if (index + segment.length > maxUnits) break;
    end = index + segment.length;
  }
  // `end` is a grapheme boundary, so this slice cannot split a character.
  return text.slice(0, end);
}

/**
 * `text` unchanged when it is at most `maxUnits` UTF-16 units long; otherwise its longest prefix of
 * whole grapheme clusters, trailing whitespace dropped, followed by `ellipsis`, all together at most
 * `maxUnits` long. Never splits an emoji, a flag, a ZWJ sequence or a letter with its accents.
 */
export function cutText(text: string, maxUnits: number, ellipsis = '…'): string {
  checkLimit(maxUnits);
  if (text.length <= maxUnits) return text;
  if (ellipsis.length > maxUnits) {
    throw new RangeError(`limit ${maxUnits} leaves no room for the ellipsis "${ellipsis}"`);
  }
  const room = maxUnits - ellipsis.length;
  // Whole clusters only; `kept` stops at the last one that is not whitespace.
  let kept = 0;
  for (const { index, segment } of segmentGraphemes(text)) {
    const end = index + segment.length;
    if (end > room) break;
    if (!/^\s+$/u.test(segment)) kept = end;
  }
  return `${text.slice(0, kept)}${ellipsis}`;
}

function checkLimit(maxUnits: number): void {
  if (!Number.isInteger(maxUnits) || maxUnits < 0) {
    throw new RangeError(`limit must be a non-negative integer, got ${maxUnits}`);
  }
}

// The fake cuts as a Telegram client does, with its own segmenter: it must not borrow the bot's text
// helpers, or a bug in them would be mirrored here and pass the tests that should catch it.
const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Telegram's limit on a message's text, in UTF-16 code units (https://core.telegram.org/bots/api#sendmessage). */
export const MESSAGE_MAX_UNITS = 4096;

/**
 * A cut is looked for only past this fraction of the limit, as Telegram Desktop's
 * `TextUtilities::CutPart` does (`half = limit / 2`, break points before it are never used): every
 * part but the last is at least half the limit long.
 */
const BREAK_FROM = 0.5;

/** Looked at to find the first part: a cluster that crosses the limit ends well before this. */
const LOOKAHEAD_UNITS = 1024;

const NEWLINE = /^(?:\r\n|[\n\r\u2028\u2029])$/u;
const SPACE = /^[^\S\r\n\u2028\u2029]$/u;

/**
 * `text` cut as Telegram clients cut a message that is too long to send: parts of at most `limit`
 * UTF-16 units that join back to `text`, each ending after the last newline past half the limit,
 * else after the last space there, else at the last grapheme boundary that fits (never inside a
 * surrogate pair, an emoji ZWJ sequence or a letter with its accents). The break character stays at
 * the end of its part, so nothing is lost.
 */
export function splitLongText(text: string, limit = MESSAGE_MAX_UNITS): string[] {
  if (!Number.isInteger(limit) || limit < 2)
    throw new RangeError(`limit must be an integer ≥ 2, got ${limit}`);
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const part = firstPart(rest, limit);
    parts.push(part);
    rest = rest.slice(part.length);
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

/** The first part of a text longer than `limit`. */
function firstPart(text: string, limit: number): string {
  const from = Math.floor(limit * BREAK_FROM);
  let fits = 0;
  let newline = 0;
  let space = 0;
  for (const { index, segment } of SEGMENTER.segment(text.slice(0, limit + LOOKAHEAD_UNITS))) {
    const end = index + segment.length;
    if (end > limit) {
      // A cluster longer than the limit itself (stacked combining marks) is cut between code points.
      if (fits === 0) fits = codePointsWithin(segment, limit);
      break;
    }
    fits = end;
    if (end <= from) continue;
    if (NEWLINE.test(segment)) newline = end;
    else if (SPACE.test(segment)) space = end;
  }
  return text.slice(0, newline || space || fits);
}

/** How many UTF-16 units of `cluster`'s whole code points fit in `limit` (at least one code point). */
function codePointsWithin(cluster: string, limit: number): number {
  let units = 0;
  for (const point of cluster) {
    if (units > 0 && units + point.length > limit) break;
    units += point.length;
  }
  return units;
}

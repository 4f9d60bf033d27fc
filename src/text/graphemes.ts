// Grapheme clusters are what a reader sees as one character: 'é' written as e + U+0301, a flag (two
// regional indicators), 👍🏽 (emoji + skin tone), 👨‍👩‍👧‍👦 (four emoji joined by U+200D). Cutting inside one
// shows a broken character; cutting inside a surrogate pair also makes the string invalid UTF-8,
// which Telegram refuses ("strings must be encoded in UTF-8"). Grapheme segmentation does not depend
// on the locale (UAX #29 extended grapheme clusters), so one segmenter serves every language.
const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The text's grapheme clusters with their UTF-16 offsets, lazily (cutting a long text reads only its start). */
export function segmentGraphemes(text: string): Iterable<Intl.SegmentData> {
  return SEGMENTER.segment(text);
}

/**
 * The text's grapheme clusters in order, except that a cluster longer than `maxUnits` UTF-16 units
 * comes out as its code points: no real character is that long (the longest emoji sequences take
 * about 15 units), only stacked combining marks are, and a splitter must be able to cut somewhere.
 * Code points still never split a surrogate pair.
 */
export function* graphemes(text: string, maxUnits = Number.POSITIVE_INFINITY): Generator<string> {
  for (const { segment } of SEGMENTER.segment(text)) {
    if (segment.length <= maxUnits) yield segment;
    else yield* segment;
  }
}

/** Advance width of a string in em, from a TrueType font's own metrics (kerning ignored). */
export type MeasureEm = (text: string) => number;

/**
 * Reads `cmap` (format 4, the BMP) and `hmtx` of a TrueType font, so the prompt image wraps lines
 * where the glyphs really end instead of guessing from character counts. Code points the font lacks
 * measure as 0.6 em (resvg draws nothing or a box for them).
 * Table layouts: https://learn.microsoft.com/en-us/typography/opentype/spec/cmap, …/hmtx, …/hhea.
 */
export function fontAdvances(ttf: Uint8Array): MeasureEm {
  const view = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const tables = new Map<string, number>();
  for (let i = 0, n = view.getUint16(4); i < n; i++) {
    const rec = 12 + i * 16;
    tables.set(String.fromCharCode(...ttf.subarray(rec, rec + 4)), view.getUint32(rec + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`the font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const metrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, metrics - 1)) / unitsPerEm;
  const glyphOf = bmpGlyphLookup(view, table('cmap'));
  const cache = new Map<number, number>();
  const width = (cp: number): number => {
    let w = cache.get(cp);
    if (w === undefined) {
      const glyph = cp <= 0xffff ? glyphOf(cp) : 0;
      w = glyph === 0 ? 0.6 : advance(glyph);
      cache.set(cp, w);
    }
    return w;
  };
  return (text) => {
    let em = 0;
    for (const ch of text) em += width(ch.codePointAt(0) ?? 0);
    return em;
  };
}

/** The glyph of a BMP code point from the Windows Unicode (3,1) or Unicode BMP (0,3) format 4 subtable. */
function bmpGlyphLookup(view: DataView, cmap: number): (cp: number) => number {
  let sub: number | undefined;
  for (let i = 0, n = view.getUint16(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const offset = cmap + view.getUint32(rec + 4);
    const isBmp = (platform === 3 && encoding === 1) || (platform === 0 && encoding === 3);
    if (isBmp && view.getUint16(offset) === 4) sub = offset;
  }
  if (sub === undefined) throw new Error('the font has no format 4 Unicode cmap');
  const segments = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  return (cp) => {
    for (let s = 0; s < segments; s++) {
      if (view.getUint16(ends + s * 2) < cp) continue;
      const start = view.getUint16(starts + s * 2);
      if (start > cp) return 0;
      const delta = view.getUint16(deltas + s * 2);
      const rangeAt = rangeOffsets + s * 2;
      const range = view.getUint16(rangeAt);
      if (range === 0) return (cp + delta) & 0xffff;
      const glyph = view.getUint16(rangeAt + range + (cp - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

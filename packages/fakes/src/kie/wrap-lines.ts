import type { MeasureEm } from './font-advances.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Greedy word wrap of `text` into lines at most `maxEm` wide; newlines start a new line, and a word
 * wider than a line is broken between graphemes (never inside one, so no emoji or accent is split).
 */
export function wrapLines(text: string, maxEm: number, measure: MeasureEm): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      const joined = line === '' ? word : `${line} ${word}`;
      if (measure(joined) <= maxEm) {
        line = joined;
        continue;
      }
      if (line !== '') lines.push(line);
      line = '';
      for (const { segment } of graphemes.segment(word)) {
        if (line !== '' && measure(line + segment) > maxEm) {
          lines.push(line);
          line = '';
        }
        line += segment;
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** `line` shortened at a grapheme boundary so that it and a trailing "…" fit in `maxEm`. */
export function ellipsize(line: string, maxEm: number, measure: MeasureEm): string {
  let out = '';
  for (const { segment } of graphemes.segment(line)) {
    if (measure(`${out}${segment}…`) > maxEm) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MESSAGE_MAX_UNITS, splitLongText } from '../../../packages/fakes/src/telegram/split-long-text.ts';
import { FULL_PART_MIN_UNITS } from '../../../src/text/paste-merge.ts';

const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** True when `index` is a grapheme boundary of `text`. */
const isBoundary = (text: string, index: number) =>
  index === text.length || SEGMENTER.segment(text).containing(index)?.index === index;

/** Splits and checks what every split must hold: parts fit, join back, cut between graphemes. */
function split(text: string): string[] {
  const parts = splitLongText(text);
  assert.equal(parts.join(''), text, 'the parts join back to the text');
  let offset = 0;
  for (const [i, part] of parts.entries()) {
    assert.ok(part.length > 0 && part.length <= MESSAGE_MAX_UNITS, `part ${i}: ${part.length} units`);
    offset += part.length;
    assert.ok(isBoundary(text, offset), `part ${i} ends inside a grapheme (at ${offset})`);
    if (i < parts.length - 1) {
      assert.ok(
        part.length >= FULL_PART_MIN_UNITS,
        `a cut part is long enough for the bot to join it: ${part.length}`,
      );
    }
  }
  return parts;
}

describe('splitLongText (a Telegram client cutting a long message)', () => {
  it('keeps a text of exactly 4096 units whole, and cuts one of 4097', () => {
    assert.deepEqual(split('a'.repeat(4096)), ['a'.repeat(4096)]);
    assert.deepEqual(split('a'.repeat(4097)), ['a'.repeat(4096), 'a']);
    assert.deepEqual(split(''), []);
  });

  it('cuts after the last newline past half the limit, else after the last space', () => {
    const paragraphs = `${'x'.repeat(3000)}\n${'y'.repeat(500)} ${'z'.repeat(1000)}`;
    const [first, second] = split(paragraphs);
    assert.equal(first, `${'x'.repeat(3000)}\n`, 'the newline wins over a later space');
    assert.equal(second, `${'y'.repeat(500)} ${'z'.repeat(1000)}`);

    const words = `${'w'.repeat(4000)} ${'v'.repeat(200)}`;
    assert.deepEqual(split(words), [`${'w'.repeat(4000)} `, 'v'.repeat(200)]);
  });

  it('ignores break points in the first half: a cut part is never short', () => {
    const early = `${'a'.repeat(1000)}\n${'b'.repeat(4000)}`;
    const [first] = split(early);
    assert.equal(first?.length, 4096, 'no newline past half: cut at the limit');
  });

  it('never cuts a surrogate pair', () => {
    const text = `${'a'.repeat(4095)}😀tail`;
    const [first, second] = split(text);
    assert.equal(first, 'a'.repeat(4095));
    assert.equal(second, '😀tail');
  });

  it('never cuts an emoji ZWJ sequence, a flag or a letter with its accent', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 units
    for (const cluster of [family, '🇩🇪', 'e\u0301', '👍🏽']) {
      for (let lead = 4096 - cluster.length - 1; lead <= 4096; lead++) {
        const text = `${'a'.repeat(lead)}${cluster}${'b'.repeat(50)}`;
        const parts = split(text);
        assert.ok(
          parts.some((p) => p.includes(cluster)),
          `${cluster} at ${lead} stays whole`,
        );
      }
    }
  });

  it('does not cut after a space that an accent belongs to', () => {
    const text = `${'a'.repeat(4000)} \u0301${'b'.repeat(200)}`;
    split(text);
  });

  it('cuts a 200,000-character text into full parts, looking at only a window of it per part', () => {
    const sentence = 'The team decided to adopt option four. Ann will prepare the budget by Friday.\n';
    const text = sentence.repeat(Math.ceil(200_001 / sentence.length));
    // How fast this runs is the bench's business; here the work is counted instead: each part may
    // segment at most limit + lookahead units, never the whole rest of the text (quadratic on a paste).
    const segment = Intl.Segmenter.prototype.segment;
    let segmented = 0;
    Intl.Segmenter.prototype.segment = function (this: Intl.Segmenter, input: string) {
      segmented += input.length;
      return segment.call(this, input);
    };
    let parts: string[];
    try {
      parts = splitLongText(text);
    } finally {
      Intl.Segmenter.prototype.segment = segment;
    }
    // Lines are short, so every part but the last is as many whole lines as fit.
    const full = Math.floor(MESSAGE_MAX_UNITS / sentence.length) * sentence.length;
    assert.equal(parts.length, Math.ceil(text.length / full), `${parts.length} parts`);
    for (const part of parts.slice(0, -1)) assert.equal(part.length, full, 'as many whole lines as fit');
    assert.equal(parts.join(''), text);
    assert.ok(
      segmented <= parts.length * (MESSAGE_MAX_UNITS + 1024),
      `${segmented} units segmented for ${parts.length} parts`,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocolPrice, segmentText } from '../../../src/services/protocols/index.ts';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('segmentText', () => {
  it('keeps whole paragraphs together while they fit, in order', () => {
    const text = 'First para one.\nStill first.\n\nSecond para.\n\n\n\nThird para here.';
    assert.deepEqual(segmentText(text, 100), [text.replace(/\n{3,}/, '\n\n')]);
    assert.deepEqual(segmentText(text, 30), [
      'First para one.\nStill first.',
      'Second para.\n\nThird para here.',
    ]);
  });

  it('cuts a long paragraph on sentence boundaries, never mid-sentence when a sentence fits', () => {
    const para = 'Alpha beta gamma. Delta epsilon! Zeta eta theta? Iota kappa… Lambda mu.';
    const segments = segmentText(para, 35);
    assert.deepEqual(segments, [
      'Alpha beta gamma. Delta epsilon!',
      'Zeta eta theta? Iota kappa…',
      'Lambda mu.',
    ]);
  });

  it('falls back to words, then to hard cuts, and never exceeds the size', () => {
    const text = `${'word '.repeat(50).trim()}\n\n${'x'.repeat(95)}`;
    const segments = segmentText(text, 20);
    assert.ok(segments.every((s) => s.length <= 20));
    assert.deepEqual(words(segments.join(' ')).slice(0, 50), Array(50).fill('word'));
    assert.equal(segments.join('').replace(/[^x]/g, '').length, 95);
  });

  it('loses no word and keeps their order on a realistic text', () => {
    const text = Array.from(
      { length: 40 },
      (_, p) =>
        `Paragraph ${p}. ${Array.from({ length: 1 + (p % 7) }, (_, s) => `Sentence ${s} of ${p} has some words in it.`).join(' ')}`,
    ).join('\n\n');
    for (const size of [60, 150, 500, 2000]) {
      const segments = segmentText(text, size);
      assert.ok(segments.every((s) => s.length <= size && s.trim() === s && s !== ''));
      assert.deepEqual(words(segments.join(' ')), words(text), `size ${size}`);
    }
  });

  it('normalises CRLF, trims, and returns nothing for blank text', () => {
    assert.deepEqual(segmentText('  a\r\n\r\nb  ', 100), ['a\n\nb']);
    assert.deepEqual(segmentText(' \n\t ', 100), []);
    assert.throws(() => segmentText('a', 0), RangeError);
  });
});

describe('protocolPrice', () => {
  it('is the base plus a price per segment', () => {
    assert.equal(protocolPrice(12, { base: 2, perSegment: 1 }), 14);
    assert.equal(protocolPrice(1, { base: 0, perSegment: 3 }), 3);
  });
});

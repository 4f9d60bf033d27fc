import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fontAdvances } from '../../../packages/fakes/src/kie/font-advances.ts';
import { renderPromptPng } from '../../../packages/fakes/src/kie/prompt-image.ts';
import { wrapLines } from '../../../packages/fakes/src/kie/wrap-lines.ts';
import { imageSize } from '../../../packages/fakes/src/telegram/image-size.ts';
import { type DecodedPng, decodePng } from '../../support/decode-png.ts';

const measure = fontAdvances(
  readFileSync(new URL('../../../packages/fakes/src/kie/assets/NotoSans-Bold.ttf', import.meta.url)),
);

/** Share of near-white pixels (the prompt's glyphs are white) in the band of rows from `top` to `bottom`. */
function glyphShare(png: DecodedPng, top: number, bottom: number): number {
  let white = 0;
  const y0 = Math.floor(png.height * top);
  const y1 = Math.floor(png.height * bottom);
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (
        (png.pixels[i] as number) > 235 &&
        (png.pixels[i + 1] as number) > 235 &&
        (png.pixels[i + 2] as number) > 235
      )
        white++;
    }
  }
  return white / ((y1 - y0) * png.width);
}

describe('the KIE fake prompt image', () => {
  it('is a valid PNG of the asked size that decodes', () => {
    const bytes = renderPromptPng('a red fox in the snow', {
      width: 1024,
      height: 576,
      title: 'Nano Banana',
    });
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual(imageSize(bytes), { width: 1024, height: 576 }, 'what the Telegram fake reads');
    const png = decodePng(bytes);
    assert.deepEqual([png.width, png.height], [1024, 576]);
    assert.ok(bytes.length < 1_000_000, `${bytes.length} bytes`);
  });

  it('differs between prompts and is the same for the same prompt', () => {
    const fox = renderPromptPng('a red fox in the snow');
    assert.ok(fox.equals(renderPromptPng('a red fox in the snow')));
    const owl = renderPromptPng('an owl at night');
    assert.ok(!fox.equals(owl));
    const a = decodePng(fox).pixels;
    const b = decodePng(owl).pixels;
    let differing = 0;
    for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1]) differing++;
    assert.ok(differing > a.length / 4 / 10, `${differing} pixels differ`);
  });

  it('draws Cyrillic and Latin glyphs in the text area; characters the font lacks draw nothing', () => {
    const band = (prompt: string) => glyphShare(decodePng(renderPromptPng(prompt)), 0.3, 0.7);
    const cyrillic = band('Съешь же ещё этих мягких французских булок, да выпей чаю');
    const latin = band('The quick brown fox jumps over the lazy dog');
    // The check could fail: a script the shipped font does not cover leaves the band empty.
    const uncovered = band('漢字漢字漢字 漢字漢字漢字');
    assert.ok(cyrillic > 0.03, `cyrillic glyph share ${cyrillic}`);
    assert.ok(latin > 0.03, `latin glyph share ${latin}`);
    assert.ok(uncovered < 0.005, `uncovered glyph share ${uncovered}`);
  });

  it('wraps a long prompt over several lines within the width, cutting the rest with an ellipsis', () => {
    const lines = wrapLines('Рыжая лиса бежит по заснеженному лесу на рассвете', 8, measure);
    assert.ok(lines.length >= 3, lines.join(' | '));
    for (const line of lines) assert.ok(measure(line) <= 8, line);
    assert.equal(lines.join(' '), 'Рыжая лиса бежит по заснеженному лесу на рассвете');
    // A word wider than a line breaks between graphemes, never inside one.
    const family = '👨‍👩‍👧';
    const broken = wrapLines(`${family.repeat(20)}`, 3, measure);
    assert.ok(broken.length > 1);
    assert.ok(
      broken.every((l) => l.split(family).every((rest) => rest === '')),
      'whole emoji only',
    );
    // A huge prompt still renders, in the smallest size, without overflowing the image.
    const huge = decodePng(renderPromptPng('слово '.repeat(5000)));
    assert.equal(huge.width, 1024);
  });

  it('measures glyph advances from the font', () => {
    assert.ok(measure('W') > measure('i'));
    assert.ok(measure('Ж') > measure('г'));
    assert.equal(measure('ab'), measure('a') + measure('b'));
    assert.equal(measure('漢'), 0.6, 'a missing glyph counts as 0.6 em');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHtml } from '@tg-genbot/fakes/telegram';
import { splitHtml } from '../../../../src/bot/features/protocol/split-html.ts';

/** The visible text of Telegram HTML, as the fake (and Telegram) parse it. */
const visible = (html: string) => parseHtml(html).text;

/** Every part parses on its own (balanced tags, whole entities) and fits the limit. */
function assertValidParts(parts: string[], limit: number) {
  for (const part of parts) {
    assert.ok(part.length <= limit, `part of ${part.length} > ${limit}`);
    assert.doesNotThrow(() => parseHtml(part), `part does not parse: ${part}`);
  }
}

describe('splitHtml', () => {
  it('leaves a short message alone', () => {
    assert.deepEqual(splitHtml('<b>Hi</b> there', 100), ['<b>Hi</b> there']);
  });

  it('cuts at line breaks, keeping every line whole', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `• item <i>${i}</i> &amp; more`);
    const parts = splitHtml(lines.join('\n'), 200);
    assertValidParts(parts, 200);
    assert.deepEqual(parts.join('\n').split('\n'), lines);
  });

  it('closes and reopens a tag that spans a cut, never cutting inside a tag or an entity', () => {
    const html = `<b>${'word &amp; '.repeat(60)}</b><a href="https://example.com/x">${'link '.repeat(40)}</a>`;
    const parts = splitHtml(html, 120);
    assertValidParts(parts, 120);
    for (const part of parts) {
      assert.doesNotMatch(part, /&[a-z]*$|<[^>]*$/, 'no dangling entity or tag at the end');
      assert.doesNotMatch(part, /^[^<]*>|^[a-z]*;/, 'no tail of an entity or tag at the start');
    }
    assert.ok(
      parts.every((p) => /^<(b|a href)/.test(p)),
      'each part starts by reopening its tag',
    );
    const joined = parts.map(visible).join(' ').replace(/\s+/g, ' ').trim();
    assert.equal(joined, visible(html).replace(/\s+/g, ' ').trim());
  });

  it('hard-cuts a word longer than the limit between characters, not inside a surrogate pair', () => {
    const html = `<i>${'😀'.repeat(100)}</i>`;
    const parts = splitHtml(html, 50);
    assertValidParts(parts, 50);
    assert.equal(parts.map(visible).join(''), '😀'.repeat(100));
  });

  it('hard-cuts between grapheme clusters: an emoji, a flag or a ZWJ family at the cut stays whole', () => {
    const limit = 50;
    for (const cluster of ['😀', '🇷🇺', '👍🏽', '👨‍👩‍👧‍👦', 'e\u0301']) {
      // Inside <b> (7 units of closer and opener per part) and bare, with the cluster at every offset
      // around where the first cut must go.
      for (const [open, close] of [
        ['', ''],
        ['<b>', '</b>'],
      ]) {
        for (let lead = limit - 20; lead <= limit; lead++) {
          const text = `${'a'.repeat(lead)}${cluster}${'b'.repeat(60)}`;
          const parts = splitHtml(`${open}${text}${close}`, limit);
          assertValidParts(parts, limit);
          const shown = parts.map(visible);
          assert.equal(shown.join(''), text, `${cluster} after ${lead}: nothing lost or doubled`);
          assert.ok(
            shown.every((p) => p.isWellFormed()),
            `${cluster} after ${lead}: a part has a lone surrogate`,
          );
          assert.ok(
            shown.some((p) => p.includes(cluster)),
            `${cluster} after ${lead}: split across parts`,
          );
        }
      }
    }
  });

  it('splits a long protocol at the Telegram limit', () => {
    const html = Array.from(
      { length: 300 },
      (_, i) => `• decision ${i}: ${'x'.repeat(30)} — <i>owner ${i}</i>`,
    ).join('\n');
    const parts = splitHtml(html);
    assert.ok(parts.length >= 3);
    assertValidParts(parts, 4096);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../packages/fakes/src/telegram/api-error.ts';
import { formatText } from '../../../packages/fakes/src/telegram/formatted-text.ts';

const fails = (source: string, mode: string, description: string) =>
  assert.throws(
    () => formatText(source, mode),
    (e: unknown) => e instanceof ApiError && e.errorCode === 400 && e.description === description,
  );

describe('formatText (parse_mode)', () => {
  it('parses HTML into text and entities', () => {
    assert.deepEqual(
      formatText(
        '<b>bold <i>both</i></b> <a href="https://x.io/?a=1&amp;b=2">link</a> <pre><code class="language-ts">x</code></pre>',
        'HTML',
      ),
      {
        text: 'bold both link x',
        entities: [
          { type: 'bold', offset: 0, length: 9 },
          { type: 'italic', offset: 5, length: 4 },
          { type: 'text_link', offset: 10, length: 4, url: 'https://x.io/?a=1&b=2' },
          { type: 'pre', offset: 15, length: 1, language: 'ts' },
        ],
      },
    );
    assert.deepEqual(formatText('1 &lt; 2 &nbsp;', 'HTML'), { text: '1 < 2 &nbsp;', entities: [] });
  });

  it('rejects bad HTML with Telegram messages', () => {
    fails('1 < 2', 'HTML', `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
    fails(
      '<div>x</div>',
      'HTML',
      `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`,
    );
    fails(
      '<b>x',
      'HTML',
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    fails(
      'é<b>x</i>',
      'HTML',
      `Bad Request: can't parse entities: Unmatched end tag at byte offset 6, expected "</b>", found "</i>"`,
    );
  });

  it('parses MarkdownV2 and requires escapes', () => {
    assert.deepEqual(
      formatText('*bold* _it_ __u__ ~s~ ||sp|| `c\\`` [l](https://a.b/c\\)) 1\\.5', 'MarkdownV2'),
      {
        text: 'bold it u s sp c` l 1.5',
        entities: [
          { type: 'bold', offset: 0, length: 4 },
          { type: 'italic', offset: 5, length: 2 },
          { type: 'underline', offset: 8, length: 1 },
          { type: 'strikethrough', offset: 10, length: 1 },
          { type: 'spoiler', offset: 12, length: 2 },
          { type: 'code', offset: 15, length: 2 },
          { type: 'text_link', offset: 18, length: 1, url: 'https://a.b/c)' },
        ],
      },
    );
    fails(
      'Price: 5!',
      'MarkdownV2',
      "Bad Request: can't parse entities: Character '!' is reserved and must be escaped with the preceding '\\'",
    );
    fails(
      '*open',
      'MarkdownV2',
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    );
  });

  it('parses legacy Markdown', () => {
    assert.deepEqual(formatText('*b* _i_ 1.5!', 'Markdown'), {
      text: 'b i 1.5!',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
      ],
    });
    fails(
      'a_b',
      'Markdown',
      "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 1",
    );
  });

  it('trims surrounding whitespace and rejects unknown parse modes', () => {
    assert.deepEqual(formatText('  <b>x</b>  ', 'HTML'), {
      text: 'x',
      entities: [{ type: 'bold', offset: 0, length: 1 }],
    });
    fails('x', 'BBCode', 'Bad Request: unsupported parse_mode');
  });
});

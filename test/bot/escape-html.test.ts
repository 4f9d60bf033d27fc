import assert from 'node:assert/strict';
import { it } from 'node:test';
import { escapeHtml } from '../../src/bot/escape-html.ts';

it('escapeHtml escapes what Telegram HTML parses', () => {
  assert.equal(escapeHtml(`<b>"Tom" & 'Jerry'</b>`), `&lt;b&gt;&quot;Tom&quot; &amp; 'Jerry'&lt;/b&gt;`);
});

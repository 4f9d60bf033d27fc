import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatErrorRef } from '../../src/bot/format-error-ref.ts';

it('formatErrorRef puts the reference in <code> for HTML messages, escaped', () => {
  assert.equal(formatErrorRef('a1b2c3d4'), '<code>a1b2c3d4</code>');
  assert.equal(formatErrorRef('a<b>&', 'html'), '<code>a&lt;b&gt;&amp;</code>');
});

it('formatErrorRef shows the reference as it is in plain text', () => {
  assert.equal(formatErrorRef('a1b2c3d4', 'plain'), 'a1b2c3d4');
});

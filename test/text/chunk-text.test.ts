import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkText } from '../../src/text/chunk-text.ts';
import { build, CLUSTERS, wellFormed } from './clusters.ts';

describe('chunkText', () => {
  it('cuts into pieces that fit, join back, and end between clusters, at every alignment', () => {
    for (const size of [16, 20, 33, 64]) {
      for (const [name, cluster] of Object.entries(CLUSTERS)) {
        for (let lead = 0; lead <= cluster.length + 1; lead++) {
          const parts = [...'a'.repeat(lead), ...Array<string>(40).fill(cluster), ...'tail'];
          const { text, boundaries } = build(parts);
          const chunks = chunkText(text, size);
          assert.equal(chunks.join(''), text, name);
          let at = 0;
          for (const chunk of chunks) {
            assert.ok(chunk.length > 0 && chunk.length <= size, `${name}: ${chunk.length} > ${size}`);
            assert.ok(wellFormed(chunk), `${name}: lone surrogate`);
            at += chunk.length;
            assert.ok(boundaries.has(at), `${name}: cut at ${at}, inside a cluster`);
          }
        }
      }
    }
  });

  it('cuts a cluster longer than the size between code points, never inside a surrogate pair', () => {
    const zalgo = `z${'\u0301\u0308'.repeat(30)}`; // one cluster of 61 units
    const text = `${zalgo}😀😀`;
    const chunks = chunkText(text, 10);
    assert.equal(chunks.join(''), text);
    assert.ok(chunks.every((c) => c.length <= 10 && wellFormed(c)));
    assert.deepEqual(chunkText('😀a😀', 1), ['😀', 'a', '😀'], 'size 1: an emoji is a piece of its own');
  });

  it('returns short text whole, nothing for empty text, and refuses a size below 1', () => {
    assert.deepEqual(chunkText('👨‍👩‍👧‍👦', 11), ['👨‍👩‍👧‍👦']);
    assert.deepEqual(chunkText('', 5), []);
    assert.throws(() => chunkText('abc', 0), RangeError);
  });
});

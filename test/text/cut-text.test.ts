import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutText, fitText } from '../../src/text/cut-text.ts';
import { build, CLUSTERS, wellFormed } from './clusters.ts';

/** Our own limits (prompt excerpt, caption excerpt, alert) and Telegram's (alert, caption, message). */
const LIMITS = [64, 200, 300, 500, 1024, 4096];

/**
 * For each limit and cluster: ASCII up to just before the limit, then the cluster, then more text,
 * with the cluster starting at every offset from 3 units past the limit to 3 units before its
 * length ends at the limit, so the limit (and the limit minus the ellipsis) falls before, inside
 * and after it. Every text is longer than its limit.
 */
function* straddling(): Generator<{ name: string; limit: number; parts: string[] }> {
  for (const limit of LIMITS) {
    for (const [name, cluster] of Object.entries(CLUSTERS)) {
      for (let shift = -3; shift <= cluster.length + 3; shift++) {
        const lead = limit - shift;
        yield {
          name: `${name} at ${lead} of ${limit}`,
          limit,
          parts: [...'a'.repeat(lead), cluster, ...'z'.repeat(8)],
        };
      }
      // The same cluster repeated: every boundary is one of its own.
      const repeats = Math.ceil(limit / cluster.length) + 2;
      for (let lead = 0; lead < cluster.length + 1; lead++) {
        yield {
          name: `${name}×${repeats} after ${lead} of ${limit}`,
          limit,
          parts: [...'a'.repeat(lead), ...Array<string>(repeats).fill(cluster)],
        };
      }
    }
  }
}

/**
 * The result is at most `limit`, well formed, and whole clusters of `parts` (+ `ellipsis`) as long as
 * fits; with `trims`, whitespace clusters before the ellipsis may be left out.
 */
function assertCut(
  result: string,
  parts: string[],
  limit: number,
  ellipsis: string,
  name: string,
  trims = true,
) {
  const { text, boundaries } = build(parts);
  assert.ok(result.length <= limit, `${name}: ${result.length} > ${limit}`);
  assert.ok(wellFormed(result), `${name}: lone surrogate`);
  assert.ok(result.endsWith(ellipsis), `${name}: no ellipsis`);
  const body = result.slice(0, result.length - ellipsis.length);
  assert.ok(text.startsWith(body), `${name}: not a prefix`);
  assert.ok(boundaries.has(body.length), `${name}: cut at ${body.length}, inside a cluster`);
  // Longest such prefix: the next cluster (after the whitespace left out) would not have fitted.
  const sorted = [...boundaries].sort((a, b) => a - b);
  let end = body.length;
  let next = sorted.find((b) => b > end) as number;
  while (trims && /^\s+$/.test(text.slice(end, next)) && next + ellipsis.length <= limit) {
    end = next;
    next = sorted.find((b) => b > end) as number;
  }
  assert.ok(next + ellipsis.length > limit, `${name}: stopped at ${body.length}, ${next} would fit`);
}

describe('cutText', () => {
  it('cuts between grapheme clusters at every offset near each limit, ellipsis included', () => {
    let cases = 0;
    for (const { name, limit, parts } of straddling()) {
      assertCut(cutText(parts.join(''), limit), parts, limit, '…', name);
      cases++;
    }
    assert.ok(cases > 500, `${cases} cases`);
  });

  it('honours another ellipsis, or none', () => {
    for (const { name, limit, parts } of straddling()) {
      assertCut(cutText(parts.join(''), limit, ' [...]'), parts, limit, ' [...]', name);
      assertCut(cutText(parts.join(''), limit, ''), parts, limit, '', name);
    }
  });

  it('returns the text unchanged when it fits, even with a cluster ending exactly at the limit', () => {
    for (const limit of LIMITS) {
      for (const cluster of Object.values(CLUSTERS)) {
        const text = `${'a'.repeat(limit - cluster.length)}${cluster}`;
        assert.equal(text.length, limit);
        assert.equal(cutText(text, limit), text);
        assert.equal(fitText(text, limit), text);
        assert.equal(cutText(cluster, limit), cluster);
      }
    }
    assert.equal(cutText('', 0), '');
  });

  it('drops whitespace before the ellipsis, but nothing else', () => {
    assert.equal(cutText('Hello     world', 10), 'Hello…');
    assert.equal(cutText('Привет, 👨‍👩‍👧‍👦 семья', 12), 'Привет,…');
    assert.equal(cutText('e\u0301e\u0301e\u0301e\u0301', 6), 'e\u0301e\u0301…');
  });

  it('gives only the ellipsis when not even the first cluster fits next to it', () => {
    assert.equal(cutText('👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 11), '…');
    assert.equal(cutText('😀😀', 2), '…');
  });

  it('refuses a limit that cannot hold the ellipsis, or is not a count', () => {
    assert.throws(() => cutText('abc', 0), RangeError);
    assert.throws(() => cutText('abcdef', 2, '...'), RangeError);
    assert.throws(() => cutText('abc', -1), RangeError);
    assert.throws(() => cutText('abc', 1.5), RangeError);
  });

  it('reads only the start of a long text', () => {
    const long = '😀'.repeat(500_000);
    assert.equal(cutText(long, 5), '😀😀…');
  });
});

describe('fitText', () => {
  it('keeps the longest prefix of whole clusters at every offset near each limit', () => {
    for (const { name, limit, parts } of straddling()) {
      assertCut(fitText(parts.join(''), limit), parts, limit, '', name, false);
    }
  });

  it('is empty when the first cluster alone is too long', () => {
    assert.equal(fitText('👨‍👩‍👧‍👦', 10), '');
    assert.equal(fitText('😀', 1), '');
    assert.throws(() => fitText('abc', -1), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxInWindow } from '../../bench/max-in-window.ts';

describe('maxInWindow', () => {
  it('counts the densest window, half-open like a sliding-window limiter', () => {
    // 20 at t=0, 20 exactly one window later: the window [0, 10000) holds the first 20 only.
    const waves = [...Array(20).fill(0), ...Array(20).fill(10_000)];
    assert.equal(maxInWindow(waves, 10_000), 20);
    // One of the second wave a millisecond early makes 21 in [0, 10000).
    assert.equal(maxInWindow([...waves.slice(0, 39), 9_999], 10_000), 21);
  });

  it('does not depend on the order of the times', () => {
    assert.equal(maxInWindow([5_000, 0, 12_000, 9_000, 14_999, 15_000], 10_000), 4);
    assert.equal(maxInWindow([], 10_000), 0);
  });
});

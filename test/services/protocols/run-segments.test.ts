import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressThrottle, runSegments } from '../../../src/services/protocols/index.ts';
import { manualClock, settle } from '../../support/manual-clock.ts';

/** Segments the test finishes or fails itself; a segment rejects at once when `signal` aborts. */
function segments(signal?: AbortSignal) {
  const open = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  const runs: number[] = [];
  return {
    runs,
    open: () => [...open.keys()],
    run: (index: number) =>
      new Promise<void>((resolve, reject) => {
        runs.push(index);
        open.set(index, { resolve, reject });
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      }),
    finish: async (index: number) => {
      open.get(index)?.resolve();
      open.delete(index);
      await settle();
    },
    fail: (index: number, error: unknown) => {
      open.get(index)?.reject(error);
      open.delete(index);
    },
  };
}

/** Moves the clock 1 ms at a time, letting each report run at the time it was sent. */
async function tick(clock: ReturnType<typeof manualClock>, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    await settle();
    clock.advance(1);
  }
  await settle();
}

describe('runSegments', () => {
  it('never runs more than `concurrency` at once and runs each index once', async () => {
    const ac = new AbortController();
    const seg = segments();
    let peak = 0;
    const done = runSegments({
      indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      concurrency: 3,
      signal: ac.signal,
      abort: (r) => ac.abort(r),
      run: (i) => seg.run(i),
    });
    // Finish segments out of start order (the newest first, then the oldest) until none is left.
    for (let step = 0; seg.open().length > 0; step++) {
      peak = Math.max(peak, seg.open().length);
      const open = seg.open();
      await seg.finish((step % 2 === 0 ? open.at(-1) : open[0]) as number);
    }
    await done;
    assert.equal(peak, 3);
    assert.deepEqual(
      [...seg.runs].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('aborts the rest on the first failure, starts nothing more, and rejects with that failure', async () => {
    const ac = new AbortController();
    const seg = segments(ac.signal);
    const boom = new Error('402');
    const rejection = runSegments({
      indices: [0, 1, 2, 3, 4, 5, 6, 7],
      concurrency: 4,
      signal: ac.signal,
      abort: (r) => ac.abort(r),
      run: (i) => seg.run(i),
    });
    await settle();
    seg.fail(2, boom);
    await assert.rejects(rejection, (e) => e === boom);
    assert.deepEqual(seg.runs, [0, 1, 2, 3]);
    assert.equal(ac.signal.reason, boom);
  });

  it('rejects with the signal’s reason when stopped from outside', async () => {
    const ac = new AbortController();
    const seg = segments(ac.signal);
    const rejection = runSegments({
      indices: [0, 1, 2],
      concurrency: 1,
      signal: ac.signal,
      abort: (r) => ac.abort(r),
      run: (i) => seg.run(i),
    });
    await settle();
    assert.deepEqual(seg.runs, [0]);
    ac.abort('shutdown');
    await assert.rejects(rejection, (e) => e === 'shutdown');
    assert.deepEqual(seg.runs, [0]);
  });

  it('on a drain starts no further segment, lets those in flight finish, then rejects with its reason', async () => {
    const ac = new AbortController();
    const drain = new AbortController();
    const seg = segments(ac.signal);
    const rejection = runSegments({
      indices: [0, 1, 2, 3, 4],
      concurrency: 2,
      signal: ac.signal,
      drain: drain.signal,
      abort: (r) => ac.abort(r),
      run: (i) => {
        // Both lanes have started (0 and 1) when the drain comes.
        if (i === 1) drain.abort('shutdown');
        return seg.run(i);
      },
    });
    const rejected = assert.rejects(rejection, (e) => e === 'shutdown');
    await settle();
    assert.deepEqual(seg.open(), [0, 1]);
    await seg.finish(0);
    await seg.finish(1);
    await rejected;
    assert.deepEqual(seg.runs, [0, 1], 'both in-flight segments finished, none started after the drain');
    assert.equal(ac.signal.reason, 'shutdown', 'the job signal carries the drain reason');
  });

  it('resolves when a drain comes after the last segment started and every one finishes', async () => {
    const ac = new AbortController();
    const drain = new AbortController();
    const seg = segments(ac.signal);
    const done = runSegments({
      indices: [0, 1],
      concurrency: 2,
      signal: ac.signal,
      drain: drain.signal,
      abort: (r) => ac.abort(r),
      run: (i) => {
        if (i === 1) drain.abort('shutdown');
        return seg.run(i);
      },
    });
    await settle();
    await seg.finish(1);
    await seg.finish(0);
    await done;
    assert.equal(ac.signal.aborted, false);
  });
});

describe('ProgressThrottle', () => {
  it('reports at once, then at most once per interval with the latest value', async () => {
    const clock = manualClock();
    const start = clock.ms();
    const reports: Array<{ value: number; at: number }> = [];
    const t = new ProgressThrottle<number>(
      50,
      async (value) => void reports.push({ value, at: clock.ms() - start }),
      undefined,
      clock,
    );
    for (let i = 1; i <= 10; i++) {
      t.update(i);
      await tick(clock, 8);
    }
    await tick(clock, 60);
    await t.stop();
    // Updates at 0, 8, …, 72 ms: 1 at once, then 7 (offered at 48) at 50 and 10 (offered at 72) at 100.
    assert.deepEqual(reports, [
      { value: 1, at: 0 },
      { value: 7, at: 50 },
      { value: 10, at: 100 },
    ]);
  });

  it('drops a pending report on stop and survives a failing report', async () => {
    const clock = manualClock();
    let calls = 0;
    const t = new ProgressThrottle<number>(
      1000,
      async () => {
        calls += 1;
        throw new Error('message is not modified');
      },
      undefined,
      clock,
    );
    t.update(1);
    t.update(2);
    await t.stop();
    t.update(3);
    clock.advance(1000);
    await settle();
    assert.equal(calls, 1);
    assert.equal(clock.pending(), 0, 'no timer left behind');
  });
});

describe('ProgressThrottle after a report made elsewhere', () => {
  it('waits a full interval before its first report', async () => {
    const clock = manualClock();
    const start = clock.ms();
    const reports: number[] = [];
    const t = new ProgressThrottle<number>(
      60,
      async () => void reports.push(clock.ms() - start),
      start,
      clock,
    );
    t.update(1);
    await tick(clock, 59);
    assert.deepEqual(reports, [], 'nothing within the interval');
    await tick(clock, 41);
    await t.stop();
    assert.deepEqual(reports, [60]);
  });
});

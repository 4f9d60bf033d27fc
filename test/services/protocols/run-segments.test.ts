import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressThrottle, runSegments } from '../../../src/services/protocols/index.ts';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });

describe('runSegments', () => {
  it('never runs more than `concurrency` at once and runs each index once', async () => {
    const ac = new AbortController();
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runSegments({
      indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      concurrency: 3,
      signal: ac.signal,
      abort: (r) => ac.abort(r),
      run: async (i) => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(5 + (i % 3) * 5);
        seen.push(i);
        running -= 1;
      },
    });
    assert.equal(peak, 3);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('aborts the rest on the first failure, starts nothing more, and rejects with that failure', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    const boom = new Error('402');
    const rejection = runSegments({
      indices: [0, 1, 2, 3, 4, 5, 6, 7],
      concurrency: 4,
      signal: ac.signal,
      abort: (r) => ac.abort(r),
      run: async (i) => {
        started.push(i);
        if (i === 2) {
          await sleep(10);
          throw boom;
        }
        await sleep(1000, ac.signal);
      },
    });
    await assert.rejects(rejection, (e) => e === boom);
    assert.deepEqual(started, [0, 1, 2, 3]);
    assert.equal(ac.signal.reason, boom);
  });

  it('rejects with the signal’s reason when stopped from outside', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort('shutdown'), 10);
    await assert.rejects(
      runSegments({
        indices: [0, 1, 2],
        concurrency: 1,
        signal: ac.signal,
        abort: (r) => ac.abort(r),
        run: (_i) => sleep(1000, ac.signal),
      }),
      (e) => e === 'shutdown',
    );
  });

  it('on a drain starts no further segment, lets those in flight finish, then rejects with its reason', async () => {
    const ac = new AbortController();
    const drain = new AbortController();
    const finished: number[] = [];
    const rejection = runSegments({
      indices: [0, 1, 2, 3, 4],
      concurrency: 2,
      signal: ac.signal,
      drain: drain.signal,
      abort: (r) => ac.abort(r),
      run: async (i) => {
        // Both lanes have started (0 and 1) when the drain comes.
        if (i === 1) drain.abort('shutdown');
        await sleep(20, ac.signal);
        finished.push(i);
      },
    });
    await assert.rejects(rejection, (e) => e === 'shutdown');
    assert.deepEqual(
      [...finished].sort((a, b) => a - b),
      [0, 1],
      'both in-flight segments finished, none started after the drain',
    );
    assert.equal(ac.signal.reason, 'shutdown', 'the job signal carries the drain reason');
  });

  it('resolves when a drain comes after the last segment started and every one finishes', async () => {
    const ac = new AbortController();
    const drain = new AbortController();
    await runSegments({
      indices: [0, 1],
      concurrency: 2,
      signal: ac.signal,
      drain: drain.signal,
      abort: (r) => ac.abort(r),
      run: async (i) => {
        if (i === 1) drain.abort('shutdown');
        await sleep(10, ac.signal);
      },
    });
    assert.equal(ac.signal.aborted, false);
  });
});

describe('ProgressThrottle', () => {
  it('reports at once, then at most once per interval with the latest value', async () => {
    const reports: Array<{ value: number; at: number }> = [];
    const t = new ProgressThrottle<number>(50, async (value) => void reports.push({ value, at: Date.now() }));
    for (let i = 1; i <= 10; i++) {
      t.update(i);
      await sleep(8);
    }
    await sleep(60);
    await t.stop();
    assert.equal(reports[0]?.value, 1);
    assert.equal(reports.at(-1)?.value, 10, 'the trailing report carries the latest value');
    assert.ok(reports.length <= 4, `${reports.length} reports`);
    for (let i = 1; i < reports.length; i++) {
      assert.ok((reports[i]?.at ?? 0) - (reports[i - 1]?.at ?? 0) >= 45);
    }
  });

  it('drops a pending report on stop and survives a failing report', async () => {
    let calls = 0;
    const t = new ProgressThrottle<number>(1000, async () => {
      calls += 1;
      throw new Error('message is not modified');
    });
    t.update(1);
    t.update(2);
    await t.stop();
    t.update(3);
    assert.equal(calls, 1);
  });
});

describe('ProgressThrottle after a report made elsewhere', () => {
  it('waits a full interval before its first report', async () => {
    const reports: number[] = [];
    const started = Date.now();
    const t = new ProgressThrottle<number>(
      60,
      async () => void reports.push(Date.now() - started),
      Date.now(),
    );
    t.update(1);
    await sleep(100);
    await t.stop();
    assert.equal(reports.length, 1);
    assert.ok((reports[0] ?? 0) >= 55, `first report after ${reports[0]} ms`);
  });
});

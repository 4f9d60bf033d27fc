import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPeriodicTask } from '../../../src/services/jobs/periodic-task.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { manualClock, settle } from '../../support/manual-clock.ts';

describe('createPeriodicTask', () => {
  it('runs once at start, then once per interval and not before', async () => {
    const clock = manualClock();
    let runs = 0;
    const task = createPeriodicTask({
      name: 'Test task',
      intervalMs: 60_000,
      logger: createCaptureLogger().logger,
      clock,
      run: async () => {
        runs++;
      },
    });
    task.start();
    assert.equal(runs, 1);
    await settle();
    clock.advance(59_999);
    await settle();
    assert.equal(runs, 1);
    clock.advance(1);
    await settle();
    assert.equal(runs, 2);
    clock.advance(60_000);
    await settle();
    assert.equal(runs, 3);
    await task.stop(1_000);
    clock.advance(600_000);
    assert.equal(runs, 3, 'no run after stop');
    assert.equal(clock.pending(), 0);
  });

  it('a run that throws is logged as an error and the next interval runs again', async () => {
    const clock = manualClock();
    const log = createCaptureLogger();
    let runs = 0;
    const task = createPeriodicTask({
      name: 'Test task',
      intervalMs: 60_000,
      logger: log.logger,
      clock,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('first run broke');
      },
    });
    task.start();
    await settle();
    const failed = log.lines().filter((l) => l.message === 'Test task failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.level, 'error');
    assert.match(log.raw(), /first run broke/);
    clock.advance(60_000);
    await settle();
    assert.equal(runs, 2);
    await task.stop(1_000);
  });

  it('one run at a time: runNow during a run joins it; the timer waits for the run to end', async () => {
    const clock = manualClock();
    let runs = 0;
    let finish: () => void = () => {};
    const task = createPeriodicTask({
      name: 'Test task',
      intervalMs: 60_000,
      logger: createCaptureLogger().logger,
      clock,
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    task.start();
    const joined = task.runNow();
    clock.advance(600_000);
    assert.equal(runs, 1, 'a run in progress: no second one');
    assert.equal(clock.pending(), 0, 'next timer not set yet');
    finish();
    await joined;
    await settle();
    assert.equal(clock.pending(), 1);
    clock.advance(60_000);
    assert.equal(runs, 2);
    finish();
    await task.stop(1_000);
  });
});

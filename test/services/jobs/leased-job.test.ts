import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { type LeasedJobOptions, runLeased } from '../../../src/services/jobs/leased-job.ts';
import { createPeriodicTask } from '../../../src/services/jobs/periodic-task.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { manualClock } from '../../support/manual-clock.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';
import { waitUntil } from '../../support/wait-until.ts';

const INTERVAL_MS = 300_000;
const LEASE_MS = 600_000;

/** A promise the test resolves itself, and one that says the job has started. */
function gate() {
  let open: () => void = () => {};
  let entered: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  const started = new Promise<void>((resolve) => (entered = resolve));
  return { open, opened, started, entered };
}

describe(`runLeased (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  const lease = (name: string, holder: string, now: () => Date): LeasedJobOptions => ({
    db: handle.db,
    name,
    holder,
    intervalMs: INTERVAL_MS,
    leaseMs: LEASE_MS,
    now,
  });
  const row = (name: string) =>
    handle.db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

  it('two instances on one database: one runs the job, the other skips while it runs and until it is due', async () => {
    const clock = manualClock();
    const g = gate();
    let runs = 0;
    const job = async () => {
      runs++;
      g.entered();
      await g.opened;
      return 'done';
    };
    const a = runLeased(lease('two', 'instance-a', clock.now), job);
    await g.started;
    assert.equal(await runLeased(lease('two', 'instance-b', clock.now), job), undefined, 'b skips');
    g.open();
    assert.equal(await a, 'done');
    assert.equal(runs, 1);
    assert.equal(await runLeased(lease('two', 'instance-b', clock.now), job), undefined, 'not due yet');

    // Both at once: exactly one of them runs.
    clock.advance(INTERVAL_MS);
    const results = await Promise.all([
      runLeased(lease('two', 'instance-a', clock.now), async () => 'a'),
      runLeased(lease('two', 'instance-b', clock.now), async () => 'b'),
    ]);
    assert.equal(results.filter((r) => r !== undefined).length, 1, String(results));
  });

  it('is not run again before its interval is due, counted from the end of the run; then it runs', async () => {
    const clock = manualClock();
    let runs = 0;
    const options = lease('interval', 'instance-a', clock.now);
    const started = clock.ms();
    assert.equal(
      await runLeased(options, async () => {
        runs++;
        clock.advance(5_000); // the pass itself takes 5 s
        return runs;
      }),
      1,
    );
    const after = await row('interval');
    assert.equal(after.locked_by, null);
    assert.equal(new Date(after.last_run_at as Date).getTime(), started);
    assert.equal(new Date(after.next_run_at).getTime(), started + 5_000 + INTERVAL_MS);

    clock.advance(INTERVAL_MS - 1);
    assert.equal(await runLeased(options, async () => ++runs), undefined);
    assert.equal(runs, 1);
    clock.advance(1);
    assert.equal(await runLeased(options, async () => ++runs), 2);
  });

  it('a holder that crashed mid-run keeps the job until its lease expires; then another takes it over', async () => {
    const clock = manualClock();
    let crashedRuns = 0;
    // Never settles: the holder died with the lease taken.
    void runLeased(lease('crash', 'instance-a', clock.now), () => {
      crashedRuns++;
      return new Promise<never>(() => {});
    });
    const holder = async () =>
      (
        await handle.db
          .selectFrom('job_leases')
          .select('locked_by')
          .where('name', '=', 'crash')
          .executeTakeFirst()
      )?.locked_by;
    await waitUntil('the lease taken', async () => (await holder()) === 'instance-a');
    assert.equal(crashedRuns, 1);

    let runs = 0;
    const b = lease('crash', 'instance-b', clock.now);
    clock.advance(INTERVAL_MS);
    assert.equal(await runLeased(b, async () => ++runs), undefined, 'due, but still held');
    clock.advance(LEASE_MS - INTERVAL_MS);
    assert.equal(await runLeased(b, async () => ++runs), undefined, 'not at the expiry itself');
    clock.advance(1);
    assert.equal(await runLeased(b, async () => ++runs), 1, 'taken over after it');
    assert.equal((await row('crash')).locked_by, null);
  });

  it('a job that throws passes the error on and releases the lease; the next pass runs an interval later', async () => {
    const clock = manualClock();
    const options = lease('throws', 'instance-a', clock.now);
    await assert.rejects(
      runLeased(options, async () => {
        throw new Error('Telegram is down');
      }),
      /Telegram is down/,
    );
    const released = await row('throws');
    assert.equal(released.locked_by, null);
    assert.equal(released.locked_until, null);
    assert.equal(new Date(released.last_run_at as Date).getTime(), clock.ms());
    assert.equal(
      new Date(released.next_run_at).getTime(),
      clock.ms() + INTERVAL_MS,
      'a failed run waits the interval too: no tight loop',
    );
    // Another instance neither waits for the lease nor runs it early.
    const b = lease('throws', 'instance-b', clock.now);
    clock.advance(INTERVAL_MS - 1);
    assert.equal(await runLeased(b, async () => 'b'), undefined);
    clock.advance(1);
    assert.equal(await runLeased(b, async () => 'b'), 'b');
  });

  it('as a periodic task on two instances: one pass per interval, a failed pass logged and the loop going on', async () => {
    const clock = manualClock(Date.UTC(2026, 11, 3, 12));
    const log = createCaptureLogger();
    const passes: string[] = [];
    let failNext = false;
    const task = (holder: string) =>
      createPeriodicTask({
        name: 'Test reconciliation',
        intervalMs: 60_000,
        logger: log.logger,
        clock,
        run: () =>
          runLeased(lease('periodic', holder, clock.now), async () => {
            passes.push(holder);
            if (failNext) {
              failNext = false;
              throw new Error('pass failed');
            }
          }),
      });
    const tasks = [task('instance-a'), task('instance-b')];
    // A tick is over when its task has set its next timer.
    const ticked = () => waitUntil('both ticks done', () => clock.pending() === tasks.length);
    for (const t of tasks) t.start();
    await ticked();
    assert.equal(passes.length, 1, 'one of the two runs the first pass');

    failNext = true;
    for (let minute = 1; minute < INTERVAL_MS / 60_000; minute++) {
      clock.advance(60_000);
      await ticked();
    }
    assert.equal(passes.length, 1, 'not due within the interval');
    clock.advance(60_000);
    await ticked();
    assert.equal(passes.length, 2, 'due after it');
    const failed = log.lines().filter((l) => l.message === 'Test reconciliation failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.level, 'error');
    assert.match(log.raw(), /pass failed/);

    // The failed pass released the lease: the next interval runs again, on either instance.
    for (let minute = 0; minute < INTERVAL_MS / 60_000; minute++) {
      clock.advance(60_000);
      await ticked();
    }
    assert.equal(passes.length, 3);
    await Promise.all(tasks.map((t) => t.stop(1_000)));
    assert.equal(clock.pending(), 0);
  });
});

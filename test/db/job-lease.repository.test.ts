import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { acquireJobLease, releaseJobLease } from '../../src/db/repositories/job-lease.repository.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';

const T0 = Date.UTC(2026, 11, 3, 12);
const at = (ms: number) => new Date(T0 + ms);
const LEASE_MS = 10 * 60_000;

describe(`job_leases (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  const acquire = (name: string, holder: string, nowMs: number) =>
    acquireJobLease(handle.db, { name, holder, now: at(nowMs), lockedUntil: at(nowMs + LEASE_MS) });
  const row = (name: string) =>
    handle.db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

  it('two holders racing for a new job: exactly one wins, the row is created due at once', async () => {
    // Several rounds: on PostgreSQL the two statements run on separate pooled connections.
    for (let round = 0; round < 10; round++) {
      const name = `race.${round}`;
      const results = await Promise.all([acquire(name, 'a', 0), acquire(name, 'b', 0)]);
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
      const lease = await row(name);
      assert.equal(lease.locked_by, results[0] ? 'a' : 'b');
      assert.equal(new Date(lease.locked_until as Date).getTime(), T0 + LEASE_MS);
      assert.equal(new Date(lease.next_run_at).getTime(), T0);
    }
  });

  it("a crashed holder's lease is taken over once it has expired, not before", async () => {
    assert.equal(await acquire('crash', 'a', 0), true);
    // a dies without releasing.
    assert.equal(await acquire('crash', 'b', 1), false);
    assert.equal(await acquire('crash', 'b', LEASE_MS), false, 'not at the expiry itself');
    assert.equal(await acquire('crash', 'a', LEASE_MS), false, 'nor by the same holder while held');
    assert.equal(await acquire('crash', 'b', LEASE_MS + 1), true);
    assert.equal((await row('crash')).locked_by, 'b');

    // a's run ends late: its release no longer holds the lease and changes nothing.
    await releaseJobLease(handle.db, { name: 'crash', holder: 'a', ranAt: at(0), nextRunAt: at(60_000) });
    const lease = await row('crash');
    assert.equal(lease.locked_by, 'b');
    assert.equal(lease.last_run_at, null);
    assert.equal(await acquire('crash', 'c', LEASE_MS + 2), false, 'b still holds it');
  });

  it('a release frees the lease and the job is not due again before next_run_at', async () => {
    assert.equal(await acquire('interval', 'a', 0), true);
    await releaseJobLease(handle.db, {
      name: 'interval',
      holder: 'a',
      ranAt: at(0),
      nextRunAt: at(300_000),
    });
    const lease = await row('interval');
    assert.equal(lease.locked_by, null);
    assert.equal(lease.locked_until, null);
    assert.equal(new Date(lease.last_run_at as Date).getTime(), T0);
    assert.equal(new Date(lease.next_run_at).getTime(), T0 + 300_000);

    assert.equal(await acquire('interval', 'b', 299_999), false);
    assert.equal(await acquire('interval', 'a', 299_999), false);
    assert.equal(await acquire('interval', 'b', 300_000), true, 'due at next_run_at');
  });
});

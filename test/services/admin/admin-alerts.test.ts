import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { type AdminAlert, createAdminAlerts } from '../../../src/services/admin/admin-alerts.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { createTestDatabase, DATABASE_KIND } from '../../support/test-database.ts';

describe(`admin alerts (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let database: DatabaseHandle;
  before(async () => {
    database = await testDb.open();
  });
  after(() => testDb.dispose());

  it('alerts every admin once per incident, however many occurrences race, and again after the quiet period', async () => {
    const sent: Array<[number, AdminAlert]> = [];
    let now = new Date('2026-11-22T10:00:00Z');
    const { logger } = createCaptureLogger();
    const alerts = createAdminAlerts({
      db: database.db,
      adminIds: [1, 2],
      send: async (id, alert) => {
        sent.push([id, alert]);
      },
      logger,
      quietMs: 60_000,
      now: () => now,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        alerts.raise({ incident: 'kie.insufficient_credits', errorRef: `ref${i}` }),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(
      sent.map(([id]) => id),
      [1, 2],
    );
    const row = await database.db
      .selectFrom('admin_incidents')
      .selectAll()
      .where('incident', '=', 'kie.insufficient_credits')
      .executeTakeFirstOrThrow();
    assert.equal(row.occurrences, 20);

    // Another incident is independent; the same one stays quiet until the period has passed.
    assert.equal(await alerts.raise({ incident: 'llm.insufficient_credits' }), true);
    now = new Date(now.getTime() + 59_000);
    assert.equal(await alerts.raise({ incident: 'kie.insufficient_credits' }), false);
    now = new Date(now.getTime() + 2_000);
    assert.equal(await alerts.raise({ incident: 'kie.insufficient_credits' }), true);
    assert.equal(sent.length, 6);
  });

  it('logs an admin it cannot reach and still alerts the others', async () => {
    const { logger, lines } = createCaptureLogger();
    const reached: number[] = [];
    const alerts = createAdminAlerts({
      db: database.db,
      adminIds: [7, 8],
      send: async (id) => {
        if (id === 7) throw new Error('Forbidden: bot was blocked by the user');
        reached.push(id);
      },
      logger,
    });
    assert.equal(await alerts.raise({ incident: 'test.unreachable_admin' }), true);
    assert.deepEqual(reached, [8]);
    assert.ok(lines().some((l) => l.message === 'Could not deliver an admin alert' && l.admin_id === 7));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { preparedQuery } from '../../src/db/prepared-query.ts';
import { upsertSeenUser } from '../../src/db/repositories/user.repository.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';

describe(`preparedQuery (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let handle: DatabaseHandle;
  before(async () => {
    handle = await testDb.open();
  });
  after(() => testDb.dispose());

  it('compiles once to the SQL Kysely builds, then binds each call its own values and keeps constants', async () => {
    let builds = 0;
    const insert = preparedQuery((db, p: { id: number; at: Date }) => {
      builds += 1;
      return db
        .insertInto('users')
        .values({ id: p.id, first_seen_at: p.at, last_seen_at: p.at, language: 'ru' })
        .returning(['id', 'first_seen_at', 'language']);
    });
    const first = await insert(handle.db, { id: 7001, at: new Date(Date.UTC(2026, 0, 1)) });
    const second = await insert(handle.db, { id: 7002, at: new Date(Date.UTC(2026, 5, 1)) });
    assert.equal(builds, 1);
    assert.deepEqual(
      [...first.rows, ...second.rows].map((r) => [r.id, new Date(r.first_seen_at).toISOString(), r.language]),
      [
        [7001, '2026-01-01T00:00:00.000Z', 'ru'],
        [7002, '2026-06-01T00:00:00.000Z', 'ru'],
      ],
    );
    // Same statement text as the builder's (what the DB query spans record).
    let seen = '';
    const spy = preparedQuery((db, p: { id: number }) =>
      db.selectFrom('users').select('id').where('id', '=', p.id),
    );
    const executeQuery = handle.db.executeQuery.bind(handle.db);
    // Kysely keeps private fields, so the spy forwards everything else bound to the real instance.
    const db = new Proxy(handle.db, {
      get: (target, key) => {
        if (key === 'executeQuery')
          return (q: { sql: string; parameters: unknown[] }) => {
            seen = `${q.sql} ${JSON.stringify(q.parameters)}`;
            return executeQuery(q as never);
          };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    assert.deepEqual((await spy(db, { id: 7002 })).rows, [{ id: 7002 }]);
    assert.equal(seen, 'select "id" from "users" where "id" = $1 [7002]');
  });

  it('works inside a transaction, which rolls its writes back like any query', async () => {
    await handle.db
      .transaction()
      .execute(async (trx) => {
        await upsertSeenUser(trx, 7100, new Date(), 'en');
        throw new Error('roll back');
      })
      .catch(() => {});
    const row = await handle.db.selectFrom('users').select('id').where('id', '=', 7100).executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('the user upsert keeps the stored Telegram language when an update carries none, and takes a new one', async () => {
    const t0 = new Date(Date.UTC(2026, 11, 1));
    await upsertSeenUser(handle.db, 7200, t0, 'de');
    const kept = await upsertSeenUser(handle.db, 7200, new Date(t0.getTime() + 1000));
    assert.equal(kept.telegram_language, 'de');
    assert.equal(new Date(kept.last_seen_at).getTime(), t0.getTime() + 1000);
    assert.equal(new Date(kept.first_seen_at).getTime(), t0.getTime());
    const changed = await upsertSeenUser(handle.db, 7200, new Date(t0.getTime() + 2000), 'uk');
    assert.equal(changed.telegram_language, 'uk');
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrations } from '../../src/db/migrations/index.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from '../support/test-database.ts';

describe(`migrations (${DATABASE_KIND})`, () => {
  let testDb: TestDatabase;
  afterEach(() => testDb.dispose());

  it('apply every migration to an empty database, then nothing the second time', async () => {
    testDb = createTestDatabase();
    const { db, schema } = await testDb.open({ migrate: false });
    const first = await migrateToLatest(db, schema);
    assert.deepEqual(first, Object.keys(migrations).sort());
    assert.deepEqual(await migrateToLatest(db, schema), []);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() order by 1`.execute(
      db,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const t of ['users', 'processed_updates', 'balances', 'ledger_entries', 'generations'])
      assert.ok(names.includes(t), `${t} in ${names}`);
  });

  it('survive a reopen of the same data (start-up migrates again without error)', async () => {
    testDb = createTestDatabase();
    const first = await testDb.open();
    await first.db.insertInto('users').values({ id: 42 }).execute();
    await first.destroy();
    const second = await testDb.open();
    assert.deepEqual(await migrateToLatest(second.db, second.schema), []);
    const row = await second.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
    assert.equal(row.id, 42);
  });

  it('roll back cleanly with down()', async () => {
    testDb = createTestDatabase();
    const { db } = await testDb.open();
    for (const name of Object.keys(migrations).sort().reverse()) await migrations[name]?.down?.(db);
    const tables = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.tables
      where table_schema = current_schema()
        and table_name in ('users', 'processed_updates', 'balances', 'ledger_entries', 'generations')`.execute(
      db,
    );
    assert.equal(tables.rows[0]?.n, 0);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle, type DatabaseTarget } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';

/** Set to run the suite on a real PostgreSQL server instead of embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/** Which database the suite runs on, for test names. */
export const DATABASE_KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

/**
 * A private, migrated database for one test: a fresh schema on PostgreSQL, or a PGlite directory.
 * `open()` can be called again after `close()` to simulate a restart on the same data.
 */
export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** Opens (and migrates) the database. */
  open(options?: { migrate?: boolean }): Promise<DatabaseHandle>;
  /** Closes the open handle and removes the data. */
  dispose(): Promise<void>;
}

export function createTestDatabase(): TestDatabase {
  const handles: DatabaseHandle[] = [];
  const { target, prepare, cleanup } = TEST_DATABASE_URL
    ? postgresSchema(TEST_DATABASE_URL)
    : pgliteDirectory();
  return {
    target,
    async open(options) {
      await prepare();
      const handle = await createDatabase(target);
      handles.push(handle);
      if (options?.migrate !== false) await migrateToLatest(handle.db, handle.schema);
      return handle;
    },
    async dispose() {
      for (const h of handles.splice(0)) await h.destroy().catch(() => {});
      await cleanup();
    },
  };
}

interface Storage {
  readonly target: DatabaseTarget;
  readonly prepare: () => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

/** A fresh schema on the PostgreSQL server, dropped at the end. */
function postgresSchema(url: string): Storage {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let created: Promise<void> | undefined;
  return {
    target: { url, schema },
    prepare: () => {
      created ??= admin(`create schema if not exists ${schema}`);
      return created;
    },
    cleanup: async () => {
      if (created) await admin(`drop schema if exists ${schema} cascade`);
    },
  };
}

/** A PGlite directory in the system's temp folder, removed at the end. */
function pgliteDirectory(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'tg-genbot-db-'));
  return {
    target: { dataDir: dir },
    prepare: async () => {},
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';
import { type TracedDatabase, tracedDialect } from './traced-dialect.ts';

/** Where the data lives: a PostgreSQL server, or PGlite in a directory (or in memory for tests). */
export type DatabaseTarget = { url: string; schema?: string } | { dataDir: string } | { memory: true };

/** An open database plus what is needed to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  /** The schema tables live in, when not the default. */
  readonly schema?: string;
  destroy(): Promise<void>;
}

/** The DATA_DIR value that selects an in-memory embedded database. */
export const MEMORY_DATA_DIR = ':memory:';

const INT8_OID = 20;
// Telegram ids and update ids are below 2^53, so numbers are exact and easier to use than strings.
const parseInt8 = (value: string) => Number(value);

/** The database name, host and port of a connection URL for query spans (never its credentials). */
function serverOf(url: string): TracedDatabase {
  try {
    const parsed = new URL(url);
    const name = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
    return {
      name,
      ...(parsed.hostname ? { serverAddress: parsed.hostname } : {}),
      serverPort: Number(parsed.port || 5432),
    };
  } catch {
    return { name: 'postgres' }; // A key=value connection string: pg parses it; the span says less.
  }
}

/** Opens Kysely over `pg` for a URL, otherwise over embedded PGlite. Nothing connects before this call. */
export async function createDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if ('url' in target) {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      // A private schema isolates test runs that share one server.
      ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID
            ? parseInt8
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    const db = new Kysely<Database>({
      dialect: tracedDialect(new PostgresDialect({ pool }), serverOf(target.url)),
    });
    return {
      db,
      kind: 'postgres',
      ...(target.schema ? { schema: target.schema } : {}),
      destroy: () => db.destroy(),
    };
  }
  let dataDir: string | undefined;
  // DATA_DIR=:memory: keeps nothing on disk (benchmarks, throwaway runs).
  if ('dataDir' in target && target.dataDir !== MEMORY_DATA_DIR) {
    dataDir = resolve(target.dataDir, 'pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create(dataDir, { parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<Database>({ dialect: tracedDialect(new PGliteDialect(pglite), { name: 'pglite' }) });
  return {
    db,
    kind: 'pglite',
    // Kysely's destroy does not close PGlite itself; closing flushes it to disk.
    destroy: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

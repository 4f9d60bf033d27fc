import { type Compilable, CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Stands for one named value while the query is compiled the first time. */
class Placeholder {
  readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
}

/** A parameter of the compiled SQL: a named value of each call, or a constant of the builder. */
type Slot = { readonly key: string } | { readonly value: unknown };

/**
 * A Kysely query on the per-update path, built and compiled once: later calls bind new values to
 * the same SQL. Building and compiling a query cost more CPU than the pg driver's whole round trip
 * (npm run bench's profile), three times per update. `build` must pass its params to Kysely only as
 * values (no arithmetic, no branching, no lists), so the SQL cannot depend on them; constants it
 * writes stay bound as they were. Every dialect here compiles PostgreSQL, so one SQL text serves all.
 */
export function preparedQuery<P extends object, R>(
  build: (db: Db, params: P) => Compilable<R>,
): (db: Db, params: P) => Promise<QueryResult<R>> {
  let prepared: { sql: string; bind(params: P): unknown[] } | undefined;
  return (db, params) => {
    prepared ??= prepare(db, build);
    return db.executeQuery(CompiledQuery.raw(prepared.sql, prepared.bind(params)) as CompiledQuery<R>);
  };
}

function prepare<P extends object, R>(
  db: Db,
  build: (db: Db, params: P) => Compilable<R>,
): { sql: string; bind(params: P): unknown[] } {
  const placeholders = new Proxy({} as P, { get: (_, key) => new Placeholder(String(key)) });
  const compiled = build(db, placeholders).compile();
  const slots = compiled.parameters.map(
    (value): Slot => (value instanceof Placeholder ? { key: value.key } : { value }),
  );
  return {
    sql: compiled.sql,
    bind: (params) =>
      slots.map((slot) => ('key' in slot ? (params as Record<string, unknown>)[slot.key] : slot.value)),
  };
}

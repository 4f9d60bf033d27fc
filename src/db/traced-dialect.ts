import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type {
  AbortableOperationOptions,
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
} from 'kysely';
import { INSTRUMENTATION_SCOPE } from '../telemetry/attributes.ts';

/** Span name prefix, matching instrumentation-pg (`pg.query:SELECT`) so dashboards treat both alike. */
const SPAN_PREFIX = 'pg.query';

const tracer = trace.getTracer(INSTRUMENTATION_SCOPE);

/** Distinct SQL texts whose span name and attributes are kept (the app's are a few dozen). */
const MAX_CACHED_STATEMENTS = 1_000;

function operationOf(sql: string): string {
  return sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? 'UNKNOWN';
}

/** Where the database is, on every query span (the pg driver's URL host and port; PGlite none). */
export interface TracedDatabase {
  readonly name: string;
  readonly serverAddress?: string;
  readonly serverPort?: number;
}

interface StatementShape {
  readonly name: string;
  readonly attributes: Attributes;
}

/**
 * Span name and attributes per SQL text, built once: the hot path's statements are compiled once
 * (src/db/prepared-query.ts) and repeat on every update, so a query span costs one map lookup
 * beyond the SDK's own work. Bounded, since a query with an IN list has a text per list length.
 */
function statementShapes(database: TracedDatabase): (sql: string) => StatementShape {
  const shapes = new Map<string, StatementShape>();
  const server: Attributes = {
    ...(database.serverAddress ? { [ATTR_SERVER_ADDRESS]: database.serverAddress } : {}),
    ...(database.serverPort ? { [ATTR_SERVER_PORT]: database.serverPort } : {}),
  };
  return (sql) => {
    let shape = shapes.get(sql);
    if (!shape) {
      const operation = operationOf(sql);
      shape = {
        name: `${SPAN_PREFIX}:${operation} ${database.name}`,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: 'postgresql',
          [ATTR_DB_NAMESPACE]: database.name,
          [ATTR_DB_OPERATION_NAME]: operation,
          // Parameterised SQL only ($1, $2…); values never reach the span.
          [ATTR_DB_QUERY_TEXT]: sql,
          ...server,
        },
      };
      if (shapes.size >= MAX_CACHED_STATEMENTS) shapes.clear();
      shapes.set(sql, shape);
    }
    return shape;
  };
}

function tracedConnection(
  connection: DatabaseConnection,
  shapeOf: (sql: string) => StatementShape,
): DatabaseConnection {
  return {
    async executeQuery<R>(
      compiled: CompiledQuery,
      options?: AbortableOperationOptions,
    ): Promise<QueryResult<R>> {
      // Like instrumentation-pg with requireParentSpan: no orphan spans for start-up queries.
      if (!trace.getSpan(context.active())) return connection.executeQuery<R>(compiled, options);
      const shape = shapeOf(compiled.sql);
      // Not made active: nothing runs under a query, and entering a context around PGlite's many
      // internal promises cost measurable throughput (npm run bench).
      const span = tracer.startSpan(shape.name, { kind: SpanKind.CLIENT, attributes: shape.attributes });
      try {
        return await connection.executeQuery<R>(compiled, options);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: string }).code ?? 'db_error');
        throw error;
      } finally {
        span.end();
      }
    },
    streamQuery: (compiled, chunkSize) => connection.streamQuery(compiled, chunkSize),
  };
}

/**
 * Wraps a dialect so every query run inside a span is a CLIENT span named like instrumentation-pg's
 * (`pg.query:SELECT test`), for PGlite (no `pg` module to patch) and pg alike. On pg it replaces
 * instrumentation-pg (off in src/telemetry/sdk.ts), whose per-query attribute parsing and pool
 * counters cost more CPU per update than the spans themselves (npm run bench's profile).
 */
export function tracedDialect(inner: Dialect, database: TracedDatabase): Dialect {
  const shapeOf = statementShapes(database);
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver(): Driver {
      const driver = inner.createDriver();
      const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const wrap = (c: DatabaseConnection) => {
        let w = wrapped.get(c);
        if (!w) {
          w = tracedConnection(c, shapeOf);
          wrapped.set(c, w);
        }
        return w;
      };
      const unwrap = new WeakMap<DatabaseConnection, DatabaseConnection>();
      return {
        init: () => driver.init(),
        acquireConnection: async () => {
          const c = await driver.acquireConnection();
          const w = wrap(c);
          unwrap.set(w, c);
          return w;
        },
        beginTransaction: (c, settings) => driver.beginTransaction(unwrap.get(c) ?? c, settings),
        commitTransaction: (c) => driver.commitTransaction(unwrap.get(c) ?? c),
        rollbackTransaction: (c) => driver.rollbackTransaction(unwrap.get(c) ?? c),
        releaseConnection: (c) => driver.releaseConnection(unwrap.get(c) ?? c),
        destroy: () => driver.destroy(),
        ...(driver.savepoint ? { savepoint: driver.savepoint.bind(driver) } : {}),
        ...(driver.rollbackToSavepoint
          ? { rollbackToSavepoint: driver.rollbackToSavepoint.bind(driver) }
          : {}),
        ...(driver.releaseSavepoint ? { releaseSavepoint: driver.releaseSavepoint.bind(driver) } : {}),
      } as Driver;
    },
  };
}

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
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

function operationOf(sql: string): string {
  return sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? 'UNKNOWN';
}

function tracedConnection(connection: DatabaseConnection, dbName: string): DatabaseConnection {
  return {
    async executeQuery<R>(
      compiled: CompiledQuery,
      options?: AbortableOperationOptions,
    ): Promise<QueryResult<R>> {
      // Like instrumentation-pg with requireParentSpan: no orphan spans for start-up queries.
      if (!trace.getSpan(context.active())) return connection.executeQuery<R>(compiled, options);
      const operation = operationOf(compiled.sql);
      // Not made active: nothing runs under a query, and entering a context around PGlite's many
      // internal promises cost measurable throughput (npm run bench).
      const span = tracer.startSpan(`${SPAN_PREFIX}:${operation} ${dbName}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: 'postgresql',
          [ATTR_DB_OPERATION_NAME]: operation,
          // Parameterised SQL only ($1, $2…); values never reach the span.
          [ATTR_DB_QUERY_TEXT]: compiled.sql,
        },
      });
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
 * Wraps a dialect (PGlite's) so every query is a CLIENT span shaped like instrumentation-pg's: the
 * embedded database has no `pg` module for auto-instrumentation to patch.
 */
export function tracedDialect(inner: Dialect, dbName: string): Dialect {
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
          w = tracedConnection(c, dbName);
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

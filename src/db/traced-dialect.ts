import { type Attributes, context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
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
import {
  ATTR_PG_QUERY_DURATION_MS,
  EVENT_PG_QUERY,
  INSTRUMENTATION_SCOPE,
  SPAN_PG_QUERY,
} from '../telemetry/attributes.ts';

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
  /** Span name, like instrumentation-pg's (`pg.query:SELECT test`), for a query that becomes a span. */
  readonly name: string;
  readonly operation: string;
  readonly attributes: Attributes;
}

/**
 * Span name and attributes per SQL text, built once: the hot path's statements are compiled once
 * (src/db/prepared-query.ts) and repeat on every update, so recording a query costs one map lookup
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
        name: `${SPAN_PG_QUERY}:${operation} ${database.name}`,
        operation,
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

/** A query as its own CLIENT span, child of the active span: started when the query was. */
function querySpan(shape: StatementShape, started: number) {
  return tracer.startSpan(shape.name, {
    kind: SpanKind.CLIENT,
    attributes: shape.attributes,
    startTime: started,
  });
}

function tracedConnection(
  connection: DatabaseConnection,
  shapeOf: (sql: string) => StatementShape,
): DatabaseConnection {
  return {
    // Not async, and a then() rather than await: one promise fewer per query (telemetry off
    // returns the driver's own), which npm run bench's profile showed as the wrapper's whole cost.
    executeQuery<R>(compiled: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
      const parent = trace.getSpan(context.active());
      // Like instrumentation-pg with requireParentSpan: nothing for start-up queries (and nothing
      // with telemetry off, where every span is an unsampled no-op). A span that has ended still
      // counts: a write it left to finish becomes a span of its own below.
      if (!parent || !(parent.spanContext().traceFlags & TraceFlags.SAMPLED))
        return connection.executeQuery<R>(compiled, options);
      const started = performance.now();
      return connection.executeQuery<R>(compiled, options).then(
        (result) => {
          const ms = performance.now() - started;
          if (parent.isRecording()) {
            parent.addEvent(
              EVENT_PG_QUERY,
              {
                [ATTR_DB_OPERATION_NAME]: shapeOf(compiled.sql).operation,
                // Parameterised SQL only ($1, $2…); values never reach telemetry.
                [ATTR_DB_QUERY_TEXT]: compiled.sql,
                [ATTR_PG_QUERY_DURATION_MS]: ms,
              },
              started,
            );
          } else {
            // Its span ended first: the query still gets a place in the trace.
            querySpan(shapeOf(compiled.sql), started).end();
          }
          return result;
        },
        (error: unknown) => {
          const span = querySpan(shapeOf(compiled.sql), started);
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: string }).code ?? 'db_error');
          span.end();
          throw error;
        },
      );
    },
    streamQuery: (compiled, chunkSize) => connection.streamQuery(compiled, chunkSize),
  };
}

/**
 * Wraps a dialect so every query run inside a span is recorded on it, for PGlite (no `pg` module to
 * patch) and pg alike: an event `pg.query` with the operation, the parameterised SQL and its
 * duration. A query that fails, or ends after its span did, is a CLIENT span of its own named like
 * instrumentation-pg's (`pg.query:SELECT test`), ERROR with the SQLSTATE when it failed. Events,
 * not spans, for the queries that succeed: a /start runs three bookkeeping queries, and as spans
 * they were half of telemetry's CPU per update (npm run bench); instrumentation-pg (off in
 * src/telemetry/sdk.ts) cost more still, parsing every query and counting every pool event.
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
        acquireConnection: () =>
          driver.acquireConnection().then((c) => {
            const w = wrap(c);
            unwrap.set(w, c);
            return w;
          }),
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

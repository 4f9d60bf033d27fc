import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { assertSpan } from '../support/assert-span.ts';
import { setupTestTelemetry } from '../support/otel.ts';

// Telemetry first, then the app (as the bot does): the query spans must not depend on load order.
const otel = await setupTestTelemetry();
const { sql } = await import('kysely');
const { createTestDatabase, DATABASE_KIND, TEST_DATABASE_URL } = await import('../support/test-database.ts');

const tracer = trace.getTracer('test');
const dbName = TEST_DATABASE_URL ? new URL(TEST_DATABASE_URL).pathname.slice(1) : 'pglite';

describe(`query events from src/db/traced-dialect.ts (${DATABASE_KIND})`, () => {
  const database = createTestDatabase();
  let db: Awaited<ReturnType<typeof database.open>>['db'];

  before(async () => {
    db = (await database.open()).db;
  });
  after(() => database.dispose());
  beforeEach(() => otel.reset());

  const dbSpans = () => otel.spans.getFinishedSpans().filter((s) => s.attributes['db.system.name']);
  const finished = (name: string) => {
    const span = otel.spans.getFinishedSpans().find((s) => s.name === name);
    assert.ok(span, `span ${name} finished`);
    return span;
  };
  const queryEvents = (span: ReadableSpan | undefined) =>
    (span?.events ?? []).filter((e) => e.name === 'pg.query');

  it('records each query that succeeds as a pg.query event on the span that ran it: operation, parameterised SQL, duration, never the values', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      for (let i = 0; i < 2; i++) {
        await db.selectFrom('users').select('id').where('id', '=', 987654321).execute();
      }
      parent.end();
    });
    await otel.flushSpans();
    const parent = finished('parent');
    assert.deepEqual(dbSpans(), [], 'a query that succeeds is no span of its own');
    const events = queryEvents(parent);
    assert.equal(events.length, 2, 'one event per query, the cached statement too');
    for (const event of events) {
      assert.equal(event.attributes?.['db.operation.name'], 'SELECT');
      assert.match(String(event.attributes?.['db.query.text']), /from "users" where "id" = \$1/);
      const ms = event.attributes?.['pg.query.duration_ms'];
      assert.ok(typeof ms === 'number' && ms >= 0, `duration ${ms}`);
      assert.ok(!JSON.stringify(event.attributes).includes('987654321'), 'parameter values stay off');
      // The event is stamped when the query started: inside the parent span, not after it.
      assert.ok(hrTimeToNanoseconds(event.time) >= hrTimeToNanoseconds(parent.startTime));
      assert.ok(hrTimeToNanoseconds(event.time) <= hrTimeToNanoseconds(parent.endTime));
    }
  });

  it('makes a failing query its own CLIENT span, child of the one that ran it, ERROR with its SQLSTATE, and still throws it', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      await assert.rejects(sql`select * from no_such_table`.execute(db), /no_such_table/);
      parent.end();
    });
    await otel.flushSpans();
    const parent = finished('parent');
    assertSpan(dbSpans()[0], {
      name: `pg.query:SELECT ${dbName}`,
      kind: SpanKind.CLIENT,
      parent,
      status: SpanStatusCode.ERROR,
      attributes: {
        'error.type': '42P01',
        'db.system.name': 'postgresql',
        'db.namespace': dbName,
        'db.operation.name': 'SELECT',
        'db.query.text': 'select * from no_such_table',
        ...(TEST_DATABASE_URL ? { 'server.address': '127.0.0.1', 'server.port': 5432 } : {}),
      },
    });
    assert.deepEqual(queryEvents(parent), [], 'recorded once: as the span, not also as an event');
  });

  it("makes a query that ends after its span did a CLIENT span of its own, timed from the query's start", async () => {
    let query: Promise<unknown> | undefined;
    tracer.startActiveSpan('parent', (parent) => {
      query = db.selectFrom('users').select('id').limit(1).execute();
      parent.end();
    });
    await query;
    await otel.flushSpans();
    const parent = finished('parent');
    const span = assertSpan(dbSpans()[0], {
      name: `pg.query:SELECT ${dbName}`,
      kind: SpanKind.CLIENT,
      parent,
      status: SpanStatusCode.UNSET,
      attributes: { 'db.operation.name': 'SELECT', 'db.query.text': /from "users"/ },
    });
    assert.ok(hrTimeToNanoseconds(span.startTime) >= hrTimeToNanoseconds(parent.startTime));
    assert.ok(hrTimeToNanoseconds(span.endTime) >= hrTimeToNanoseconds(span.startTime));
    assert.deepEqual(queryEvents(parent), []);
  });

  it('records nothing for a query outside any span (start-up, migrations)', async () => {
    await db.selectFrom('users').select('id').limit(1).execute();
    assert.deepEqual(otel.spans.getFinishedSpans(), []);
  });

  it('makes no span of its own for a query (the pg instrumentation is off)', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      await db.selectFrom('users').select('id').limit(1).execute();
      parent.end();
    });
    const names = otel.spans.getFinishedSpans().map((s) => s.name);
    assert.deepEqual(names, ['parent']);
  });
});

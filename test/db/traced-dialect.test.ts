import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { assertSpan } from '../support/assert-span.ts';
import { setupTestTelemetry } from '../support/otel.ts';

// Telemetry first, then the app (as the bot does): the query spans must not depend on load order.
const otel = await setupTestTelemetry();
const { sql } = await import('kysely');
const { createTestDatabase, DATABASE_KIND, TEST_DATABASE_URL } = await import('../support/test-database.ts');

const tracer = trace.getTracer('test');
const dbName = TEST_DATABASE_URL ? new URL(TEST_DATABASE_URL).pathname.slice(1) : 'pglite';

describe(`query spans from src/db/traced-dialect.ts (${DATABASE_KIND})`, () => {
  const database = createTestDatabase();
  let db: Awaited<ReturnType<typeof database.open>>['db'];

  before(async () => {
    db = (await database.open()).db;
  });
  after(() => database.dispose());
  beforeEach(() => otel.reset());

  const dbSpans = () => otel.spans.getFinishedSpans().filter((s) => s.attributes['db.system.name']);

  it('traces each query inside a span as a CLIENT child with the parameterised SQL, never the values', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      for (let i = 0; i < 2; i++) {
        await db.selectFrom('users').select('id').where('id', '=', 987654321).execute();
      }
      parent.end();
    });
    const parent = otel.spans.getFinishedSpans().find((s) => s.name === 'parent');
    const spans = dbSpans();
    assert.equal(spans.length, 2, 'one span per query, the cached statement too');
    for (const span of spans) {
      assertSpan(span, {
        name: `pg.query:SELECT ${dbName}`,
        kind: SpanKind.CLIENT,
        parent,
        status: SpanStatusCode.UNSET,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': dbName,
          'db.operation.name': 'SELECT',
          'db.query.text': /from "users" where "id" = \$1/,
          ...(TEST_DATABASE_URL ? { 'server.address': '127.0.0.1', 'server.port': 5432 } : {}),
        },
      });
      assert.ok(!JSON.stringify(span.attributes).includes('987654321'), 'parameter values stay off');
    }
    // Each span carries its own attribute copy: the shared per-statement object is not exposed.
    assert.notEqual(spans[0]?.attributes, spans[1]?.attributes);
  });

  it('marks a failing query ERROR with its SQLSTATE and still throws it', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      await assert.rejects(sql`select * from no_such_table`.execute(db), /no_such_table/);
      parent.end();
    });
    assertSpan(dbSpans()[0], {
      name: `pg.query:SELECT ${dbName}`,
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': '42P01' },
    });
  });

  it('makes no span for a query outside any span (start-up, migrations)', async () => {
    await db.selectFrom('users').select('id').limit(1).execute();
    assert.deepEqual(dbSpans(), []);
  });

  it('makes no other span for the query (the pg instrumentation is off)', async () => {
    await tracer.startActiveSpan('parent', async (parent) => {
      await db.selectFrom('users').select('id').limit(1).execute();
      parent.end();
    });
    const names = otel.spans.getFinishedSpans().map((s) => s.name);
    assert.deepEqual(names, [`pg.query:SELECT ${dbName}`, 'parent']);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { assertSpan, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: pg must load after its instrumentation.
const otel = await setupTestTelemetry();
const { createBillingService } = await import('../../../src/services/billing/billing.service.ts');
const { createUserService } = await import('../../../src/services/user.service.ts');
const { createTestDatabase, DATABASE_KIND } = await import('../../support/test-database.ts');

/** The `billing.credits` sum per operation. */
function creditsByOperation(metrics: MetricData[]): Record<string, number> {
  const metric = metrics.find((m) => m.descriptor.name === 'billing.credits');
  assert.ok(metric, 'billing.credits recorded');
  assert.equal(metric.descriptor.unit, '{credit}');
  const points = metric.dataPoints as DataPoint<number | Histogram>[];
  return Object.fromEntries(
    points.map((p) => [String(p.attributes['billing.operation']), p.value as number]),
  );
}

describe(`billing telemetry (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let billing: ReturnType<typeof createBillingService>;
  before(async () => {
    const handle = await testDb.open();
    await createUserService(handle.db).touch(6001);
    billing = createBillingService(handle.db);
  });
  after(() => testDb.dispose());
  beforeEach(() => otel.reset());

  it('records one billing.{operation} span per operation and counts credits once per entry', async () => {
    await billing.topUp(6001, 20, { idempotencyKey: 'tel-topup' });
    const charge = await billing.charge(6001, 8, { idempotencyKey: 'tel-charge' });
    await billing.charge(6001, 8, { idempotencyKey: 'tel-charge' });
    await billing.refund(charge.id, { idempotencyKey: 'tel-refund' });
    await billing.adjust(6001, -2, { idempotencyKey: 'tel-adjust', reason: 'test', adminId: 1 });
    const spans = otel.spans.getFinishedSpans();

    assertSpan(findSpan(spans, 'billing.topup'), {
      kind: SpanKind.INTERNAL,
      attributes: {
        'billing.operation': 'topup',
        'billing.amount': 20,
        'billing.balance_after': 20,
        'billing.idempotency_key': 'tel-topup',
        'enduser.id': '6001',
        outcome: 'ok',
      },
    });
    const charges = spans.filter((s) => s.name === 'billing.charge');
    assert.deepEqual(
      charges.map((s) => [s.attributes.outcome, s.attributes['billing.balance_after']]),
      [
        ['ok', 12],
        ['duplicate', 12],
      ],
    );
    assertSpan(findSpan(spans, 'billing.refund'), {
      attributes: { 'billing.amount': 8, 'billing.balance_after': 20, 'enduser.id': '6001' },
    });
    assertSpan(findSpan(spans, 'billing.adjustment'), {
      attributes: { 'billing.amount': -2, 'billing.balance_after': 18 },
    });
    // The replayed charge moved no credits, so it is not counted again.
    assert.deepEqual(creditsByOperation(await otel.collectMetrics()), {
      topup: 20,
      charge: 8,
      refund: 8,
      adjustment: 2,
    });
  });

  it('marks a refused charge with error.type set to the billing code', async () => {
    await assert.rejects(billing.charge(6001, 1_000, { idempotencyKey: 'tel-too-much' }));
    await assert.rejects(billing.charge(6001, 1.5, { idempotencyKey: 'tel-fraction' }));
    const spans = otel.spans.getFinishedSpans().filter((s) => s.name === 'billing.charge');
    assert.deepEqual(
      spans.map((s) => [s.status.code, s.attributes['error.type']]),
      [
        [SpanStatusCode.ERROR, 'billing.insufficient_balance'],
        [SpanStatusCode.ERROR, 'billing.invalid_amount'],
      ],
    );
    assert.ok(spans.every((s) => s.events.some((e) => e.name === 'exception')));
  });
});

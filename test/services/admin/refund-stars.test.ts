import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { GrammyError, HttpError } from 'grammy';
import { assertSpan, findSpan } from '../../support/assert-span.ts';
import { setupTestTelemetry } from '../../support/otel.ts';

// Telemetry first, then the app: pg must load after its instrumentation.
const otel = await setupTestTelemetry();
const { AdminActionError, createAdminService } = await import('../../../src/services/admin/index.ts');
const { createBillingService } = await import('../../../src/services/billing/billing.service.ts');
const { createUserService } = await import('../../../src/services/user.service.ts');
const { createCaptureLogger } = await import('../../support/capture-logger.ts');
const { createTestDatabase, DATABASE_KIND } = await import('../../support/test-database.ts');

const ADMIN = 900_002;
const refused = (description: string) =>
  new GrammyError(
    'refundStarPayment failed',
    { ok: false, error_code: 400, description },
    'refundStarPayment',
    {},
  );

describe(`/admin refund: Stars refunds with the ledger (${DATABASE_KIND})`, () => {
  const testDb = createTestDatabase();
  let db: Awaited<ReturnType<typeof testDb.open>>['db'];
  let billing: ReturnType<typeof createBillingService>;
  let nextUser = 8400;
  /** What Telegram answers next; every call is recorded. */
  let telegram: (userId: number, chargeId: string) => Promise<unknown>;
  const calls: Array<[number, string]> = [];
  let admin: ReturnType<typeof createAdminService>;

  /** A user who bought a 100-credit pack with charge id `stx-<user>`, and spent `spent` of it. */
  const buyer = async (spent = 0) => {
    const id = nextUser++;
    await createUserService(db).touch(id);
    await billing.topUp(id, 100, { idempotencyKey: `stars:stx-${id}`, reference: `stx-${id}` });
    if (spent) await billing.charge(id, spent, { idempotencyKey: `charge:${id}` });
    return { id, charge: `stx-${id}` };
  };
  const entries = (userId: number) =>
    db
      .selectFrom('ledger_entries')
      .select(['idempotency_key', 'amount'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  const refusal = async (promise: Promise<unknown>, code: string) => {
    const error = await promise.then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AdminActionError, String(error));
    assert.equal(error.code, code);
    return error;
  };

  before(async () => {
    db = (await testDb.open()).db;
    billing = createBillingService(db);
    admin = createAdminService({
      db,
      billing,
      users: createUserService(db),
      kie: undefined,
      adminIds: [ADMIN],
      logger: createCaptureLogger().logger,
      refundStarPayment: (userId, chargeId) => {
        calls.push([userId, chargeId]);
        return telegram(userId, chargeId);
      },
    });
  });
  after(() => testDb.dispose());
  beforeEach(() => {
    otel.reset();
    calls.length = 0;
    telegram = async () => true;
  });

  it('refunds the Stars and takes the credits back in one ledger entry', async () => {
    const { id, charge } = await buyer();
    const result = await admin.refundStars(ADMIN, charge);
    assert.deepEqual(
      { ...result, entryId: undefined },
      {
        userId: id,
        chargeId: charge,
        credits: 100,
        balanceAfter: 0,
        entryId: undefined,
        outcome: 'refunded',
      },
    );
    assert.deepEqual(calls, [[id, charge]]);
    assert.equal(await billing.balance(id), 0);
    assert.deepEqual(await entries(id), [
      { idempotency_key: `stars:${charge}`, amount: 100 },
      { idempotency_key: `stars-refund:${charge}`, amount: -100 },
    ]);
    assertSpan(findSpan(otel.spans.getFinishedSpans(), 'bot.admin.refund'), {
      kind: SpanKind.INTERNAL,
      attributes: {
        'bot.admin.action': 'refund',
        'enduser.id': String(id),
        'billing.amount': -100,
        'billing.balance_after': 0,
        outcome: 'refunded',
      },
    });
  });

  it('refuses when the credits were spent: nothing moves and Telegram is not asked', async () => {
    const { id, charge } = await buyer(30);
    const error = await refusal(admin.refundStars(ADMIN, charge), 'admin.refund_spent');
    assert.deepEqual(error.userMessageArgs, { id: String(id), balance: 70, credits: 100 });
    assert.deepEqual(calls, []);
    assert.equal(await billing.balance(id), 70);
    assert.equal((await entries(id)).length, 2, 'the top-up and the charge only');
    assertSpan(findSpan(otel.spans.getFinishedSpans(), 'bot.admin.refund'), {
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'admin.refund_spent' },
    });
  });

  it('refuses an unknown charge id: nothing moves and Telegram is not asked', async () => {
    await refusal(admin.refundStars(ADMIN, 'stx-never-paid'), 'admin.charge_not_found');
    assert.deepEqual(calls, []);
  });

  it('answers "already refunded" for a payment Telegram refunded before, taking the credits back once', async () => {
    const { id, charge } = await buyer();
    await admin.refundStars(ADMIN, charge);
    telegram = async () => {
      throw refused('Bad Request: CHARGE_ALREADY_REFUNDED');
    };
    const again = await admin.refundStars(ADMIN, charge);
    assert.equal(again.outcome, 'already_refunded');
    assert.equal(await billing.balance(id), 0);
    assert.equal((await entries(id)).length, 2, 'no second debit');
  });

  it('keeps the credits taken when Telegram does not answer, and completes on a second run', async () => {
    const { id, charge } = await buyer();
    telegram = async () => {
      throw new HttpError('Network request for refundStarPayment failed', new Error('ECONNRESET'));
    };
    await refusal(admin.refundStars(ADMIN, charge), 'admin.refund_unknown');
    assert.equal(await billing.balance(id), 0, 'the Stars may be refunded: the credits stay taken');
    telegram = async () => true;
    assert.equal((await admin.refundStars(ADMIN, charge)).outcome, 'refunded');
    assert.equal(await billing.balance(id), 0);
    assert.equal((await entries(id)).length, 2, 'one debit across both runs');
  });

  it('gives the credits back when Telegram refuses for good, and keeps that refund closed', async () => {
    const { id, charge } = await buyer();
    telegram = async () => {
      throw refused('Bad Request: CHARGE_NOT_FOUND');
    };
    const error = await refusal(admin.refundStars(ADMIN, charge), 'admin.refund_refused');
    assert.match(String(error.userMessageArgs.description), /CHARGE_NOT_FOUND/);
    assert.equal(await billing.balance(id), 100);
    telegram = async () => true;
    await refusal(admin.refundStars(ADMIN, charge), 'admin.refund_closed');
    assert.equal(calls.length, 1, 'a closed refund is not sent to Telegram again');
    assert.equal(await billing.balance(id), 100);
  });

  it('is for admins only', async () => {
    const { charge } = await buyer();
    await refusal(admin.refundStars(123, charge), 'admin.forbidden');
    assert.deepEqual(calls, []);
  });
});

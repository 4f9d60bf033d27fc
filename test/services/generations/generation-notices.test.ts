import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpError } from 'grammy';
import type { Generation, GenerationService } from '../../../src/services/generations/index.ts';
import { MAX_NOTICE_ATTEMPTS, noticeRetryDelayMs } from '../../../src/services/notice-retry.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { skippingClock } from '../../support/skipping-clock.ts';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createGenerationHarness, type GenerationHarness, MODEL, runUntil } from './generation-harness.ts';

/** What Telegram being away looks like to grammY: a network error, worth trying again. */
const telegramAway = () => new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET'));

describe(`the user is told how a failed generation ended, even across outages and restarts (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  before(async () => {
    h = await createGenerationHarness();
  });
  after(() => h.close());

  const row = (id: string) =>
    h.handle.db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  const failOnce = async (service: GenerationService, userId: number): Promise<Generation> => {
    h.script('fail', 1);
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox' },
      idempotencyKey: `notice-${userId}`,
    });
    const [failed] = await runUntil(service, [gen.id], ['failed']);
    return failed as Generation;
  };

  it('keeps the notice owed while Telegram is away and sends it once Telegram is back', async () => {
    const clock = skippingClock();
    const told: string[] = [];
    let away = 2;
    const service = h.service({
      now: clock.now,
      notifier: {
        refunded: async (g) => {
          if (away-- > 0) throw telegramAway();
          told.push(`${g.id}:${g.status}`);
        },
      },
    });
    const userId = await h.user(100);
    const failed = await failOnce(service, userId);
    assert.equal(await h.billing.balance(userId), 100, 'refunded whatever happens to the message');

    let stored = await row(failed.id);
    assert.equal(stored.notice_pending, true, 'still owed after the first try failed');
    assert.equal(stored.notice_attempts, 1);
    assert.equal(stored.locked_by, null, 'released for whichever worker comes next');
    const due = stored.next_run_at.getTime() - clock.now().getTime();
    assert.ok(due > noticeRetryDelayMs(1) - 1000 && due <= noticeRetryDelayMs(1), `next try in ${due} ms`);

    // Not due yet: a worker pass leaves it alone.
    await service.runDue({ limit: 10, workerId: 'w-a', notices: true });
    assert.equal((await row(failed.id)).notice_attempts, 1);

    clock.advance(noticeRetryDelayMs(1));
    await service.runDue({ limit: 10, workerId: 'w-a', notices: true });
    stored = await row(failed.id);
    assert.equal(stored.notice_attempts, 2, 'second try, Telegram still away');
    assert.equal(stored.notice_pending, true);

    // A pass that does not take notices (the create lane) never picks it up.
    clock.advance(noticeRetryDelayMs(2));
    await service.runDue({ limit: 10, workerId: 'w-a', statuses: ['pending'] });
    assert.equal((await row(failed.id)).notice_attempts, 2);

    await service.runDue({ limit: 10, workerId: 'w-a', notices: true });
    stored = await row(failed.id);
    assert.equal(stored.notice_pending, false);
    assert.equal(stored.notice_attempts, 3);
    assert.deepEqual(told, [`${failed.id}:failed`], 'told exactly once');

    clock.advance(60 * 60_000);
    await service.runDue({ limit: 10, workerId: 'w-a', notices: true });
    assert.deepEqual(told, [`${failed.id}:failed`], 'and never again');
    assert.equal(await h.billing.balance(userId), 100);
  });

  it('a notice owed by an instance that died is sent by the next one, once', async () => {
    const userId = await h.user(100);
    const dying = h.service({
      notifier: {
        // The process dies while telling: the settle (refund + owed notice) is already committed.
        refunded: () => new Promise<never>(() => undefined),
      },
    });
    h.script('fail', 1);
    const gen = await dying.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox' },
      idempotencyKey: `dies-${userId}`,
    });
    void runUntil(dying, [gen.id], ['failed'], 15_000, 'dead-instance').catch(() => undefined);
    for (let i = 0; i < 500 && (await row(gen.id)).status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const settled = await row(gen.id);
    assert.equal(settled.status, 'failed');
    assert.equal(settled.notice_pending, true);
    assert.equal(settled.locked_by, 'dead-instance', 'the settler holds it while it tells');

    const told: string[] = [];
    const next = h.service({ notifier: { refunded: async (g) => void told.push(g.id) } });
    // Another instance respects the lease…
    await next.runDue({ limit: 10, workerId: 'other', notices: true });
    assert.deepEqual(told, []);
    // …and takes over once it has expired (a restarted instance releases its own leases at once).
    await h.handle.db
      .updateTable('generations')
      .set({ locked_until: new Date(Date.now() - 1) })
      .where('id', '=', gen.id)
      .execute();
    await next.runDue({ limit: 10, workerId: 'other', notices: true });
    assert.deepEqual(told, [gen.id]);
    assert.equal((await row(gen.id)).notice_pending, false);
    assert.equal(await h.billing.balance(userId), 100, 'refunded once');
  });

  it('gives up after the last try with one error line, and the refund stands', async () => {
    const clock = skippingClock();
    const { logger, lines } = createCaptureLogger();
    let tries = 0;
    const service = h.service({
      now: clock.now,
      logger,
      notifier: {
        refunded: async () => {
          tries += 1;
          throw telegramAway();
        },
      },
    });
    const userId = await h.user(100);
    const failed = await failOnce(service, userId);
    for (let attempt = 1; attempt < MAX_NOTICE_ATTEMPTS; attempt++) {
      clock.advance(noticeRetryDelayMs(attempt));
      await service.runDue({ limit: 10, workerId: 'w-b', notices: true });
    }
    assert.equal(tries, MAX_NOTICE_ATTEMPTS);
    const stored = await row(failed.id);
    assert.equal(stored.notice_pending, false);
    assert.equal(stored.status, 'failed');
    assert.equal(await h.billing.balance(userId), 100);
    const gaveUp = lines().filter((r) => r.level === 'error');
    assert.equal(gaveUp.length, 1);
    assert.match(String(gaveUp[0]?.message), /Gave up telling the user/);
    assert.equal(gaveUp[0]?.generation_id, failed.id);
    assert.equal(
      lines().filter((r) => r.level === 'warn' && /will try again/.test(String(r.message))).length,
      MAX_NOTICE_ATTEMPTS - 1,
    );

    clock.advance(24 * 60 * 60_000);
    await service.runDue({ limit: 10, workerId: 'w-b', notices: true });
    assert.equal(tries, MAX_NOTICE_ATTEMPTS, 'no try after giving up');
  });

  it('/cancel tells the user too, and owes it when Telegram is away', async () => {
    let away = true;
    const told: string[] = [];
    const service = h.service({
      notifier: {
        refunded: async (g) => {
          if (away) throw telegramAway();
          told.push(`${g.id}:${g.status}`);
        },
      },
    });
    const userId = await h.user(100);
    const gen = await service.start({
      userId,
      chatId: userId,
      model: MODEL,
      input: { prompt: 'a fox' },
      idempotencyKey: `cancel-${userId}`,
    });
    const [cancelled] = await service.cancel(userId);
    assert.equal(cancelled?.id, gen.id);
    const stored = await row(gen.id);
    assert.equal(stored.status, 'cancelled');
    assert.equal(stored.notice_pending, true);
    assert.equal(stored.locked_by, null);

    away = false;
    await h.handle.db
      .updateTable('generations')
      .set({ next_run_at: new Date(Date.now() - 1) })
      .where('id', '=', gen.id)
      .execute();
    await service.runDue({ limit: 10, workerId: 'w-c', notices: true });
    assert.deepEqual(told, [`${gen.id}:cancelled`]);
    assert.equal(await h.billing.balance(userId), 100);
  });
});

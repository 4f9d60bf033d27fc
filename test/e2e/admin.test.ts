import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake } from '@tg-genbot/fakes/kie';
import { sql } from 'kysely';
import { createKieClient, type KieClient } from '../../src/clients/kie/index.ts';
import { type BillingService, createBillingService } from '../../src/services/billing/billing.service.ts';
import { seedGeneration, traceparentFor } from '../services/admin/admin-fixtures.ts';
import { type BotHarness, startBotHarness, TEST_TOKEN } from '../support/bot-harness.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const ADMIN = 4242;
const MODEL = 'google/nano-banana';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

const buttons = (markup: unknown) =>
  (
    (markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)
      ?.inline_keyboard ?? []
  ).flat();

describe(`admin commands end to end (${DATABASE_KIND})`, () => {
  const kieFake = createKieFake({ timeScale: 0.05, rateLimits: false });
  let h: BotHarness;
  let kie: KieClient;
  let billing: BillingService;

  /** A task that stays running at the fake KIE. */
  const hangingTask = async () => {
    kieFake.script(MODEL, { outcome: 'hang', stateDurationsMs: { waiting: 100, queuing: 100 }, times: 1 });
    return (await kie.createTask({ model: MODEL, input: { prompt: 'a fox' } })).taskId;
  };
  /** A user who has written to the bot, with credits. */
  const customer = async (id: number, credits: number) => {
    const user = h.fake.user({ id, firstName: 'Cus' });
    await user.sendCommand('/start');
    await user.waitForMessage((m) => /^Hi,/.test(m.text ?? ''));
    await billing.topUp(id, credits, { idempotencyKey: `e2e-seed:${id}` });
    return user;
  };
  const adjustments = async (userId: number) =>
    (
      await sql<{ id: number; amount: number; reason: string; admin_id: number }>`
        select id, amount, reason, admin_id from ledger_entries
        where user_id = ${userId} and operation = 'adjustment' order by id`.execute(h.database.db)
    ).rows;

  before(async () => {
    await kieFake.start();
    kie = createKieClient({
      baseUrl: kieFake.baseUrl,
      apiKey: 'kie-test-key',
      timeoutMs: 2000,
      createPer10s: 1000,
      pollsPerSecond: 1000,
    });
    h = await startBotHarness({
      env: { ADMIN_IDS: `${ADMIN}`, KIE_API_KEY: 'kie-test-key', KIE_BASE_URL: kieFake.baseUrl },
    });
    billing = createBillingService(h.database.db);
  });
  after(async () => {
    await h.dispose();
    await kie.close();
    await kieFake.stop();
  });

  it('shows the admin menu to admins only, and /admin to anyone else is an unknown command', async () => {
    const menus = h.fake.calls(TEST_TOKEN).filter((c) => c.method === 'setMyCommands');
    const names = (c: (typeof menus)[number]) =>
      (c.payload.commands as Array<{ command: string }>).map((x) => x.command);
    const forAdmin = menus.filter((c) => (c.payload.scope as { chat_id?: number })?.chat_id === ADMIN);
    assert.ok(forAdmin.length > 0 && forAdmin.every((c) => names(c).includes('admin')));
    const forEveryone = menus.filter((c) => c.payload.scope === undefined);
    assert.ok(forEveryone.length > 0);
    assert.ok(
      forEveryone.every((c) => !names(c).includes('admin')),
      'the menu everyone sees has no /admin',
    );

    const stranger = h.fake.user({ id: 5151, firstName: 'Eve' });
    await stranger.sendCommand('/frobnicate');
    const unknown = await stranger.waitForMessage();
    await stranger.sendCommand('/admin');
    const refused = await stranger.waitForMessage();
    assert.equal(refused.text, unknown.text?.replace('/frobnicate', '/admin'));
    assert.equal(refused.text, "I don't know the command /admin. Send /help to see what I can do.");
    await stranger.sendCommand('/admin', 'adjust 5151 +1000 mine');
    assert.match((await stranger.waitForMessage()).text ?? '', /^I don't know the command \/admin\./);
    assert.equal(await billing.balance(5151), 0, 'nothing adjusted');
  });

  it('shows totals with buttons, and the in-flight list', async () => {
    const userId = 5201;
    await customer(userId, 100);
    const taskId = await hangingTask();
    const running = await seedGeneration(h.database.db, billing, {
      userId,
      status: 'running',
      kieTaskId: taskId,
    });
    const admin = h.fake.user({ id: ADMIN, firstName: 'Root' });
    await admin.sendCommand('/admin');
    const totals = await admin.waitForMessage();
    assert.match(totals.text ?? '', /📊 Totals/);
    assert.match(totals.text ?? '', /Users: \d+ \(active in 24 h: \d+\)/);
    assert.match(totals.text ?? '', /In flight now: [1-9]/);
    const inFlight = buttons(totals.replyMarkup).find((b) => b.callback_data === 'admin:in_flight');
    assert.ok(inFlight, 'an in-flight button');

    await admin.pressButton({ messageId: totals.messageId, data: 'admin:in_flight' });
    const list = await admin.waitForMessage(
      (m) => m.messageId === totals.messageId && /In flight/.test(m.text ?? ''),
    );
    assert.ok(list.text?.includes(running.id));
    assert.ok(list.text?.includes(taskId));
    assert.ok(buttons(list.replyMarkup).some((b) => b.callback_data === `admin:recheck:${running.id}`));
    await admin.pressButton({ messageId: list.messageId, data: `admin:recheck:${running.id}` });
    const recheck = await admin.waitForMessage((m) => /Re-check/.test(m.text ?? ''));
    assert.match(recheck.text ?? '', /KIE says: (waiting|queuing|generating)[\s\S]*Made due now/);
  });

  it('looks a user up with balance, ledger and the trace ids of their generations', async () => {
    const userId = 5301;
    await customer(userId, 100);
    const taskId = await hangingTask();
    await seedGeneration(h.database.db, billing, {
      userId,
      status: 'running',
      kieTaskId: taskId,
      traceparent: traceparentFor(TRACE_ID),
      price: 7,
    });
    await seedGeneration(h.database.db, billing, { userId, status: 'failed', failCode: '500', price: 3 });
    await seedGeneration(h.database.db, billing, {
      userId,
      status: 'delivered',
      modelId: 'seedream',
      price: 9,
      kieCreditsConsumed: 6.5,
    });
    // A protocol's charge, under the key the protocol service posts it with.
    await billing.charge(userId, 1, {
      idempotencyKey: 'protocol:admin-view-job',
      reference: 'admin-view-job',
    });
    const admin = h.fake.user({ id: ADMIN, firstName: 'Root' });
    await admin.sendCommand('/admin', `user ${userId}`);
    const report = await admin.waitForMessage();
    const text = report.text ?? '';
    assert.match(text, new RegExp(`👤 User ${userId}`));
    assert.match(text, /Balance: 83 credits/);
    assert.match(text, /· #\d+ protocol -1 → 83\n/, 'a protocol charge is named as one');
    assert.ok(text.includes(`trace ${TRACE_ID}`), text);
    assert.ok(text.includes(`task ${taskId}`), text);
    assert.match(text, /nano-banana · running · 7 cr\.\n/, 'no KIE cost while none is known');
    // What KIE reported charging, next to what the user paid.
    assert.match(text, /seedream · delivered · 9 cr\. · KIE cost: 6\.5 KIE credits/);
    assert.match(text, /failed: 500/);
    assert.match(text, /top-up \+100 → 100/);

    await admin.sendCommand('/admin', 'user 99');
    assert.match((await admin.waitForMessage()).text ?? '', /No user 99: they have never written to the bot/);
    await admin.sendCommand('/admin', 'user bob');
    const usage = await admin.waitForMessage();
    assert.match(usage.text ?? '', /^Usage: \/admin user <telegram id>/);
    assert.doesNotMatch(usage.text ?? '', /ref [0-9a-f]{8}/, 'an input mistake carries no error reference');
  });

  it('adjusts a balance with a reason, once even when the update comes again', async () => {
    const userId = 5401;
    await customer(userId, 10);
    const admin = h.fake.user({ id: ADMIN, firstName: 'Root' });
    const update = await admin.sendCommand('/admin', `adjust ${userId} +50 goodwill <b>bonus</b> & more`);
    const done = await admin.waitForMessage();
    const [entry] = await adjustments(userId);
    // The reason is shown as typed: escaped for HTML, not interpreted.
    assert.equal(
      done.text,
      `✅ Balance of ${userId} changed by +50, now 60. Ledger entry #${entry?.id}, reason: goodwill <b>bonus</b> & more`,
    );
    assert.deepEqual(await adjustments(userId), [
      { id: entry?.id, amount: 50, reason: 'goodwill <b>bonus</b> & more', admin_id: ADMIN },
    ]);

    // The very same update again (webhook redelivery, polling after a crash): skipped before any feature.
    await h.fake.enqueueRaw(TEST_TOKEN, update as never);
    // The same message under a new update id: the ledger key, derived from the message, holds.
    await h.fake.enqueueRaw(TEST_TOKEN, { ...update, update_id: update.update_id + 1_000_000 } as never);
    const replayed = await admin.waitForMessage((m) => /already applied/.test(m.text ?? ''));
    assert.match(replayed.text ?? '', new RegExp(`Balance of ${userId}: 60\\.`));
    assert.ok(
      h.log.lines().some((l) => l.message === 'Duplicate update skipped' && l.update_id === update.update_id),
    );
    assert.equal(await billing.balance(userId), 60);
    assert.equal((await adjustments(userId)).length, 1, 'one ledger entry');
    const logged = h.log
      .lines()
      .find((l) => l.message === 'Balance adjusted by an admin' && l.user_id === userId);
    assert.deepEqual(
      [logged?.admin_id, logged?.amount, logged?.reason],
      [ADMIN, 50, 'goodwill <b>bonus</b> & more'],
    );

    await admin.sendCommand('/admin', `adjust ${userId} -61 too much`);
    const refused = await admin.waitForMessage();
    assert.match(
      refused.text ?? '',
      new RegExp(`^Refused: user ${userId} has 60 credits, so taking 61 would make the balance negative\\.`),
    );
    await admin.sendCommand('/admin', `adjust ${userId} 12`);
    assert.match((await admin.waitForMessage()).text ?? '', /^Usage: \/admin adjust/);
    assert.equal(await billing.balance(userId), 60);
  });

  it('re-checks a task: shows what KIE says and makes the generation due now', async () => {
    const userId = 5501;
    await customer(userId, 20);
    const taskId = await hangingTask();
    const row = await seedGeneration(h.database.db, billing, {
      userId,
      status: 'running',
      kieTaskId: taskId,
    });
    const polls = () => kieFake.requests().filter((r) => r.url.includes(taskId)).length;
    const before = polls();
    const admin = h.fake.user({ id: ADMIN, firstName: 'Root' });
    await admin.sendCommand('/admin', `recheck ${taskId}`);
    const reply = await admin.waitForMessage();
    const text = reply.text ?? '';
    assert.match(text, /🔁 Re-check/);
    assert.ok(text.includes(row.id));
    assert.match(text, /KIE says: (waiting|queuing|generating)/);
    assert.match(text, /Made due now/);
    assert.ok(polls() > before, 'KIE was asked');
    const { next_run_at } = await h.database.db
      .selectFrom('generations')
      .select('next_run_at')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.ok(next_run_at.getTime() <= Date.now(), 'due now');
    // The app's worker (KIE is configured) picks it up on its next pass instead of in an hour.
    const polled = async () =>
      (
        await h.database.db
          .selectFrom('generations')
          .select('poll_attempts')
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow()
      ).poll_attempts;
    const deadline = Date.now() + 5000;
    while ((await polled()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok((await polled()) >= 1, 'the worker polled it at once');

    await admin.sendCommand('/admin', 'recheck nothing-here');
    assert.match(
      (await admin.waitForMessage()).text ?? '',
      /No generation with id or KIE task id nothing-here/,
    );
    assert.deepEqual(
      h.log.lines().filter((l) => l.level === 'error'),
      [],
      'nothing in this file logs an error',
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '@tg-genbot/fakes/kie';
import { type ChatMessage, createTelegramFake, type TelegramFake } from '@tg-genbot/fakes/telegram';
import { createDatabase } from '../../src/db/database.ts';
import { ACTIVE_STATUSES } from '../../src/services/generations/generation.ts';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startBotProcess } from '../support/bot-process.ts';
import { freePort } from '../support/free-port.ts';
import { KIE_TEST_KEY, openConfirmation } from '../support/generation-e2e.ts';

const IN_FLIGHT = 20;
const PRICE = 8;

describe('generations survive the bot being killed (separate process, embedded database on disk)', () => {
  let fake: TelegramFake;
  let kie: KieFake;
  let dataDir: string;
  before(async () => {
    fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
    await fake.start();
    kie = createKieFake({ apiKey: KIE_TEST_KEY, rateLimits: false });
    await kie.start();
    dataDir = mkdtempSync(join(tmpdir(), 'tg-genbot-restart-'));
  });
  after(async () => {
    await fake.stop();
    await kie.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`kill -9 with ${IN_FLIGHT} generations in flight, restart: each delivered exactly once, charged once`, async () => {
    // Long enough to kill the bot mid-flight, short enough for the test.
    kie.script('google/nano-banana', {
      outcome: 'success',
      stateDurationsMs: { waiting: 500, queuing: 500, generating: 8000 },
    });
    const env = async () => ({
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      KIE_API_KEY: KIE_TEST_KEY,
      KIE_BASE_URL: kie.baseUrl,
      GENERATION_POLL_MS: '200',
      GENERATION_STATUS_INTERVAL_MS: '0',
      GENERATION_MAX_IN_FLIGHT: String(IN_FLIGHT),
      INSTANCE_ID: 'restart-test',
      ADMIN_IDS: '',
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'info',
    });
    let bot = startBotProcess(await env());
    await bot.waitFor(/Bot started/);
    const user = fake.user({ id: 8301, firstName: 'Crash' });
    // Fund through the real flow: Stars top-up of the biggest pack would do, but the ledger is faster.
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''));
    await user.pressButton({ messageId: balance.messageId, text: /^300 credits · / });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.equal((await user.pay(invoice.messageId)).approved, true);
    const credited = await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    const funds = Number(credited.text?.match(/Your balance: (\d+)/)?.[1]);
    assert.ok(funds >= IN_FLIGHT * PRICE, `funded ${funds}`);

    const confirmations: ChatMessage[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      confirmations.push(await openConfirmation(user, /Images/, /^Nano Banana ·/, `crash test ${i}`));
    }
    await Promise.all(
      confirmations.map((c) => user.pressButton({ messageId: c.messageId, text: /Confirm/ })),
    );
    // Every confirmation has become a generation (its message is now a status message), and KIE is
    // working on some of them: pull the plug. (Presses the runner fetched but had not handled yet
    // would be lost with the process, like any update in polling mode; they are not what this tests.)
    const started = () =>
      confirmations.every((c) =>
        /queued|generating|waiting/.test(
          user.messages().find((m) => m.messageId === c.messageId)?.text ?? '',
        ),
      );
    const deadline = Date.now() + 30_000;
    while (!started() || kie.tasks().length < IN_FLIGHT / 2) {
      assert.ok(Date.now() < deadline, `started: ${started()}, tasks created: ${kie.tasks().length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(user.messages().filter((m) => m.media).length, 0, 'nothing delivered before the kill');
    await bot.stop('SIGKILL');
    // What the database holds at the kill decides each ending: a row still 'creating' had its create
    // in flight (KIE may or may not have made the task, and nothing can tell), every other row is
    // either created at KIE or not sent yet. Creates run concurrently, so any number can be in flight.
    const handle = await createDatabase({ dataDir });
    const atKill = await handle.db
      .selectFrom('generations')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    await handle.destroy();
    const inFlightCreates = Number(atKill.find((r) => r.status === 'creating')?.n ?? 0);
    assert.equal(
      atKill.reduce((sum, r) => sum + Number(r.n), 0),
      IN_FLIGHT,
      `every confirmation is a generation: ${JSON.stringify(atKill)}`,
    );

    bot = startBotProcess(await env());
    try {
      await bot.waitFor(/Bot started/);
      // A create in flight at the kill may have made a task at KIE or not: with no callback URL to
      // tell, it is refunded (kie.create_unknown), never created a second time. Every other one is
      // delivered. So each generation ends delivered or refunded exactly once.
      const ended = (t: string) => /done in|❌/.test(t);
      const texts = () =>
        confirmations.map((c) => user.messages().find((m) => m.messageId === c.messageId)?.text ?? '');
      const until = Date.now() + 60_000;
      while (!texts().every(ended)) {
        assert.ok(
          Date.now() < until,
          `ended ${texts().filter(ended).length}/${IN_FLIGHT}; KIE tasks ${kie
            .tasks()
            .map((t) => t.state)
            .join(',')}\n${bot.output().slice(-3000)}`,
        );
        await new Promise((r) => setTimeout(r, 200));
      }
      // The balance answer comes after every ending; then a graceful stop lets whatever is still in
      // flight finish (a duplicate included) and ends the process: nothing can arrive after that.
      await user.sendCommand('/balance');
      const after = await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''));
      assert.equal(await bot.stop('SIGTERM'), 0, 'a clean shutdown');
      const done = texts();
      const delivered = done.filter((t) => /done in/.test(t)).length;
      const refunded = done.filter((t) => /❌/.test(t)).length;
      assert.equal(delivered + refunded, IN_FLIGHT, done.join(' | '));
      // Only the creates in flight at the kill end refunded; everything else is delivered.
      assert.equal(
        refunded,
        inFlightCreates,
        `refunded = creates in flight at the kill (${JSON.stringify(atKill)})`,
      );
      const photos = user.messages().filter((m) => m.media?.kind === 'photo');
      assert.equal(photos.length, delivered, 'each delivered exactly once');
      const captions = new Set(photos.map((p) => p.caption));
      assert.equal(captions.size, delivered, 'one photo per prompt');
      const prompts = kie.tasks().map((t) => String(t.input.prompt));
      assert.equal(new Set(prompts).size, prompts.length, 'no task created twice at KIE');
      assert.match(after.text ?? '', new RegExp(`Your balance: ${funds - delivered * PRICE} credits`));
      // And none is left to do: a later start would send nothing more.
      const reopened = await createDatabase({ dataDir });
      const left = await reopened.db
        .selectFrom('generations')
        .select(['status', 'notice_pending', 'refund_entry_id'])
        .where((eb) =>
          eb.or([
            eb('status', 'in', ACTIVE_STATUSES),
            eb('notice_pending', '=', true),
            // Ended without its result: then it must have been refunded.
            eb.and([eb('status', '!=', 'delivered'), eb('refund_entry_id', 'is', null)]),
          ]),
        )
        .execute();
      await reopened.destroy();
      assert.deepEqual(left, [], 'every generation ended delivered or refunded, no notice owed');
    } finally {
      await bot.stop('SIGKILL');
    }
  });
});

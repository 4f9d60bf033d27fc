import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '@tg-genbot/fakes/telegram';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { startBotProcess } from '../support/bot-process.ts';
import { freePort } from '../support/free-port.ts';

const HELD = /TEST: top-up held after the claim/;

describe('a Stars payment survives kill -9 between its claim and its credit (separate process, embedded database on disk)', () => {
  let fake: TelegramFake;
  let dataDir: string;
  before(async () => {
    fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
    await fake.start();
    dataDir = mkdtempSync(join(tmpdir(), 'tg-genbot-pay-restart-'));
  });
  after(async () => {
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 while the top-up is in flight, restart: credited exactly once, the user told once', async () => {
    const env = async () => ({
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      INSTANCE_ID: 'pay-restart-test',
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'info',
    });
    let bot = startBotProcess(await env(), 'test/support/entries/hang-at-top-up.ts');
    await bot.waitFor(/Bot started/);
    const user = fake.user({ id: 8401, firstName: 'Crash' });
    await user.sendCommand('/balance');
    const balance = await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''));
    await user.pressButton({ messageId: balance.messageId, text: /credits · \d+ ⭐/ });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.equal((await user.pay(invoice.messageId)).approved, true);
    await bot.waitFor(HELD);
    await bot.stop('SIGKILL');
    assert.equal(user.payments().length, 1, 'Telegram took the Stars');

    bot = startBotProcess(await env());
    try {
      await bot.waitFor(/Bot started/);
      const told = () => user.messages().filter((m) => /credits added|has been credited/.test(m.text ?? ''));
      await user.waitForMessage((m) => /credits added|has been credited/.test(m.text ?? ''), {
        timeoutMs: 30_000,
      });
      await user.sendCommand('/balance');
      const after = await user.waitForMessage((m) => /Your balance/.test(m.text ?? ''));
      assert.match(after.text ?? '', /Your balance: 100 credits/);
      assert.equal((after.text?.match(/top-up/g) ?? []).length, 1, 'one top-up in the history');
      // A graceful stop lets the retry sweep and the reconciliation finish: nothing can come after it.
      assert.equal(await bot.stop('SIGTERM'), 0);
      assert.equal(
        told().length,
        1,
        `told once: ${told()
          .map((m) => m.text)
          .join(' | ')}`,
      );
    } finally {
      await bot.stop('SIGKILL');
    }
  });
});

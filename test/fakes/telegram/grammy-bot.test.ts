import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, InlineKeyboard, webhookCallback } from 'grammy';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1008:test-token-grammy';

function buildBot(apiRoot: string): Bot {
  const bot = new Bot(TOKEN, { client: { apiRoot } });
  bot.command('start', (ctx) =>
    ctx.reply(`Hello, <b>${ctx.from?.first_name}</b>!`, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Balance', 'balance'),
    }),
  );
  bot.callbackQuery('balance', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Checking…' });
    await ctx.editMessageText('Balance: 5 credits');
  });
  return bot;
}

describe('Telegram fake with a real grammY bot', () => {
  let fake: TelegramFake;

  beforeEach(async () => {
    fake = createTelegramFake();
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('runs a conversation over long polling and stops cleanly', async () => {
    const bot = buildBot(fake.apiRoot);
    const running = bot.start({ timeout: 1 });
    try {
      const user = fake.user({ id: 50, firstName: 'Ann', token: TOKEN });
      await user.sendCommand('start');
      const hello = await user.waitForMessage();
      assert.equal(hello.text, 'Hello, Ann!');
      const press = await user.pressButton({ text: 'Balance' });
      const answer = await user.waitForCallbackAnswer(press.callback_query!.id);
      assert.equal(answer.text, 'Checking…');
      const edited = await user.waitForMessage((m) => m.messageId === hello.messageId && m.editedCount === 1);
      assert.equal(edited.text, 'Balance: 5 credits');
      assert.equal(edited.replyMarkup, undefined);
    } finally {
      await bot.stop();
      await running;
    }
    const methods = fake.calls(TOKEN).map((c) => c.method);
    assert.deepEqual(methods.slice(0, 3), ['getMe', 'deleteWebhook', 'getUpdates']);
  });

  it('lets auto-retry ride out a 429 with retry_after', async () => {
    const bot = buildBot(fake.apiRoot);
    bot.api.config.use(autoRetry());
    fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1 });
    const running = bot.start({ timeout: 1 });
    try {
      const user = fake.user({ id: 51, token: TOKEN });
      await user.sendCommand('start');
      const hello = await user.waitForMessage(undefined, { timeoutMs: 4000 });
      assert.match(hello.text ?? '', /^Hello/);
    } finally {
      await bot.stop();
      await running;
    }
    const sends = fake.calls(TOKEN).filter((c) => c.method === 'sendMessage');
    assert.deepEqual(
      sends.map((c) => c.response.error_code ?? 200),
      [429, 200],
    );
    assert.ok(sends[1]!.at - sends[0]!.at >= 950, 'the retry waited retry_after');
  });

  it('delivers to a grammY webhook with the secret token', async () => {
    const bot = buildBot(fake.apiRoot);
    await bot.init();
    const server = createServer(webhookCallback(bot, 'http', { secretToken: 'hook_secret' }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await bot.api.setWebhook(url, { secret_token: 'hook_secret' });
      const user = fake.user({ id: 52, firstName: 'Web', token: TOKEN });
      await user.sendCommand('start');
      assert.equal((await user.waitForMessage()).text, 'Hello, Web!');
      await bot.api.setWebhook(url, { secret_token: 'wrong_secret' });
      await user.sendText('/start');
      await assert.rejects(user.waitForMessage(undefined, { timeoutMs: 300 }));
      const info = await bot.api.getWebhookInfo();
      assert.equal(info.last_error_message, 'Wrong response from the webhook: 401 Unauthorized');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

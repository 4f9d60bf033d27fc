import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type BotHarness, startBotHarness, TEST_TOKEN, WEBHOOK_SECRET } from '../support/bot-harness.ts';
import { nextApiRequest } from '../support/next-api-request.ts';
import { createTestDatabase, DATABASE_KIND } from '../support/test-database.ts';
import { waitForUpdatesDone } from '../support/wait-for-updates-done.ts';

const buttonTexts = (markup: unknown): string[] =>
  ((markup as { inline_keyboard?: Array<Array<{ text: string }>> } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((b) => b.text);

/** Stops the bot while a /help reply is held 1.5 s in flight; the reply must still be delivered. */
async function stopWhileReplying(h: BotHarness, userId: number): Promise<void> {
  const user = h.fake.user({ id: userId, firstName: 'Slow' });
  h.fake.faults.inject({ method: 'sendMessage', kind: 'delay', delayMs: 1500, times: 1 });
  const replying = nextApiRequest(h.fake, 'sendMessage');
  await user.sendCommand('/help');
  // The fake has the reply and now holds it for 1.5 s: the handler is in flight, the reply not sent.
  await replying;
  const delivered = () => user.messages().some((m) => /What I can do/.test(m.text ?? ''));
  assert.ok(!delivered(), 'still in flight');
  await h.stopBot();
  assert.ok(delivered(), 'reply delivered before stop returned');
}

async function eventually<T>(read: () => T, done: (v: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    value = read();
  }
  return value;
}

describe(`bot end to end through the Telegram fake (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('/start answers with the main menu', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1001, firstName: 'Ada', languageCode: 'en' });
    await user.sendCommand('/start');
    const reply = await user.waitForMessage();
    assert.match(reply.text ?? '', /^Hi, Ada!/);
    assert.deepEqual(buttonTexts(reply.replyMarkup), [
      '🎨 Generate',
      '📝 Protocol from a text',
      '💰 Balance and top-up',
      '❓ Help',
      '🌐 Language',
    ]);
    const menus = h.fake.calls(TEST_TOKEN).filter((c) => c.method === 'setMyCommands');
    assert.deepEqual(
      menus.map((c) => c.payload.language_code ?? 'default'),
      ['en', 'ru', 'default'],
    );
    assert.ok(JSON.stringify(menus[1]?.payload.commands).includes('Главное меню'));
    assert.ok(!h.log.lines().some((l) => l.level === 'error'), 'no error logged');
  });

  it('speaks Russian to a Telegram user whose client is in Russian', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1002, firstName: 'Иван', languageCode: 'ru' });
    await user.sendCommand('/start');
    assert.match((await user.waitForMessage()).text ?? '', /^Привет, Иван!/);
  });

  it('remembers the chosen language across a restart of the bot', async () => {
    const testDb = createTestDatabase();
    h = await startBotHarness({ testDb });
    const fake = h.fake;
    const user = fake.user({ id: 1003, firstName: 'Bob', languageCode: 'en' });
    await user.sendCommand('/language');
    const prompt = await user.waitForMessage((m) => /Choose your language/.test(m.text ?? ''));
    await user.pressButton({ messageId: prompt.messageId, data: 'lang:ru' });
    await user.waitForMessage((m) => m.messageId === prompt.messageId && /русский/.test(m.text ?? ''));

    // Restart: a new app on the same data and the same fake.
    await h.stopBot();
    const first = h;
    h = await startBotHarness({ testDb, fake });
    try {
      await user.sendCommand('/start');
      const greeting = await user.waitForMessage((m) => /Привет|Hi,/.test(m.text ?? ''), {
        afterMessageId: prompt.messageId,
      });
      assert.match(greeting.text ?? '', /^Привет, Bob!/);
    } finally {
      await h.stopBot();
      await first.fake.stop();
      await testDb.dispose();
      h = undefined;
    }
  });

  it('handles an update delivered twice only once', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1004, firstName: 'Dup' });
    const update = {
      update_id: 900_001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 1004, type: 'private' as const, first_name: 'Dup' },
        from: { id: 1004, is_bot: false, first_name: 'Dup', language_code: 'en' },
        text: '/help',
        entities: [{ type: 'bot_command' as const, offset: 0, length: 5 }],
      },
    };
    await h.fake.enqueueRaw(TEST_TOKEN, update);
    await h.fake.enqueueRaw(TEST_TOKEN, update);
    await user.waitForMessage((m) => /What I can do/.test(m.text ?? ''));
    await user.sendCommand('/start'); // a later update proves the duplicate was consumed, not pending
    await user.waitForMessage((m) => /^Hi,/.test(m.text ?? ''));
    assert.equal(user.messages().filter((m) => /What I can do/.test(m.text ?? '')).length, 1);
    assert.ok(h.log.lines().some((l) => l.message === 'Duplicate update skipped' && l.update_id === 900_001));
  });

  it('retries a 429 after retry_after and the user still gets the reply', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1005, firstName: 'Rita' });
    h.fake.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 1, times: 1 });
    const started = Date.now();
    await user.sendCommand('/help');
    await user.waitForMessage((m) => /What I can do/.test(m.text ?? ''), { timeoutMs: 8000 });
    assert.ok(Date.now() - started >= 900, 'waited retry_after');
    // The fake records a call once its answer is written, a moment after the chat shows the message.
    const sends = await eventually(
      () => h?.fake.calls(TEST_TOKEN).filter((c) => c.method === 'sendMessage') ?? [],
      (s) => s.length >= 2,
    );
    assert.deepEqual(
      sends.map((c) => c.response.ok),
      [false, true],
    );
  });

  it('replies politely to unknown commands and unsupported messages, and ignores edits and channel posts', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1006, firstName: 'Eve' });
    await user.sendCommand('/frobnicate');
    assert.match((await user.waitForMessage()).text ?? '', /don't know the command \/frobnicate/);
    const before = user.messages().length;
    await user.sendSticker();
    const hint = await user.waitForMessage((m) => /Nice sticker/.test(m.text ?? ''));
    assert.ok(buttonTexts(hint.replyMarkup).includes('📝 Protocol from a text'), 'the hint shows the menu');
    const chat = { id: user.id, type: 'private', first_name: 'Eve' };
    const from = { id: user.id, is_bot: false, first_name: 'Eve' };
    const date = Math.floor(Date.now() / 1000);
    await user.deliverUpdate({
      message: { message_id: 900, date, chat, from, location: { latitude: 52.5, longitude: 13.4 } },
    } as never);
    await user.waitForMessage((m) => /can't handle this kind of message/.test(m.text ?? ''));
    // A service message (the user pinned something) is no request: no answer, no error.
    await user.deliverUpdate({
      message: { message_id: 901, date, chat, from, pinned_message: { message_id: 900, date, chat } },
    } as never);
    await user.editLastText('edited');
    await user.deliverUpdate({
      channel_post: {
        message_id: 5,
        date: 0,
        chat: { id: -100123, type: 'channel', title: 'c' },
        text: 'post',
      },
    } as never);
    await user.sendCommand('/help');
    await user.waitForMessage((m) => /What I can do/.test(m.text ?? ''));
    assert.equal(user.messages().length, before + 3, 'pin, edit and channel post got no reply');
    assert.ok(
      !h.log.lines().some((l) => l.level === 'error'),
      JSON.stringify(h.log.lines().filter((l) => l.level === 'error')),
    );
  });

  it('navigates the menu by editing the same message', async () => {
    h = await startBotHarness();
    const user = h.fake.user({ id: 1007, firstName: 'Nav' });
    await user.sendCommand('/start');
    const menu = await user.waitForMessage();
    await user.pressButton({ messageId: menu.messageId, text: '❓ Help' });
    const edited = await user.waitForMessage(
      (m) => m.messageId === menu.messageId && /What I can do/.test(m.text ?? ''),
    );
    assert.deepEqual(buttonTexts(edited.replyMarkup), ['⬅️ Back']);
    await user.pressButton({ messageId: menu.messageId, text: '⬅️ Back' });
    await user.waitForMessage((m) => m.messageId === menu.messageId && /^Hi, Nav/.test(m.text ?? ''));
    assert.equal(user.messages().length, 1, 'one message, edited in place');
  });

  it('lets running handlers finish on shutdown', async () => {
    h = await startBotHarness();
    await stopWhileReplying(h, 1008);
  });
});

describe(`webhook mode (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('receives updates with the right secret and refuses a wrong or missing one with 401', async () => {
    h = await startBotHarness({ mode: 'webhook' });
    const user = h.fake.user({ id: 2001, firstName: 'Web' });
    await user.sendCommand('/start');
    assert.match((await user.waitForMessage()).text ?? '', /^Hi, Web!/);

    const url = h.webhookUrl as string;
    const body = JSON.stringify({
      update_id: 777,
      message: {
        message_id: 9,
        date: 0,
        chat: { id: 2001, type: 'private' },
        from: { id: 2001, is_bot: false, first_name: 'X' },
        text: '/help',
      },
    });
    for (const headers of [{ 'x-telegram-bot-api-secret-token': 'wrong-secret-value-000000' }, {}]) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      assert.equal(res.status, 401);
    }
    // A later update handled to the end, instead of a pause: the refused one never reached the inbox.
    const later = await user.sendCommand('/start');
    await waitForUpdatesDone(h.database.db, [later.update_id]);
    const inbox = await h.database.db
      .selectFrom('processed_updates')
      .select('update_id')
      .where('update_id', '=', 777)
      .execute();
    assert.deepEqual(inbox, [], 'never claimed');
    assert.ok(!user.messages().some((m) => /What I can do/.test(m.text ?? '')), 'nothing processed');
  });

  it('finishes an update in flight on shutdown and then takes no more', async () => {
    h = await startBotHarness({ mode: 'webhook' });
    await stopWhileReplying(h, 2003);
    await assert.rejects(
      fetch(h.webhookUrl as string, { method: 'POST', body: '{}' }),
      'the server no longer listens',
    );
  });

  it('answers 400 to malformed JSON and non-update bodies, and keeps working', async () => {
    h = await startBotHarness({ mode: 'webhook' });
    const url = h.webhookUrl as string;
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
    for (const body of [
      '{not json',
      '[]',
      '{"hello":1}',
      '{"update_id":"x","message":{}}',
      '{"update_id":5}',
    ]) {
      const res = await fetch(url, { method: 'POST', headers, body });
      assert.equal(res.status, 400, body);
    }
    const health = await fetch(`http://127.0.0.1:${h.app.port}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`http://127.0.0.1:${h.app.port}/readyz`);
    assert.equal(ready.status, 200);
    const user = h.fake.user({ id: 2002, firstName: 'After' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    assert.ok(h.log.lines().some((l) => l.message === 'Webhook body rejected'));
  });
});

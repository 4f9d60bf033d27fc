import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Update } from 'grammy/types';
import {
  createTelegramFake,
  type TelegramFake,
  type TelegramFakeOptions,
} from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1005:test-token-limits';

describe('Telegram fake: rate limits and faults', () => {
  let fake: TelegramFake | undefined;
  const start = async (options: TelegramFakeOptions = { rateLimits: false }) => {
    fake = createTelegramFake(options);
    await fake.start();
    return fake;
  };
  const call = async (method: string, body: unknown = {}) => {
    const res = await fetch(`${fake!.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const send = (chatId: number, text = 'hi') => call('sendMessage', { chat_id: chatId, text });

  afterEach(() => fake?.stop());

  it('allows a burst of 3 per chat, then answers 429 with retry_after', async () => {
    const f = await start({}); // default limits: 30/s overall, 1/s per chat with a burst of 3
    f.user({ id: 1, token: TOKEN });
    f.user({ id: 2, token: TOKEN });
    for (let i = 0; i < 3; i++) assert.equal((await send(1)).status, 200);
    const limited = await send(1);
    assert.deepEqual(limited, {
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    assert.equal((await send(2)).status, 200, 'other chats are unaffected');
    assert.equal(
      (await call('sendChatAction', { chat_id: 1, action: 'typing' })).status,
      200,
      'chat actions do not count',
    );
  });

  it('refills the per-chat allowance over time', async () => {
    await start({ rateLimits: { globalPerSecond: 30, perChatPerSecond: 20, perChatBurst: 1 } });
    fake!.user({ id: 3, token: TOKEN });
    assert.equal((await send(3)).status, 200);
    assert.equal((await send(3)).status, 429);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal((await send(3)).status, 200);
  });

  it('enforces the global limit across chats, edits included', async () => {
    await start({ rateLimits: { globalPerSecond: 3, perChatPerSecond: 100, perChatBurst: 100 } });
    for (const id of [4, 5, 7]) fake!.user({ id, token: TOKEN });
    const first = await send(4);
    assert.equal((await send(5)).status, 200);
    const edit = await call('editMessageText', {
      chat_id: 4,
      message_id: (first.json.result as { message_id: number }).message_id,
      text: 'edited',
    });
    assert.equal(edit.status, 200);
    assert.equal((await send(7)).status, 429);
  });

  it('injects 429 and 5xx for matching methods, the given number of times', async () => {
    await start();
    fake!.user({ id: 8, token: TOKEN });
    fake!.faults.inject({ method: 'sendMessage', kind: '429', retryAfter: 7 });
    fake!.faults.inject({ method: /^send/, kind: '5xx', status: 502, times: 2 });
    assert.deepEqual((await send(8)).json.parameters, { retry_after: 7 });
    assert.equal((await send(8)).json.description, 'Bad Gateway');
    const third = await send(8);
    assert.equal(third.status, 502);
    assert.deepEqual(third.json, { ok: false, error_code: 502, description: 'Bad Gateway' });
    assert.equal((await send(8)).status, 200);
    fake!.faults.inject({ kind: '5xx', times: Number.POSITIVE_INFINITY });
    assert.deepEqual((await call('getMe')).json, {
      ok: false,
      error_code: 500,
      description: 'Internal Server Error',
    });
    assert.equal((await call('getMe')).status, 500);
    fake!.faults.clear();
    assert.equal((await call('getMe')).status, 200);
  });

  it('matches faults by chat and token', async () => {
    await start();
    fake!.user({ id: 9, token: TOKEN });
    fake!.user({ id: 10, token: TOKEN });
    fake!.faults.inject({ chatId: 10, kind: 'blocked' });
    fake!.faults.inject({ token: '1:other-token-abc', kind: '5xx' });
    assert.equal((await send(9)).status, 200);
    assert.deepEqual(await send(10), {
      status: 403,
      json: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    assert.equal((await send(10)).status, 200);
  });

  it('drops the connection, before or after running the method', async () => {
    await start();
    const user = fake!.user({ id: 11, token: TOKEN });
    fake!.faults.inject({ method: 'sendMessage', kind: 'drop' });
    await assert.rejects(send(11, 'lost'), TypeError);
    assert.equal(user.messages().length, 0);
    fake!.faults.inject({ method: 'sendMessage', kind: 'drop', phase: 'after' });
    await assert.rejects(send(11, 'sent anyway'), TypeError);
    assert.deepEqual(
      user.messages().map((m) => m.text),
      ['sent anyway'],
    );
    assert.deepEqual(fake!.calls(TOKEN).at(-1)?.response, { ok: false, dropped: true });
  });

  it('delays answers by delayMs', async () => {
    await start();
    fake!.faults.inject({ method: 'getMe', kind: 'delay', delayMs: 150 });
    const startedAt = Date.now();
    assert.equal((await call('getMe')).status, 200);
    assert.ok(Date.now() - startedAt >= 140);
  });

  it('blocks a user until unblock(), with my_chat_member updates', async () => {
    await start();
    const user = fake!.user({ id: 12, token: TOKEN });
    user.block();
    const blocked = await send(12);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json.description, 'Forbidden: bot was blocked by the user');
    assert.equal((await call('sendChatAction', { chat_id: 12, action: 'typing' })).status, 403);
    user.unblock();
    assert.equal((await send(12)).status, 200);
    const updates = (await call('getUpdates')).json.result as Update[];
    assert.deepEqual(
      updates.map((u) => u.my_chat_member?.new_chat_member.status),
      ['kicked', 'member'],
    );
  });
});

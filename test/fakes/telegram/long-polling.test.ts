import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Update } from 'grammy/types';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';
import { nextApiRequest } from '../../support/next-api-request.ts';

const TOKEN = '1002:test-token-polling';

interface Answer {
  status: number;
  json: { ok: boolean; result?: Update[]; error_code?: number; description?: string };
}

describe('Telegram fake: getUpdates long polling', () => {
  let fake: TelegramFake;
  const call = async (method: string, body: unknown = {}, signal?: AbortSignal): Promise<Answer> => {
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    return { status: res.status, json: (await res.json()) as Answer['json'] };
  };
  const ids = (a: Answer) => (a.json.result ?? []).map((u) => u.update_id);

  beforeEach(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('holds a poll open and answers as soon as an update arrives', async () => {
    const user = fake.user({ id: 10, languageCode: 'de', token: TOKEN });
    const arrived = nextApiRequest(fake, 'getUpdates');
    const poll = call('getUpdates', { timeout: 30 });
    await arrived; // the poll waits now, with nothing queued
    await user.sendText('hi');
    // Queued only after the poll began to wait: getting it proves the poll was held open and woken
    // by the update (a poll left to its 30 s timeout answers [] instead).
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(answer.json.result?.[0]?.message?.text, 'hi');
    assert.equal(answer.json.result?.[0]?.message?.from?.language_code, 'de');
  });

  it('answers an empty result once the timeout passes', async () => {
    // Telegram's timeout is in whole seconds, and the fake waits it on the real clock: a lower bound
    // is all this checks (no upper one: a slow machine may answer later).
    const startedAt = performance.now();
    const answer = await call('getUpdates', { timeout: 1 });
    const elapsed = performance.now() - startedAt;
    assert.deepEqual(answer.json, { ok: true, result: [] });
    assert.ok(elapsed >= 950, `answered after ${elapsed} ms, before the timeout`);
  });

  it('forgets updates below the offset and honours limit', async () => {
    const user = fake.user({ id: 11, token: TOKEN });
    await user.sendText('one');
    await user.sendText('two');
    await user.sendText('three');
    const all = await call('getUpdates');
    assert.deepEqual(ids(all), [1, 2, 3]);
    assert.deepEqual(ids(await call('getUpdates', { offset: 3 })), [3]);
    assert.deepEqual(ids(await call('getUpdates', { offset: 0 })), [3], 'confirmed updates stay gone');
    await user.sendText('four');
    assert.deepEqual(ids(await call('getUpdates', { offset: 3, limit: 1 })), [3]);
    assert.deepEqual(ids(await call('getUpdates', { offset: 5 })), []);
  });

  it('filters by allowed_updates and keeps the setting for later calls', async () => {
    const user = fake.user({ id: 12, token: TOKEN });
    await user.sendText('text');
    await user.deliverUpdate({
      message_reaction: { chat: { id: 12, type: 'private', first_name: 'x' } } as never,
    });
    assert.deepEqual(
      (await call('getUpdates')).json.result?.map((u) => Object.keys(u).filter((k) => k !== 'update_id')[0]),
      ['message'],
      'message_reaction is opt-in',
    );
    const onlyCallbacks = await call('getUpdates', { offset: 3, allowed_updates: ['callback_query'] });
    assert.deepEqual(onlyCallbacks.json.result, []);
    await user.sendText('ignored');
    assert.deepEqual((await call('getUpdates')).json.result, []);
  });

  it('terminates the older of two concurrent polls with 409', async () => {
    const firstArrived = nextApiRequest(fake, 'getUpdates');
    const first = call('getUpdates', { timeout: 5 });
    await firstArrived;
    const second = call('getUpdates', { timeout: 0 });
    assert.deepEqual((await first).json, {
      ok: false,
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    assert.equal((await first).status, 409);
    assert.equal((await second).status, 200);
  });

  it('refuses getUpdates with 409 while a webhook is set', async () => {
    await call('setWebhook', { url: 'http://127.0.0.1:9/hook' });
    const answer = await call('getUpdates');
    assert.equal(answer.status, 409);
    assert.equal(
      answer.json.description,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await call('deleteWebhook');
    assert.equal((await call('getUpdates')).status, 200);
  });

  it('delivers a raw update twice when its update_id is replayed', async () => {
    const message = {
      message_id: 1,
      date: 0,
      chat: { id: 13, type: 'private', first_name: 'x' },
      text: 'dup',
    };
    fake.enqueueRaw(TOKEN, { update_id: 500, message } as never);
    assert.deepEqual(ids(await call('getUpdates')), [500]);
    assert.deepEqual(ids(await call('getUpdates', { offset: 501 })), []);
    fake.enqueueRaw(TOKEN, { update_id: 500, message } as never);
    assert.deepEqual(ids(await call('getUpdates', { offset: 501 })), [500]);
    assert.deepEqual(ids(await call('getUpdates', { offset: 501 })), []);
    const user = fake.user({ id: 13, token: TOKEN });
    assert.equal((await user.sendText('next')).update_id, 501, 'generated ids continue above raw ids');
  });

  it('ends a pending poll with an empty result when the fake stops', async () => {
    const arrived = nextApiRequest(fake, 'getUpdates');
    const poll = call('getUpdates', { timeout: 10 });
    await arrived;
    await fake.stop();
    assert.deepEqual((await poll).json, { ok: true, result: [] });
  });

  it('drops a poll whose client went away, without losing updates', async () => {
    const controller = new AbortController();
    const arrived = nextApiRequest(fake, 'getUpdates');
    const poll = call('getUpdates', { timeout: 10 }, controller.signal).catch((e: Error) => e.name);
    await arrived;
    controller.abort();
    assert.equal(await poll, 'AbortError');
    const user = fake.user({ id: 14, token: TOKEN });
    await user.sendText('after abort');
    assert.deepEqual(ids(await call('getUpdates')), [1]);
  });
});

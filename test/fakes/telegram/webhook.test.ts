import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1003:test-token-webhook';

interface Received {
  headers: IncomingHttpHeaders;
  body: { update_id: number; message?: { text?: string } };
}

/** A webhook endpoint that answers with the given statuses in turn (then 200). */
async function startReceiver(statuses: number[], reply?: unknown) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 && reply ? JSON.stringify(reply) : '');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 3000;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} deliveries`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return { url, received, waitFor, close };
}

describe('Telegram fake: webhooks', () => {
  let fake: TelegramFake;
  const call = async (method: string, body: unknown = {}) => {
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; result: Record<string, unknown>; description?: string };
  };

  beforeEach(async () => {
    fake = createTelegramFake({ rateLimits: false, webhookRetries: 2, webhookRetryDelayMs: 20 });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('posts updates with the secret token header', async () => {
    const receiver = await startReceiver([]);
    try {
      const set = await call('setWebhook', { url: receiver.url, secret_token: 'S3cret_token' });
      assert.deepEqual(set, { ok: true, result: true, description: 'Webhook was set' });
      const user = fake.user({ id: 20, token: TOKEN });
      await user.sendText('via webhook');
      await receiver.waitFor(1);
      assert.equal(receiver.received[0]?.headers['x-telegram-bot-api-secret-token'], 'S3cret_token');
      assert.equal(receiver.received[0]?.headers['content-type'], 'application/json');
      assert.equal(receiver.received[0]?.body.message?.text, 'via webhook');
      const info = await call('getWebhookInfo');
      assert.equal(info.result.url, receiver.url);
      assert.equal(info.result.pending_update_count, 0);
    } finally {
      await receiver.close();
    }
  });

  it('redelivers the same update after a 500 and records the error', async () => {
    const receiver = await startReceiver([500, 500]);
    try {
      await call('setWebhook', { url: receiver.url });
      const user = fake.user({ id: 21, token: TOKEN });
      const { update_id } = await user.sendText('retry me');
      await receiver.waitFor(3);
      assert.deepEqual(
        receiver.received.map((r) => r.body.update_id),
        [update_id, update_id, update_id],
      );
      const info = await call('getWebhookInfo');
      assert.equal(
        info.result.last_error_message,
        'Wrong response from the webhook: 500 Internal Server Error',
      );
      assert.equal(typeof info.result.last_error_date, 'number');
    } finally {
      await receiver.close();
    }
  });

  it('gives up after webhookRetries redeliveries and moves on', async () => {
    const receiver = await startReceiver([500, 500, 500]);
    try {
      await call('setWebhook', { url: receiver.url });
      const user = fake.user({ id: 22, token: TOKEN });
      const first = await user.sendText('lost');
      const second = await user.sendText('kept');
      await receiver.waitFor(4);
      assert.deepEqual(
        receiver.received.map((r) => r.body.update_id),
        [first.update_id, first.update_id, first.update_id, second.update_id],
      );
    } finally {
      await receiver.close();
    }
  });

  it('delivers different chats in parallel but one chat in order', async () => {
    const events: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => {
        raw += c.toString();
      });
      req.on('end', async () => {
        const text = (JSON.parse(raw) as Received['body']).message?.text ?? '';
        events.push(`start ${text}`);
        if (text === 'a1') await held;
        if (text === 'b1') release();
        events.push(`end ${text}`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await call('setWebhook', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
      const a = fake.user({ id: 25, token: TOKEN });
      const b = fake.user({ id: 26, token: TOKEN });
      await a.sendText('a1');
      await a.sendText('a2');
      await b.sendText('b1');
      const deadline = Date.now() + 2000;
      while (events.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(events.indexOf('start b1') < events.indexOf('end a1'), events.join(', '));
      assert.ok(events.indexOf('end a1') < events.indexOf('start a2'), events.join(', '));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('keeps updates for getUpdates after deleteWebhook, or drops them on request', async () => {
    await call('setWebhook', { url: 'http://127.0.0.1:9/unreachable', drop_pending_updates: true });
    await call('deleteWebhook');
    const user = fake.user({ id: 23, token: TOKEN });
    await user.sendText('queued');
    assert.equal(((await call('getUpdates')).result as unknown as unknown[]).length, 1);
    await call('deleteWebhook', { drop_pending_updates: true });
    assert.deepEqual((await call('getUpdates')).result, []);
  });

  it('runs a method the webhook answers with (webhook reply)', async () => {
    const receiver = await startReceiver([], { method: 'sendMessage', chat_id: 24, text: 'from reply' });
    try {
      await call('setWebhook', { url: receiver.url });
      const user = fake.user({ id: 24, token: TOKEN });
      await user.sendText('hello');
      const reply = await user.waitForMessage(undefined, { timeoutMs: 2000 });
      assert.equal(reply.text, 'from reply');
    } finally {
      await receiver.close();
    }
  });
});

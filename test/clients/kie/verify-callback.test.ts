import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake, signKieCallback } from '@tg-genbot/fakes/kie';
import { verifyKieCallback } from '../../../src/clients/kie/index.ts';
import { redact } from '../../../src/telemetry/redact.ts';
import {
  kieCall,
  nanoBanana,
  type ReceivedCallback,
  startReceiver,
  waitFor,
} from '../../fakes/kie/kie-test-client.ts';

const KEY = 'whsec-verify-5f4e3d';
const NOW = 1_760_000_000_000;
const TS = String(NOW / 1000);
const body = (taskId = 'task_google_1') =>
  JSON.stringify({ code: 200, msg: 'ok', data: { taskId, state: 'success' } });
const signed = (taskId = 'task_google_1', ts = TS, key = KEY) => ({
  'x-webhook-timestamp': ts,
  'x-webhook-signature': signKieCallback(taskId, ts, key),
});

describe('verifyKieCallback (kie-api.md §5, §9 row 10)', () => {
  it('accepts a signature made by the documented scheme, from node or fetch headers, any header case', () => {
    assert.deepEqual(verifyKieCallback({ rawBody: body(), headers: signed(), hmacKey: KEY, now: NOW }), {
      ok: true,
      verified: true,
    });
    const fetchHeaders = new Headers(signed());
    assert.equal(
      verifyKieCallback({ rawBody: body(), headers: fetchHeaders, hmacKey: KEY, now: NOW }).ok,
      true,
    );
    const upper = { 'X-Webhook-Timestamp': TS, 'X-Webhook-Signature': [signed()['x-webhook-signature']] };
    const bytes = new TextEncoder().encode(body());
    assert.equal(verifyKieCallback({ rawBody: bytes, headers: upper, hmacKey: KEY, now: NOW }).ok, true);
  });

  it('reads the Suno task id (data.task_id) too', () => {
    const suno = JSON.stringify({
      code: 200,
      data: { callbackType: 'complete', task_id: 'abc123', data: [] },
    });
    const verdict = verifyKieCallback({ rawBody: suno, headers: signed('abc123'), hmacKey: KEY, now: NOW });
    assert.deepEqual(verdict, { ok: true, verified: true });
  });

  it('rejects a bad signature, a wrong key, and a genuine signature moved to another task', () => {
    const good = signed()['x-webhook-signature'];
    const flipped = `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`;
    const cases = [
      { 'x-webhook-timestamp': TS, 'x-webhook-signature': flipped },
      { 'x-webhook-timestamp': TS, 'x-webhook-signature': `${good}=` },
      { 'x-webhook-timestamp': TS, 'x-webhook-signature': 'short' },
      signed('task_google_1', TS, `${KEY}-old`),
      signed('task_google_2'),
      // The timestamp is part of what is signed.
      { ...signed(), 'x-webhook-timestamp': String(Number(TS) + 1) },
    ];
    for (const headers of cases) {
      assert.deepEqual(
        verifyKieCallback({ rawBody: body(), headers, hmacKey: KEY, now: NOW }),
        { ok: false, reason: 'bad-signature' },
        JSON.stringify(headers),
      );
    }
  });

  it('rejects missing headers, and a body or timestamp it cannot read', () => {
    const { 'x-webhook-signature': signature, 'x-webhook-timestamp': ts } = signed();
    for (const headers of [{}, { 'x-webhook-signature': signature }, { 'x-webhook-timestamp': ts }]) {
      assert.deepEqual(verifyKieCallback({ rawBody: body(), headers, hmacKey: KEY, now: NOW }), {
        ok: false,
        reason: 'missing',
      });
    }
    const reject = (rawBody: string, headers: Record<string, string>) =>
      verifyKieCallback({ rawBody, headers, hmacKey: KEY, now: NOW });
    assert.deepEqual(reject('not json', signed()), { ok: false, reason: 'malformed' });
    assert.deepEqual(reject('{"code":200,"data":{}}', signed()), { ok: false, reason: 'malformed' });
    assert.deepEqual(reject(body(), { ...signed(), 'x-webhook-timestamp': '17e8' }), {
      ok: false,
      reason: 'malformed',
    });
  });

  it('rejects stale and far-future timestamps, accepts seconds or milliseconds inside the window', () => {
    const at = (offsetS: number, unit: 's' | 'ms' = 's') => {
      const value = NOW + offsetS * 1000;
      const ts = String(unit === 's' ? value / 1000 : value);
      return verifyKieCallback({ rawBody: body(), headers: signed(undefined, ts), hmacKey: KEY, now: NOW });
    };
    assert.deepEqual(at(-600), { ok: false, reason: 'stale' }, 'the fake sends late callbacks 600 s old');
    assert.deepEqual(at(-301), { ok: false, reason: 'stale' });
    assert.deepEqual(at(400), { ok: false, reason: 'stale' });
    assert.equal(at(-299).ok, true);
    assert.equal(at(-10, 'ms').ok, true);
    const wide = verifyKieCallback({
      rawBody: body(),
      headers: signed(undefined, String(NOW / 1000 - 600)),
      hmacKey: KEY,
      now: NOW,
      maxAgeSeconds: 900,
    });
    assert.equal(wide.ok, true);
  });

  it('checks nothing when no key is configured, and registers a configured key as a secret', () => {
    assert.deepEqual(verifyKieCallback({ rawBody: 'anything', headers: {}, hmacKey: undefined }), {
      ok: true,
      verified: false,
    });
    verifyKieCallback({ rawBody: body(), headers: {}, hmacKey: KEY });
    assert.equal(redact(`key=${KEY}`), 'key=<redacted>');
  });
});

describe('verifyKieCallback against the fake KIE callbacks', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false, webhookHmacKey: KEY, callbackRetries: 0 });
    await fake.start();
  });
  after(() => fake.stop());

  async function deliver(
    callback: 'normal' | 'bad-signature' | 'late' | 'unsigned',
  ): Promise<ReceivedCallback> {
    const receiver = await startReceiver();
    try {
      fake.script('*', { outcome: 'success', callback, times: 1 });
      await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana({ callBackUrl: receiver.url }));
      await waitFor(() => receiver.received.length >= 1);
      return receiver.received[0] as ReceivedCallback;
    } finally {
      await receiver.close();
    }
  }

  for (const [mode, verdict] of [
    ['normal', { ok: true, verified: true }],
    ['bad-signature', { ok: false, reason: 'bad-signature' }],
    ['late', { ok: false, reason: 'stale' }],
    ['unsigned', { ok: false, reason: 'missing' }],
  ] as const) {
    it(`${mode} callback → ${JSON.stringify(verdict)}`, async () => {
      const cb = await deliver(mode);
      assert.deepEqual(verifyKieCallback({ rawBody: cb.raw, headers: cb.headers, hmacKey: KEY }), verdict);
    });
  }

  it('a genuine callback checked with another key is refused', async () => {
    const cb = await deliver('normal');
    assert.deepEqual(verifyKieCallback({ rawBody: cb.raw, headers: cb.headers, hmacKey: 'another-key-1' }), {
      ok: false,
      reason: 'bad-signature',
    });
  });
});

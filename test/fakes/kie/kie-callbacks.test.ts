import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createKieFake,
  type KieCallbackEvent,
  type KieFake,
  signKieCallback,
} from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana, type ReceivedCallback, startReceiver, waitFor } from './kie-test-client.ts';

const KEY = 'whsec-test';

function expectedSignature(taskId: string, timestamp: string): string {
  return createHmac('sha256', KEY).update(`${taskId}.${timestamp}`).digest('base64');
}

describe('createKieFake: callbacks (§5, §9 rows 10–11)', () => {
  let fake: KieFake;
  const attempts: KieCallbackEvent[] = [];
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false, webhookHmacKey: KEY, callbackRetries: 2 });
    fake.on('callback', (e) => attempts.push(e));
    await fake.start();
  });
  after(() => fake.stop());

  async function runTask(statuses: number[], behaviour: Parameters<KieFake['script']>[1], count: number) {
    const receiver = await startReceiver(statuses);
    fake.script('*', { ...behaviour, times: 1 });
    const r = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana({ callBackUrl: receiver.url }));
    const taskId = (r.body.data as { taskId: string }).taskId;
    try {
      await waitFor(() => receiver.received.length >= count);
      return { taskId, received: [...receiver.received] as ReceivedCallback[] };
    } finally {
      await receiver.close();
    }
  }

  it('delivers a signed success callback and re-sends it after a 500', async () => {
    const { taskId, received } = await runTask([500], { outcome: 'success' }, 2);
    assert.equal(received.length, 2);
    assert.equal(received[0]?.raw, received[1]?.raw, 'the re-sent body is identical');
    const cb = received[1] as ReceivedCallback;
    const ts = cb.headers['x-webhook-timestamp'] as string;
    assert.match(ts, /^\d{10}$/);
    assert.equal(cb.headers['x-webhook-signature'], expectedSignature(taskId, ts));
    assert.equal(signKieCallback(taskId, ts, KEY), expectedSignature(taskId, ts));
    assert.equal(cb.headers['content-type'], 'application/json');

    assert.equal(cb.body.code, 200);
    assert.equal(cb.body.msg, 'Playground task completed successfully.');
    const data = cb.body.data as Record<string, unknown>;
    assert.equal(data.taskId, taskId);
    assert.equal(data.state, 'success');
    assert.equal(data.consumeCredits, 4);
    assert.equal(typeof data.remainedCredits, 'number');
    assert.equal(typeof data.costTime, 'number');
    const { resultUrls } = JSON.parse(data.resultJson as string) as { resultUrls: string[] };
    assert.equal((await fetch(resultUrls[0] ?? '')).status, 200);

    const mine = attempts.filter((a) => a.taskId === taskId);
    assert.deepEqual(
      mine.map((a) => [a.attempt, a.status]),
      [
        [1, 500],
        [2, 200],
      ],
    );
  });

  it('gives up after callbackRetries re-sends', async () => {
    const { taskId } = await runTask([500, 500, 500, 500], { outcome: 'success' }, 3);
    const mine = () => attempts.filter((a) => a.taskId === taskId);
    // The fake reports an attempt once it has read the answer: wait for the third report.
    await waitFor(() => mine().some((a) => a.attempt === 3));
    // A bug's fourth try would come one (scaled) backoff later and has no event to wait for, so this
    // pause only gives it a chance to show up: the test never needs it to pass.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      mine().map((a) => a.attempt),
      [1, 2, 3],
    );
  });

  it('sends a failure callback with code 501 and no credits consumed', async () => {
    const { received } = await runTask(
      [],
      { outcome: 'fail', failCode: '500', failMsg: 'Internal server error' },
      1,
    );
    const body = received[0]?.body as { code: number; msg: string; data: Record<string, unknown> };
    assert.equal(body.code, 501);
    assert.equal(body.msg, 'Playground task failed.');
    assert.equal(body.data.state, 'fail');
    assert.equal(body.data.failCode, '500');
    assert.equal(body.data.failMsg, 'Internal server error');
    assert.equal(body.data.consumeCredits, 0);
  });

  it('can deliver the same callback twice', async () => {
    const { received } = await runTask([], { outcome: 'success', callback: 'duplicate' }, 2);
    assert.equal(received[0]?.raw, received[1]?.raw);
  });

  it('can send unsigned, badly signed and late (stale timestamp) callbacks', async () => {
    const unsigned = await runTask([], { outcome: 'success', callback: 'unsigned' }, 1);
    assert.equal(unsigned.received[0]?.headers['x-webhook-signature'], undefined);
    assert.equal(unsigned.received[0]?.headers['x-webhook-timestamp'], undefined);

    const bad = await runTask([], { outcome: 'success', callback: 'bad-signature' }, 1);
    const badTs = bad.received[0]?.headers['x-webhook-timestamp'] as string;
    assert.notEqual(bad.received[0]?.headers['x-webhook-signature'], expectedSignature(bad.taskId, badTs));

    const late = await runTask([], { outcome: 'success', callback: 'late' }, 1);
    const lateTs = late.received[0]?.headers['x-webhook-timestamp'] as string;
    assert.equal(late.received[0]?.headers['x-webhook-signature'], expectedSignature(late.taskId, lateTs));
    assert.ok(Date.now() / 1000 - Number(lateTs) >= 300, 'the timestamp is stale');
  });

  it('posts to the callBackUrl exactly as given, so the generation id in its query string comes back (§9 row 16)', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const callBackUrl = `${receiver.url}&generation=gen-7%2Fa`;
    fake.script('*', { outcome: 'success', times: 1 });
    const r = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana({ callBackUrl }));
    const taskId = (r.body.data as { taskId: string }).taskId;
    await waitFor(() => receiver.received.length >= 1);
    const cb = receiver.received[0] as ReceivedCallback;
    assert.equal(cb.url, '/kie/callback?job=42&generation=gen-7%2Fa');
    assert.equal(new URL(cb.url, 'http://x').searchParams.get('generation'), 'gen-7/a');
    assert.equal((cb.body.data as { taskId: string }).taskId, taskId);
    // The attempt event fires once the fake has read the reply, a moment after the receiver saw the body.
    await waitFor(() => attempts.some((a) => a.taskId === taskId));
    assert.equal(attempts.find((a) => a.taskId === taskId)?.url, callBackUrl);
  });

  it("sends nothing with callback 'none'", async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    fake.script('*', { outcome: 'success', callback: 'none', times: 1 });
    await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana({ callBackUrl: receiver.url }));
    await waitFor(() => fake.tasks().at(-1)?.state === 'success');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(receiver.received.length, 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana, waitFor } from './kie-test-client.ts';

const FAST = { waiting: 10, queuing: 10, generating: 10 };

/** A raw call: the body as text, since a fault answers with something that is not JSON. */
async function rawCall(fake: KieFake, path: string, body?: unknown, signal?: AbortSignal) {
  const res = await fetch(`${fake.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: 'Bearer kie-test-key',
      'Content-Type': 'application/json',
      'User-Agent': 'tg-genbot-test/1.0',
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(signal && { signal }),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const done = (fake: KieFake, id: string) => () => {
  const state = fake.tasks().find((t) => t.id === id)?.state;
  return state === 'success' || state === 'fail';
};

describe('KIE fake: transport faults (faultNext) after the work is done', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  it('not-json: the create still makes (and charges) its task, the answer is an HTML page', async () => {
    const tasks = fake.tasks().length;
    const credits = fake.credits();
    fake.faultNext('createTask', { kind: 'not-json' });
    const ok = await rawCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    assert.deepEqual([ok.status, ok.type], [200, 'text/html; charset=UTF-8']);
    assert.throws(() => JSON.parse(ok.text));
    assert.equal(fake.tasks().length, tasks + 1, 'KIE made the task');
    assert.equal(fake.credits(), credits - 4);
    fake.faultNext('recordInfo', { kind: 'not-json', httpStatus: 502 }, { times: 2 });
    const id = fake.tasks().at(-1)?.id ?? '';
    for (let i = 0; i < 2; i++) {
      const bad = await rawCall(fake, `/api/v1/jobs/recordInfo?taskId=${id}`);
      assert.equal(bad.status, 502);
      assert.match(bad.text, /<html>/);
    }
    const good = await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${id}`);
    assert.equal(good.body.code, 200, 'the fault was used up');
  });

  it('bad-data: code 200 whose data is not an object (null by default)', async () => {
    fake.faultNext('createTask', { kind: 'bad-data' });
    const reply = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    assert.deepEqual(reply.body, { code: 200, msg: 'success', data: null });
    fake.faultNext('recordInfo', { kind: 'bad-data', data: 'not an object' });
    const id = fake.tasks().at(-1)?.id ?? '';
    const poll = await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${id}`);
    assert.deepEqual(poll.body.data, 'not an object');
  });

  it('slow: the task exists before the answer, which comes after a client has given up', async () => {
    const tasks = fake.tasks().length;
    fake.faultNext('createTask', { kind: 'slow', delayMs: 60_000 });
    await assert.rejects(
      rawCall(fake, '/api/v1/jobs/createTask', nanoBanana(), AbortSignal.timeout(300)),
      /TimeoutError|aborted/,
    );
    assert.equal(fake.tasks().length, tasks + 1);
  });
});

describe('KIE fake: what a finished task cost, from §10’s prices and its input', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ rateLimits: false, timeScale: 0.1, credits: 100_000 });
    await fake.start();
    fake.script('*', { outcome: 'success', stateDurationsMs: FAST });
  });
  after(() => fake.stop());

  const finished = async (path: string, body: Record<string, unknown>, poll: string) => {
    const created = await kieCall(fake, path, body);
    const id = (created.body.data as { taskId: string }).taskId;
    await waitFor(done(fake, id));
    return (await kieCall(fake, `${poll}?taskId=${id}`)).body.data as Record<string, unknown>;
  };
  const kling = (duration: string, sound: boolean) => ({
    model: 'kling-2.6/text-to-video',
    input: { prompt: 'waves', duration, sound, aspect_ratio: '16:9' },
  });

  it('Market recordInfo reports consumeCredits once the task succeeded: KIE credits = USD / 0.005', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [nanoBanana(), 4], // $0.02
      [kling('5', false), 55], // $0.275
      [kling('5', true), 110], // $0.55
      [kling('10', false), 110], // $0.55
      [kling('10', true), 220], // $1.10
    ];
    for (const [body, credits] of cases) {
      const data = await finished('/api/v1/jobs/createTask', body, '/api/v1/jobs/recordInfo');
      assert.equal(data.consumeCredits, credits, JSON.stringify(body));
    }
  });

  it('a running task reports no cost yet; a failed one reports 0 (§5)', async () => {
    fake.script('google/nano-banana', { outcome: 'hang', times: 1 });
    const hanging = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    const id = (hanging.body.data as { taskId: string }).taskId;
    const running = (await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${id}`)).body.data;
    assert.equal((running as Record<string, unknown>).consumeCredits, undefined);
    fake.script('google/nano-banana', { outcome: 'fail', stateDurationsMs: FAST, times: 1 });
    const failed = await finished('/api/v1/jobs/createTask', nanoBanana(), '/api/v1/jobs/recordInfo');
    assert.equal(failed.state, 'fail');
    assert.equal(failed.consumeCredits, 0);
  });

  it('Suno record-info reports 12 credits ($0.06 a request) on SUCCESS', async () => {
    const song = {
      prompt: 'sea',
      customMode: false,
      instrumental: true,
      model: 'V4_5',
      callBackUrl: 'http://127.0.0.1:9/cb',
    };
    const data = await finished('/api/v1/generate', song, '/api/v1/generate/record-info');
    assert.equal(data.status, 'SUCCESS');
    assert.equal(data.consumeCredits, 12);
  });

  it('creditsKey: creditsConsumed reports under §11’s key instead', async () => {
    const other = createKieFake({ rateLimits: false, timeScale: 0.1, creditsKey: 'creditsConsumed' });
    await other.start();
    try {
      other.script('*', { outcome: 'success', stateDurationsMs: FAST });
      const created = await kieCall(other, '/api/v1/jobs/createTask', kling('10', true));
      const id = (created.body.data as { taskId: string }).taskId;
      await waitFor(done(other, id));
      const data = (await kieCall(other, `/api/v1/jobs/recordInfo?taskId=${id}`)).body.data as Record<
        string,
        unknown
      >;
      assert.deepEqual([data.creditsConsumed, data.consumeCredits], [220, undefined]);
    } finally {
      await other.stop();
    }
  });
});

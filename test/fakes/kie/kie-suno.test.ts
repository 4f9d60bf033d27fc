import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, startReceiver, waitFor } from './kie-test-client.ts';

const SONG = { prompt: 'A calm song about the sea', customMode: false, instrumental: false, model: 'V4_5' };

describe('createKieFake: Suno (§7)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, webhookHmacKey: 'k' });
    await fake.start();
  });
  after(() => fake.stop());

  it('generates, reports statuses through record-info and calls back text, first, complete', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    fake.script('V4_5', {
      outcome: 'success',
      stateDurationsMs: { waiting: 70_000, queuing: 70_000, generating: 70_000 },
      times: 1,
    });
    const created = await kieCall(fake, '/api/v1/generate', { ...SONG, callBackUrl: receiver.url });
    assert.equal(created.body.code, 200);
    const { taskId } = created.body.data as { taskId: string };

    const statuses: string[] = [];
    let data: Record<string, unknown> = {};
    while (statuses.at(-1) !== 'SUCCESS') {
      data = (await kieCall(fake, `/api/v1/generate/record-info?taskId=${taskId}`)).body.data as Record<
        string,
        unknown
      >;
      if (statuses.at(-1) !== data.status) statuses.push(data.status as string);
      // Suno allows 3 polls per second per task.
      await new Promise((r) => setTimeout(r, 340));
    }
    assert.deepEqual(statuses, ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS', 'SUCCESS']);
    const tracks = (data.response as { sunoData: Array<Record<string, unknown>> }).sunoData;
    assert.equal(tracks.length, 2);
    for (const key of [
      'id',
      'audioUrl',
      'streamAudioUrl',
      'imageUrl',
      'prompt',
      'modelName',
      'title',
      'tags',
      'createTime',
      'duration',
    ]) {
      assert.ok(key in (tracks[0] ?? {}), key);
    }
    const audio = await fetch(tracks[0]?.audioUrl as string);
    assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
    assert.equal((await fetch(tracks[1]?.imageUrl as string)).headers.get('content-type'), 'image/png');

    await waitFor(() => receiver.received.length >= 3);
    const bodies = receiver.received.map((r) => r.body as { code: number; data: Record<string, unknown> });
    assert.deepEqual(
      bodies.map((b) => b.data.callbackType),
      ['text', 'first', 'complete'],
    );
    const complete = bodies[2]?.data as { task_id: string; data: Array<Record<string, unknown>> };
    assert.equal(complete.task_id, taskId);
    assert.equal(complete.data[0]?.audio_url, tracks[0]?.audioUrl);
    assert.ok('stream_audio_url' in (complete.data[0] ?? {}));
    assert.ok(receiver.received.every((r) => typeof r.headers['x-webhook-signature'] === 'string'));
    assert.ok(
      receiver.received.every((r) => r.url === '/kie/callback?job=42'),
      'every stage posts to the callBackUrl as given, query string included',
    );
  });

  it('reports a failure status and an error callback', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    fake.script('*', {
      outcome: 'fail',
      failCode: 'SENSITIVE_WORD_ERROR',
      failMsg: 'Sensitive words',
      times: 1,
    });
    const created = await kieCall(fake, '/api/v1/generate', { ...SONG, callBackUrl: receiver.url });
    const { taskId } = created.body.data as { taskId: string };
    await waitFor(() => receiver.received.length >= 1);
    const body = receiver.received[0]?.body as { code: number; data: Record<string, unknown> };
    assert.equal(body.code, 501);
    assert.deepEqual(body.data, { callbackType: 'error', task_id: taskId, data: null });
    const data = (await kieCall(fake, `/api/v1/generate/record-info?taskId=${taskId}`)).body.data as Record<
      string,
      unknown
    >;
    assert.equal(data.status, 'SENSITIVE_WORD_ERROR');
    assert.equal(data.errorMessage, 'Sensitive words');
  });

  it('validates generate requests', async () => {
    const noCallback = await kieCall(fake, '/api/v1/generate', SONG);
    assert.deepEqual([noCallback.body.code, noCallback.body.msg], [422, 'callBackUrl is required']);
    const badModel = await kieCall(fake, '/api/v1/generate', {
      ...SONG,
      model: 'V9',
      callBackUrl: 'http://x/cb',
    });
    assert.equal(badModel.body.code, 422);
    const custom = await kieCall(fake, '/api/v1/generate', {
      ...SONG,
      customMode: true,
      callBackUrl: 'http://x/cb',
    });
    assert.deepEqual([custom.body.code, custom.body.msg], [422, 'style is required']);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana, startReceiver, waitFor } from './kie-test-client.ts';

const GENERATE = '/api/v1/veo/generate';
const RECORD_INFO = '/api/v1/veo/record-info';
const VIDEO = {
  prompt: 'A dog playing in a park',
  model: 'veo3_fast',
  aspectRatio: '16:9',
  resolution: '720p',
};

const recordInfo = async (fake: KieFake, taskId: string) =>
  (await kieCall(fake, `${RECORD_INFO}?taskId=${taskId}`)).body.data as Record<string, unknown>;

/** Resolves when the fake reports `taskId` in a final state. */
const finished = (fake: KieFake, taskId: string) =>
  waitFor(() => fake.tasks().some((t) => t.id === taskId && (t.state === 'success' || t.state === 'fail')));

describe('createKieFake: Veo 3.1 (§8)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, webhookHmacKey: 'k', rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  it('generates, reports successFlag 0 then 1 with the documented record-info fields, and calls back with the video', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    fake.script('veo3_fast', {
      outcome: 'success',
      stateDurationsMs: { waiting: 10_000, queuing: 10_000, generating: 10_000 },
      times: 1,
    });
    const request = { ...VIDEO, aspectRatio: '9:16', callBackUrl: receiver.url };
    const created = await kieCall(fake, GENERATE, request);
    assert.equal(created.body.code, 200);
    const { taskId } = created.body.data as { taskId: string };
    assert.match(taskId, /^veo_task_[0-9a-f]+$/);

    const running = await recordInfo(fake, taskId);
    assert.deepEqual(
      [running.successFlag, running.response, running.errorCode, running.completeTime],
      [0, null, null, null],
    );
    await finished(fake, taskId);
    const done = await recordInfo(fake, taskId);
    assert.deepEqual(Object.keys(done), [
      'taskId',
      'paramJson',
      'completeTime',
      'response',
      'successFlag',
      'errorCode',
      'errorMessage',
      'createTime',
      'fallbackFlag',
    ]);
    assert.equal(done.successFlag, 1);
    assert.deepEqual(JSON.parse(done.paramJson as string), request);
    assert.match(done.createTime as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const response = done.response as Record<string, string[] | string>;
    assert.equal(response.resolution, '720p');
    assert.equal(response.resultUrls?.length, 1);
    assert.equal(response.originUrls?.length, 1, 'a 9:16 video also has its original');
    for (const url of [response.resultUrls?.[0], response.originUrls?.[0]]) {
      assert.equal((await fetch(String(url))).headers.get('content-type'), 'video/mp4');
    }

    await waitFor(() => receiver.received.length >= 1);
    const [callback] = receiver.received;
    assert.deepEqual(callback?.body, {
      code: 200,
      msg: 'Veo3.1 video generated successfully.',
      data: {
        taskId,
        promptJson: JSON.stringify(request),
        info: { resultUrls: response.resultUrls, originUrls: response.originUrls, resolution: '720p' },
        fallbackFlag: false,
      },
    });
    assert.equal(typeof callback?.headers['x-webhook-signature'], 'string');
    assert.equal(callback?.url, '/kie/callback?job=42', 'posted to the callBackUrl as given');
  });

  it('fails with successFlag 2 (or 3 upstream), errorCode and message; refunds and calls back with the code', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const credits = fake.credits();
    fake.script('veo3', { outcome: 'fail', failCode: '400', failMsg: 'unsafe image upload', times: 1 });
    fake.script('veo3', { outcome: 'fail', upstreamFailure: true, times: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await kieCall(fake, GENERATE, { ...VIDEO, model: 'veo3', callBackUrl: receiver.url });
      ids.push((created.body.data as { taskId: string }).taskId);
    }
    assert.equal(fake.credits(), credits - 2 * 250, 'charged at create: Quality 720p is 250 credits');
    await Promise.all(ids.map((id) => finished(fake, id)));
    const [policy, upstream] = await Promise.all(ids.map((id) => recordInfo(fake, id)));
    assert.deepEqual(
      [policy?.successFlag, policy?.errorCode, policy?.errorMessage, policy?.response],
      [2, 400, 'unsafe image upload', null],
    );
    assert.deepEqual([upstream?.successFlag, upstream?.errorCode], [3, 501]);
    assert.equal(fake.credits(), credits, 'failed tasks cost nothing');
    await waitFor(() => receiver.received.length >= 2);
    const bodies = receiver.received.map((r) => r.body);
    assert.deepEqual(
      bodies.find((b) => (b.data as { taskId: string }).taskId === ids[0]),
      { code: 400, msg: 'unsafe image upload', data: { taskId: ids[0], fallbackFlag: false } },
    );
    assert.equal(bodies.find((b) => (b.data as { taskId: string }).taskId === ids[1])?.code, 501);
  });

  it('refuses what the generate page rules out with 422, creating and charging nothing', async () => {
    const credits = fake.credits();
    const tasks = fake.tasks().length;
    const image = 'https://cdn.example/first.jpg';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...VIDEO, prompt: undefined }, 'prompt is required'],
      [{ ...VIDEO, model: 'veo2' }, 'model must be one of veo3, veo3_fast, veo3_lite'],
      [{ ...VIDEO, aspectRatio: '1:1' }, 'aspectRatio must be one of 16:9, 9:16, Auto'],
      [{ ...VIDEO, resolution: '4K' }, 'resolution must be one of 720p, 1080p, 4k'],
      [{ ...VIDEO, duration: '8' }, 'duration must be one of 4, 6, 8'],
      [
        { ...VIDEO, generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' },
        'FIRST_AND_LAST_FRAMES_2_VIDEO takes 1 or 2 imageUrls',
      ],
      [
        { ...VIDEO, generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', imageUrls: [image, image, image] },
        'FIRST_AND_LAST_FRAMES_2_VIDEO takes 1 or 2 imageUrls',
      ],
      [
        { ...VIDEO, model: 'veo3', generationType: 'REFERENCE_2_VIDEO', imageUrls: [image] },
        'REFERENCE_2_VIDEO supports veo3_fast and veo3_lite only',
      ],
      [{ ...VIDEO, imageUrls: 'not a list' }, 'imageUrls must be a list of image URLs'],
      [{ ...VIDEO, callBackUrl: 'nope' }, 'callBackUrl must be a valid URL'],
    ];
    for (const [body, msg] of cases) {
      const reply = await kieCall(fake, GENERATE, body);
      assert.deepEqual([reply.status, reply.body.code, reply.body.msg], [200, 422, msg], msg);
    }
    assert.equal(fake.tasks().length, tasks);
    assert.equal(fake.credits(), credits);
  });

  it('defaults the model to veo3_fast, accepts one frame as FIRST_AND_LAST_FRAMES_2_VIDEO, and prices by resolution', async () => {
    const credits = fake.credits();
    const oneFrame = await kieCall(fake, GENERATE, {
      prompt: 'wave',
      imageUrls: ['https://cdn.example/first.jpg'],
      generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
      resolution: '4k',
      duration: 6,
    });
    assert.equal(oneFrame.body.code, 200);
    const task = fake.tasks().find((t) => t.id === (oneFrame.body.data as { taskId: string }).taskId);
    assert.deepEqual([task?.api, task?.model, task?.price], ['veo', 'veo3_fast', 180]);
    assert.equal(fake.credits(), credits - 180);
  });

  it('injects faults on veoGenerate / veoRecordInfo and keeps Veo and Market task ids apart (404)', async () => {
    fake.failNext('veoGenerate', 455, { msg: 'maintenance' });
    const down = await kieCall(fake, GENERATE, VIDEO);
    assert.deepEqual([down.body.code, down.body.msg], [455, 'maintenance']);
    const created = await kieCall(fake, GENERATE, VIDEO);
    const { taskId } = created.body.data as { taskId: string };
    fake.failNext('veoRecordInfo', 500);
    assert.equal((await kieCall(fake, `${RECORD_INFO}?taskId=${taskId}`)).body.code, 500);
    assert.equal((await kieCall(fake, `${RECORD_INFO}?taskId=${taskId}`)).body.code, 200);
    const asMarket = await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${taskId}`);
    assert.equal(asMarket.body.code, 404);
    const market = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    const marketId = (market.body.data as { taskId: string }).taskId;
    assert.equal((await kieCall(fake, `${RECORD_INFO}?taskId=${marketId}`)).body.code, 404);
  });
});

describe('createKieFake: Veo shares the create and poll windows (§4, §9 row 6)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: { createPer10s: 2, recordInfoPerSecond: 2 } });
    await fake.start();
  });
  after(() => fake.stop());

  it('counts Veo generates in the createTask window and Veo polls in the recordInfo one', async () => {
    const market = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    const veo = await kieCall(fake, GENERATE, VIDEO);
    assert.deepEqual([market.body.code, veo.body.code], [200, 200]);
    const third = await kieCall(fake, GENERATE, VIDEO);
    assert.deepEqual([third.status, third.body.code], [429, 429]);
    assert.equal(fake.tasks().length, 2, 'a throttled generate creates nothing');
    const { taskId } = veo.body.data as { taskId: string };
    const marketId = (market.body.data as { taskId: string }).taskId;
    const polls = [
      await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${marketId}`),
      await kieCall(fake, `${RECORD_INFO}?taskId=${taskId}`),
      await kieCall(fake, `${RECORD_INFO}?taskId=${taskId}`),
    ];
    assert.deepEqual(
      polls.map((p) => p.body.code),
      [200, 200, 429],
    );
  });
});

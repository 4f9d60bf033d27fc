import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { KieApiError, type KieTaskInfo } from '../../../src/clients/kie/index.ts';
import { parseVeoTaskInfo, veoResultUrls } from '../../../src/clients/kie/parse-veo-task-info.ts';
import { veoRequestBody } from '../../../src/clients/kie/veo-request-body.ts';
import { pollVideoUntilDone, rejectionOf, requestsTo, VIDEO, withKie } from './kie-client-harness.ts';

const GENERATE = '/api/v1/veo/generate';
const RECORD_INFO = '/api/v1/veo/record-info';

describe('KIE client: Veo 3.1 (§8)', () => {
  it('creates a text-to-video task and normalises record-info (successFlag 0 → 1) to the Market shape', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script('veo3_fast', {
        outcome: 'success',
        stateDurationsMs: { waiting: 20_000, queuing: 20_000, generating: 20_000 },
      });
      const { taskId } = await client.createVideoTask(VIDEO, { generationId: 'g1' });
      assert.match(taskId, /^veo_task_/);
      const seen: Array<[string, number | undefined]> = [];
      let info: KieTaskInfo | undefined;
      for (let attempt = 1; !info?.done; attempt++) {
        info = await client.videoRecordInfo(taskId, { attempt, model: VIDEO.model });
        if (seen.at(-1)?.[0] !== info.state) seen.push([info.state, info.veoSuccessFlag]);
        if (!info.done) await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(seen, [
        ['generating', 0],
        ['success', 1],
      ]);
      assert.deepEqual([info.taskId, info.model, info.failCode], [taskId, 'veo3_fast', undefined]);
      assert.equal(info.resultUrls?.length, 1);
      const video = await fetch(info.resultUrls?.[0] ?? '');
      assert.equal(video.headers.get('content-type'), 'video/mp4');
      assert.ok((await video.arrayBuffer()).byteLength > 0);
    }));

  it('sends Veo’s camelCase body: integer duration, TEXT_2_VIDEO, the photo as imageUrls with FIRST_AND_LAST_FRAMES_2_VIDEO', () =>
    withKie({}, {}, async (fake, client) => {
      await client.createVideoTask({
        ...VIDEO,
        callBackUrl: 'https://bot.example/kie/callback?generation=g1',
      });
      const photo = `${fake.baseUrl}/files/uploads/tg/photo.jpg`;
      await client.createVideoTask({
        model: 'veo3',
        input: { prompt: 'make it move', aspectRatio: 'Auto', image_urls: [photo], model: 'veo3_lite' },
      });
      const [text, image] = fake.tasks().map((t) => t.request);
      assert.deepEqual(text, {
        prompt: 'A dog playing in a park',
        aspectRatio: '16:9',
        resolution: '720p',
        duration: 8,
        generationType: 'TEXT_2_VIDEO',
        model: 'veo3_fast',
        callBackUrl: 'https://bot.example/kie/callback?generation=g1',
      });
      assert.deepEqual(image, {
        prompt: 'make it move',
        aspectRatio: 'Auto',
        imageUrls: [photo],
        generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
        model: 'veo3',
      });
      assert.deepEqual(
        requestsTo(fake, GENERATE).map((r) => r.code),
        [200, 200],
      );
    }));

  it('reports successFlag 2 and 3 as state fail with KIE’s errorCode and errorMessage', () =>
    withKie({}, {}, async (fake, client) => {
      fake.script('veo3_fast', {
        outcome: 'fail',
        failCode: '400',
        failMsg: 'flagged by content policy',
        times: 1,
      });
      fake.script('veo3_fast', { outcome: 'fail', failCode: '500', upstreamFailure: true, times: 1 });
      const first = await client.createVideoTask(VIDEO);
      const second = await client.createVideoTask(VIDEO);
      const failed = await pollVideoUntilDone(client, first.taskId);
      assert.deepEqual(
        [
          failed.state,
          failed.done,
          failed.veoSuccessFlag,
          failed.failCode,
          failed.failMsg,
          failed.resultUrls,
        ],
        ['fail', true, 2, '400', 'flagged by content policy', undefined],
      );
      const upstream = await pollVideoUntilDone(client, second.taskId);
      assert.deepEqual([upstream.state, upstream.veoSuccessFlag, upstream.failCode], ['fail', 3, '500']);
    }));

  it('maps generate refusals to the error classes (endpoint veoGenerate) and never resends them', () =>
    withKie({}, {}, async (fake, client) => {
      fake.failNext('veoGenerate', 402);
      const broke = await rejectionOf(client.createVideoTask(VIDEO));
      assert.ok(broke instanceof KieApiError, inspect(broke));
      assert.deepEqual(
        [broke.code, broke.endpoint, broke.retryable],
        ['kie.insufficient_credits', 'veoGenerate', false],
      );
      const badModel = await rejectionOf(client.createVideoTask({ ...VIDEO, model: 'veo9' }));
      assert.ok(badModel instanceof KieApiError);
      assert.deepEqual(
        [badModel.code, badModel.msg],
        ['kie.422', 'model must be one of veo3, veo3_fast, veo3_lite'],
      );
      const badRatio = await rejectionOf(
        client.createVideoTask({ ...VIDEO, input: { ...VIDEO.input, aspectRatio: '1:1' } }),
      );
      assert.ok(badRatio instanceof KieApiError);
      assert.equal(badRatio.msg, 'aspectRatio must be one of 16:9, 9:16, Auto');
      assert.equal(requestsTo(fake, GENERATE).length, 3, 'one attempt each');
      assert.equal(fake.tasks().length, 0);
    }));

  it('retries a record-info 429 and 500; a Market task id is not a Veo task (404, final)', () =>
    withKie({}, { pollWindowMs: 50 }, async (fake, client) => {
      const { taskId } = await client.createVideoTask(VIDEO);
      fake.failNext('veoRecordInfo', 429);
      fake.failNext('veoRecordInfo', 500);
      const info = await client.videoRecordInfo(taskId);
      assert.equal(info.taskId, taskId);
      assert.deepEqual(
        requestsTo(fake, RECORD_INFO).map((r) => r.code),
        [429, 500, 200],
      );
      const market = await client.createTask({ model: 'google/nano-banana', input: { prompt: 'x' } });
      const missing = await rejectionOf(client.videoRecordInfo(market.taskId));
      assert.ok(missing instanceof KieApiError);
      assert.deepEqual(
        [missing.code, missing.endpoint, missing.retryable],
        ['kie.404', 'veoRecordInfo', false],
      );
    }));

  it('shares the create limiter with Market createTask (20 new generations per 10 s, §4)', () =>
    withKie({}, { createPer10s: 2, createWindowMs: 300 }, async (fake, client) => {
      const positions: number[] = [];
      await Promise.all([
        client.createTask({ model: 'google/nano-banana', input: { prompt: 'x' } }),
        client.createVideoTask(VIDEO),
        client.createVideoTask(VIDEO, { onQueuePosition: (p) => positions.push(p) }),
      ]);
      assert.deepEqual(positions, [1], 'the third create queued behind the Market and the first Veo one');
      assert.deepEqual(
        requestsTo(fake, GENERATE).map((r) => r.code),
        [200, 200],
        'queued on our side, never refused by KIE',
      );
      assert.equal(fake.tasks().length, 3);
    }));
});

describe('parseVeoTaskInfo', () => {
  // The record-info example of H `161-…`, in shape.
  const data = (successFlag: unknown, extra: Record<string, unknown> = {}) => ({
    taskId: 'veo_task_abc',
    paramJson: JSON.stringify({ prompt: 'A futuristic city', model: 'veo3' }),
    completeTime: '2025-06-06 10:30:00',
    response:
      successFlag === 1
        ? {
            taskId: 'veo_task_abc',
            resultUrls: ['http://example.com/video1.mp4'],
            originUrls: ['http://example.com/original_video1.mp4'],
            resolution: '1080p',
          }
        : null,
    successFlag,
    errorCode: null,
    errorMessage: '',
    createTime: '2025-06-06 10:25:00',
    fallbackFlag: false,
    ...extra,
  });

  it('maps each documented successFlag, keeping the raw flag, the model from paramJson and no date strings', () => {
    const success = parseVeoTaskInfo(data(1), 'veo_task_abc', 'veo3_fast');
    assert.deepEqual(success, {
      taskId: 'veo_task_abc',
      model: 'veo3',
      state: 'success',
      done: true,
      resultUrls: ['http://example.com/video1.mp4'],
      param: { prompt: 'A futuristic city', model: 'veo3' },
      veoSuccessFlag: 1,
    });
    assert.deepEqual(
      [0, 2, 3].map((flag) => {
        const info = parseVeoTaskInfo(data(flag), 'veo_task_abc');
        return [info.state, info.done, info.failCode, info.failMsg];
      }),
      [
        ['generating', false, undefined, undefined],
        ['fail', true, 'veo.failed', 'Generation failed'],
        ['fail', true, 'veo.upstream_failed', 'Generation failed upstream'],
      ],
    );
  });

  it('reads an integer errorCode and its message; an unknown or missing flag stays running', () => {
    const failed = parseVeoTaskInfo(data(2, { errorCode: 400, errorMessage: 'unsafe image upload' }), 'x');
    assert.deepEqual([failed.failCode, failed.failMsg], ['400', 'unsafe image upload']);
    const odd = parseVeoTaskInfo(data(7), 'x');
    assert.deepEqual([odd.state, odd.done, odd.veoSuccessFlag], ['successFlag 7', false, 7]);
    const bare = parseVeoTaskInfo({ taskId: 'x' }, 'x', 'veo3_fast');
    assert.deepEqual([bare.state, bare.done, bare.model], ['unknown', false, 'veo3_fast']);
  });

  it('accepts result URLs as an array or as the string forms the callback schema shows', () => {
    assert.deepEqual(veoResultUrls(['http://a/1.mp4', '']), ['http://a/1.mp4']);
    assert.deepEqual(veoResultUrls('["http://a/1.mp4","http://a/2.mp4"]'), [
      'http://a/1.mp4',
      'http://a/2.mp4',
    ]);
    assert.deepEqual(veoResultUrls('[http://example.com/video1.mp4]'), ['http://example.com/video1.mp4']);
    assert.deepEqual(veoResultUrls('http://a/1.mp4'), ['http://a/1.mp4']);
    assert.equal(veoResultUrls('nothing'), undefined);
    assert.equal(veoResultUrls(null), undefined);
  });
});

describe('veoRequestBody', () => {
  it('keeps a non-numeric duration as given and takes model, callBackUrl and generationType from the request only', () => {
    assert.deepEqual(
      veoRequestBody({
        model: 'veo3_fast',
        input: {
          prompt: 'p',
          duration: 'long',
          callBackUrl: 'http://evil/',
          generationType: 'REFERENCE_2_VIDEO',
        },
      }),
      { prompt: 'p', duration: 'long', generationType: 'TEXT_2_VIDEO', model: 'veo3_fast' },
    );
    assert.deepEqual(
      veoRequestBody({ model: 'veo3', input: { prompt: 'p', image_urls: [] } }),
      { prompt: 'p', generationType: 'TEXT_2_VIDEO', model: 'veo3' },
      'an empty photo list is text to video',
    );
  });
});

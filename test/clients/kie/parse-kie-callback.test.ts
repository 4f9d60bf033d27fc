import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '@tg-genbot/fakes/kie';
import { parseKieCallback } from '../../../src/clients/kie/index.ts';
import {
  kieCall,
  nanoBanana,
  type ReceivedCallback,
  startReceiver,
  waitFor,
} from '../../fakes/kie/kie-test-client.ts';

// The §5 failure example, verbatim in shape.
const MARKET_FAIL = {
  code: 501,
  msg: 'Playground task failed.',
  data: {
    taskId: 'e98962',
    model: 'kling-2.6/image-to-video',
    state: 'fail',
    failCode: '500',
    failMsg: 'Internal server error',
    consumeCredits: 0,
    completeTime: 1755599644000,
  },
};

describe('parseKieCallback: bodies as documented', () => {
  it('reads a Market failure (§5) and a failure without a state', () => {
    assert.deepEqual(parseKieCallback(MARKET_FAIL), {
      api: 'market',
      taskId: 'e98962',
      state: 'fail',
      done: true,
      failCode: '500',
      failMsg: 'Internal server error',
      consumeCredits: 0,
      dedupeKey: 'e98962:fail',
    });
    const bare = parseKieCallback({ code: 501, message: 'Generation failed', data: { taskId: 't1' } });
    assert.deepEqual(
      [bare?.state, bare?.done, bare?.failCode, bare?.failMsg],
      ['fail', true, '501', 'Generation failed'],
    );
  });

  it('reads a Suno error callback (code 501, data: null) and a content-policy rejection (code 400)', () => {
    const error = parseKieCallback({
      code: 501,
      msg: 'Audio generation failed.',
      data: { callbackType: 'error', task_id: 'suno1', data: null },
    });
    assert.deepEqual(error, {
      api: 'suno',
      taskId: 'suno1',
      state: 'fail',
      done: true,
      callbackType: 'error',
      failCode: '501',
      failMsg: 'Audio generation failed.',
      dedupeKey: 'suno1:fail',
    });
    const policy = parseKieCallback({
      code: 400,
      msg: 'sensitive',
      data: { callbackType: 'complete', task_id: 's2' },
    });
    assert.deepEqual([policy?.state, policy?.failCode, policy?.resultUrls], ['fail', '400', undefined]);
  });

  it('reads the Veo callbacks of H `155-…`: success with info.resultUrls, failures 400 and 422 without info', () => {
    const success = parseKieCallback({
      code: 200,
      msg: 'Veo3.1 视频生成成功。',
      data: {
        taskId: 'veo_task_abcdef123456',
        promptJson: '{"aspectRatio":"16:9","model":"veo3_fast","prompt":"cat"}',
        info: {
          resultUrls: ['http://example.com/video1.mp4'],
          originUrls: ['http://example.com/original_video1.mp4'],
          resolution: '1080p',
        },
        fallbackFlag: false,
      },
    });
    assert.deepEqual(success, {
      api: 'veo',
      taskId: 'veo_task_abcdef123456',
      state: 'success',
      done: true,
      resultUrls: ['http://example.com/video1.mp4'],
      dedupeKey: 'veo_task_abcdef123456:success',
    });
    const policy = parseKieCallback({
      code: 400,
      msg: 'Your prompt was flagged by Website as violating content policies.',
      data: { taskId: 'veo_task_abcdef123456', fallbackFlag: false },
    });
    assert.deepEqual(
      [policy?.api, policy?.state, policy?.done, policy?.failCode, policy?.failMsg, policy?.resultUrls],
      [
        'veo',
        'fail',
        true,
        '400',
        'Your prompt was flagged by Website as violating content policies.',
        undefined,
      ],
    );
    const flow = parseKieCallback({
      code: 422,
      msg: 'Your request was rejected by Flow(…).',
      data: { taskId: 'veo_task_abcdef123456', fallbackFlag: false },
    });
    assert.deepEqual(
      [flow?.state, flow?.failCode, flow?.dedupeKey],
      ['fail', '422', 'veo_task_abcdef123456:fail'],
    );
    // The callback schema types info.resultUrls as a string such as '[http://example.com/video1.mp4]'.
    const stringly = parseKieCallback({
      code: 200,
      msg: 'ok',
      data: { taskId: 'v2', info: { resultUrls: '[http://example.com/video1.mp4]' } },
    });
    assert.deepEqual(stringly?.resultUrls, ['http://example.com/video1.mp4']);
  });

  it('reads what KIE charged under either key (§5 consumeCredits, §11 creditsConsumed), Market and Suno', () => {
    const market = (credits: Record<string, unknown>) =>
      parseKieCallback({ code: 200, msg: 'ok', data: { taskId: 't9', state: 'success', ...credits } });
    assert.equal(market({ consumeCredits: 110 })?.consumeCredits, 110);
    assert.equal(market({ creditsConsumed: 6.5 })?.consumeCredits, 6.5);
    assert.equal(market({})?.consumeCredits, undefined, 'optional (§9 row 5)');
    assert.equal(market({ consumeCredits: 'lots' })?.consumeCredits, undefined, 'only a number counts');
    const suno = parseKieCallback({
      code: 200,
      msg: 'All generated successfully.',
      data: { callbackType: 'complete', task_id: 's9', data: [], creditsConsumed: 12 },
    });
    assert.equal(suno?.consumeCredits, 12);
  });

  it('returns undefined for anything that is not a KIE callback', () => {
    for (const junk of [
      undefined,
      null,
      'not json',
      '[]',
      { code: 200 },
      { data: { state: 'success' } },
      42,
    ]) {
      assert.equal(parseKieCallback(junk), undefined, JSON.stringify(junk));
    }
  });

  it('is duplicate-safe: the same body parses to equal results from text, bytes or object, twice', () => {
    const text = JSON.stringify(MARKET_FAIL);
    const results = [
      parseKieCallback(text),
      parseKieCallback(text),
      parseKieCallback(Buffer.from(text)),
      parseKieCallback(JSON.parse(text)),
    ];
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(MARKET_FAIL.data.state, 'fail', 'the input is not mutated');
  });
});

describe('parseKieCallback: what the fake KIE sends', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  async function collect(path: string, request: Record<string, unknown>, count: number) {
    const receiver = await startReceiver();
    try {
      await kieCall(fake, path, { ...request, callBackUrl: receiver.url });
      await waitFor(() => receiver.received.length >= count);
      return [...receiver.received] as ReceivedCallback[];
    } finally {
      await receiver.close();
    }
  }

  it('a Market success gives the result URLs, and a duplicate gives the same dedupe key', async () => {
    fake.script('*', { outcome: 'success', callback: 'duplicate', times: 1 });
    const [first, second] = await collect('/api/v1/jobs/createTask', nanoBanana(), 2);
    const a = parseKieCallback(first?.raw);
    const b = parseKieCallback(second?.raw);
    assert.equal(a?.api, 'market');
    assert.equal(a?.state, 'success');
    assert.equal(a?.done, true);
    assert.equal(a?.resultUrls?.length, 1);
    assert.equal((await fetch(a?.resultUrls?.[0] ?? '')).status, 200);
    assert.deepEqual(b, a);
    assert.equal(a?.dedupeKey, `${a?.taskId}:success`);
    assert.equal(a?.consumeCredits, 4, 'nano-banana: $0.02 = 4 KIE credits (§10)');
  });

  it('Suno stages map to generating, generating, success with both audio URLs', async () => {
    const song = { prompt: 'sea', customMode: false, instrumental: false, model: 'V4_5' };
    const received = await collect('/api/v1/generate', song, 3);
    const parsed = received.map((r) => parseKieCallback(r.body));
    assert.deepEqual(
      parsed.map((p) => [p?.api, p?.callbackType, p?.state, p?.done]),
      [
        ['suno', 'text', 'generating', false],
        ['suno', 'first', 'generating', false],
        ['suno', 'complete', 'success', true],
      ],
    );
    const complete = parsed[2];
    assert.equal(complete?.resultUrls?.length, 2);
    assert.deepEqual(
      parsed.map((p) => p?.consumeCredits),
      [undefined, undefined, 12],
      'the cost comes with the complete stage: $0.06 a request (§10)',
    );
    assert.ok(complete?.resultUrls?.every((u) => u.endsWith('.mp3')));
    assert.equal(parsed[0]?.dedupeKey, parsed[1]?.dedupeKey, 'non-final stages share a key');
    assert.notEqual(parsed[1]?.dedupeKey, complete?.dedupeKey);
  });

  it('a Veo success and failure (successFlag 2 or 3) parse as api veo, with the video URL or the error code', async () => {
    const video = { prompt: 'a dog in a park', model: 'veo3_fast', aspectRatio: '9:16' };
    fake.script('veo3_fast', { outcome: 'success', times: 1 });
    const [ok] = await collect('/api/v1/veo/generate', video, 1);
    const success = parseKieCallback(ok?.raw);
    assert.deepEqual([success?.api, success?.state, success?.done], ['veo', 'success', true]);
    assert.equal(success?.resultUrls?.length, 1);
    assert.equal((await fetch(success?.resultUrls?.[0] ?? '')).headers.get('content-type'), 'video/mp4');
    fake.script('veo3_fast', {
      outcome: 'fail',
      failCode: '400',
      failMsg: 'unsafe image',
      upstreamFailure: true,
      times: 1,
    });
    const [bad] = await collect('/api/v1/veo/generate', video, 1);
    const failure = parseKieCallback(bad?.raw);
    assert.deepEqual(
      [failure?.api, failure?.state, failure?.failCode, failure?.failMsg],
      ['veo', 'fail', '400', 'unsafe image'],
    );
  });

  it('a failed Market task gives failCode and failMsg', async () => {
    fake.script('*', { outcome: 'fail', failCode: '422', failMsg: 'nsfw', times: 1 });
    const [cb] = await collect('/api/v1/jobs/createTask', nanoBanana(), 1);
    const parsed = parseKieCallback(cb?.raw);
    assert.deepEqual([parsed?.state, parsed?.failCode, parsed?.failMsg], ['fail', '422', 'nsfw']);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall, nanoBanana, waitFor } from './kie-test-client.ts';

describe('createKieFake: market jobs', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false, credits: 100 });
    await fake.start();
  });
  after(() => fake.stop());

  it('creates a task, advances through the documented states in order and serves the result', async () => {
    fake.script('google/nano-banana', {
      outcome: 'success',
      stateDurationsMs: { waiting: 10_000, queuing: 10_000, generating: 10_000 },
      times: 1,
    });
    const created = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana({ callBackUrl: undefined }));
    assert.equal(created.status, 200);
    assert.equal(created.body.code, 200);
    assert.equal(created.body.msg, 'success');
    const { taskId } = created.body.data as { taskId: string };
    assert.match(taskId, /^task_google_\d+$/);

    const seen: string[] = [];
    let data: Record<string, unknown> = {};
    while (seen.at(-1) !== 'success') {
      const r = await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${taskId}`);
      assert.equal(r.body.code, 200);
      data = r.body.data as Record<string, unknown>;
      if (seen.at(-1) !== data.state) seen.push(data.state as string);
      await new Promise((res) => setTimeout(res, 5));
    }
    assert.deepEqual(seen, ['waiting', 'queuing', 'generating', 'success']);
    assert.equal(data.taskId, taskId);
    assert.equal(data.model, 'google/nano-banana');
    assert.equal(typeof data.param, 'string');
    assert.deepEqual(JSON.parse(data.param as string), nanoBanana());
    assert.equal(data.failCode, '');
    assert.equal(data.failMsg, '');
    for (const key of ['createTime', 'updateTime', 'completeTime'])
      assert.equal(typeof data[key], 'number', key);
    assert.ok((data.completeTime as number) >= (data.createTime as number));

    const { resultUrls } = JSON.parse(data.resultJson as string) as { resultUrls: string[] };
    assert.equal(resultUrls.length, 1);
    const file = await fetch(resultUrls[0] ?? '');
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const task = fake.tasks().find((t) => t.id === taskId);
    assert.equal(task?.state, 'success');
    assert.ok((task?.polls ?? 0) >= 4);
  });

  it('serves video results as video/mp4 and fails with the scripted failCode/failMsg', async () => {
    const video = await kieCall(fake, '/api/v1/jobs/createTask', {
      model: 'kling-2.6/text-to-video',
      input: { prompt: 'waves', sound: false, aspect_ratio: '16:9', duration: '5' },
    });
    fake.script('*', { outcome: 'fail', failCode: '400', failMsg: 'Content policy violation', times: 1 });
    const failing = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    const videoId = (video.body.data as { taskId: string }).taskId;
    const failId = (failing.body.data as { taskId: string }).taskId;
    await waitFor(() => fake.tasks().every((t) => t.state === 'success' || t.state === 'fail'));

    const v = (await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${videoId}`)).body.data as Record<
      string,
      string
    >;
    const url = (JSON.parse(v.resultJson ?? '') as { resultUrls: string[] }).resultUrls[0] ?? '';
    assert.match(url, /\/files\/.+\.mp4$/);
    assert.equal((await fetch(url)).headers.get('content-type'), 'video/mp4');

    const f = (await kieCall(fake, `/api/v1/jobs/recordInfo?taskId=${failId}`)).body.data as Record<
      string,
      string
    >;
    assert.equal(f.state, 'fail');
    assert.equal(f.failCode, '400');
    assert.equal(f.failMsg, 'Content policy violation');
    assert.equal(f.resultJson, '');
  });

  it('validates the create request with 422 and answers 404 for an unknown task', async () => {
    const noPrompt = await kieCall(fake, '/api/v1/jobs/createTask', {
      model: 'google/nano-banana',
      input: {},
    });
    assert.deepEqual([noPrompt.status, noPrompt.body.code], [200, 422]);
    assert.match(noPrompt.body.msg ?? '', /input\.prompt is required/);
    const badModel = await kieCall(fake, '/api/v1/jobs/createTask', {
      model: 'a/b/c',
      input: { prompt: 'x' },
    });
    assert.equal(badModel.body.msg, 'model format is incorrect');
    const unknown = await kieCall(fake, '/api/v1/jobs/createTask', { model: 'nano', input: { prompt: 'x' } });
    assert.equal(unknown.body.msg, 'The model name you specified is not supported');
    const noInput = await kieCall(fake, '/api/v1/jobs/createTask', { model: 'google/nano-banana' });
    assert.equal(noInput.body.code, 422);
    const missing = await kieCall(fake, '/api/v1/jobs/recordInfo?taskId=task_nope_1');
    assert.deepEqual([missing.status, missing.body.code], [200, 404]);
  });

  it('rejects a missing or wrong key with code 401', async () => {
    const wrong = await kieCall(fake, '/api/v1/chat/credit', undefined, { key: 'nope' });
    assert.deepEqual(wrong.body, { code: 401, msg: 'You do not have access permissions' });
    const res = await fetch(`${fake.baseUrl}/api/v1/chat/credit`, { headers: { 'User-Agent': 'x' } });
    assert.equal(((await res.json()) as { code: number }).code, 401);
  });

  it('charges credits for successes only and answers 402 when they run out', async () => {
    fake.setCredits(10);
    const before = await kieCall(fake, '/api/v1/chat/credit');
    assert.deepEqual(before.body, { code: 200, msg: 'success', data: 10 });
    fake.script('*', { outcome: 'fail', times: 1 });
    await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    await waitFor(() =>
      fake.tasks().every((t) => t.state !== 'waiting' && t.state !== 'queuing' && t.state !== 'generating'),
    );
    assert.equal(fake.credits(), 10, 'a failed task is refunded');
    await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    assert.equal(fake.credits(), 6, 'nano-banana costs 4');
    fake.setCredits(0);
    const broke = await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana());
    assert.deepEqual([broke.status, broke.body.code], [200, 402]);
    assert.match(broke.body.msg ?? '', /credits are insufficient/);
    fake.setCredits(100);
  });

  it('injects transient codes that then give way to success', async () => {
    fake.failNext('createTask', 455, { times: 2 });
    fake.failNext('credit', 500, { msg: 'boom', httpStatus: 503 });
    const count = fake.tasks().length;
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await kieCall(fake, '/api/v1/jobs/createTask', nanoBanana())).body.code);
    assert.deepEqual(codes, [455, 455, 200]);
    assert.equal(fake.tasks().length, count + 1);
    const credit = await kieCall(fake, '/api/v1/chat/credit');
    assert.deepEqual([credit.status, credit.body.code, credit.body.msg], [503, 500, 'boom']);
  });

  it('accepts a slow create at once but answers late, and records the client abort', async () => {
    fake.script('*', { outcome: 'hang', slowCreateMs: 2000, times: 1 });
    const count = fake.tasks().length;
    await assert.rejects(
      fetch(`${fake.baseUrl}/api/v1/jobs/createTask`, {
        method: 'POST',
        headers: {
          Authorization: 'Bearer kie-test-key',
          'User-Agent': 'test',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(nanoBanana()),
        signal: AbortSignal.timeout(100),
      }),
      { name: 'TimeoutError' },
    );
    assert.equal(fake.tasks().length, count + 1, 'the task exists although the client gave up');
    await waitFor(() => fake.requests().at(-1)?.aborted === true);
    assert.equal(fake.requests().at(-1)?.path, '/api/v1/jobs/createTask');
  });

  it('records every request with its status and body code', () => {
    const log = fake.requests();
    assert.ok(log.some((r) => r.path === '/api/v1/chat/credit' && r.status === 200 && r.code === 401));
    assert.ok(log.some((r) => r.path.startsWith('/files/') && r.status === 200));
  });
});

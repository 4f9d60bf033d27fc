import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createGenerationHarness, type GenerationHarness, runUntil } from './generation-harness.ts';

/** A Veo 3.1 Fast model as the catalog describes it (api veo, options under Veo's camelCase keys). */
const VEO = {
  id: 'veo-fast-text',
  kieModel: 'veo3_fast',
  api: 'veo',
  prices: [
    { when: { resolution: '720p' }, credits: 107, kieCredits: 60 },
    { when: { resolution: '1080p' }, credits: 116, kieCredits: 65 },
  ],
  inputs: [
    {
      name: 'resolution',
      label: { en: 'Q', ru: 'Q' },
      type: 'enum',
      values: ['720p', '1080p'],
      default: '720p',
    },
    { name: 'duration', label: { en: 'D', ru: 'D' }, type: 'enum', values: ['4', '6', '8'], default: '8' },
  ],
} as const;
const FAST = { waiting: 100, queuing: 100, generating: 200 };

describe(`generation service: Veo 3.1 generations (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  before(async () => {
    h = await createGenerationHarness();
  });
  after(() => h.close());

  const start = (userId: number, input: Record<string, unknown>) =>
    h.service().start({ userId, chatId: userId, model: VEO, input, idempotencyKey: `veo-${userId}` });

  it('creates the task at /api/v1/veo/generate, polls Veo’s record-info and delivers the video, charged by resolution', async () => {
    h.fake.script('veo3_fast', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    const user = await h.user(200);
    const delivered: string[][] = [];
    const service = h.service({
      callbackUrl: (id) => `https://bot.example/kie/callback?generation=${id}`,
      notifier: {
        deliver: async (g) => {
          delivered.push([...(g.resultUrls ?? [])]);
          return { kind: 'video', fileId: 'video-1' };
        },
      },
    });
    const gen = await start(user, { prompt: 'a fox running', resolution: '1080p', duration: '6' });
    assert.deepEqual([gen.api, gen.price], ['veo', 116]);
    const [done] = await runUntil(service, [gen.id], ['delivered']);
    assert.match(done?.kieTaskId ?? '', /^veo_task_/);
    const task = h.fake.tasks().find((t) => t.id === done?.kieTaskId);
    assert.deepEqual(task?.request, {
      prompt: 'a fox running',
      resolution: '1080p',
      duration: 6,
      generationType: 'TEXT_2_VIDEO',
      model: 'veo3_fast',
      callBackUrl: `https://bot.example/kie/callback?generation=${gen.id}`,
    });
    assert.equal(delivered.length, 1);
    assert.match(delivered[0]?.[0] ?? '', /\.mp4$/);
    assert.ok(h.fake.requests().some((r) => r.path === '/api/v1/veo/record-info'));
    assert.ok(!h.fake.requests().some((r) => r.path === '/api/v1/jobs/recordInfo'), 'never the Market poll');
    assert.equal(await h.billing.balance(user), 200 - 116);
  });

  it('refunds a Veo task that failed upstream (successFlag 3) with KIE’s errorCode', async () => {
    h.fake.script('veo3_fast', {
      outcome: 'fail',
      upstreamFailure: true,
      failCode: '500',
      failMsg: 'Internal error - timeout',
      stateDurationsMs: FAST,
      times: 1,
    });
    const user = await h.user(150);
    const gen = await start(user, { prompt: 'a storm at sea' });
    assert.equal(gen.price, 107);
    const [done] = await runUntil(h.service(), [gen.id], ['failed']);
    assert.deepEqual([done?.failCode, done?.failMsg], ['500', 'Internal error - timeout']);
    assert.ok(done?.refundEntryId);
    assert.equal(await h.billing.balance(user), 150);
  });
});

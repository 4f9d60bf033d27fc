import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DATABASE_KIND } from '../../support/test-database.ts';
import { createGenerationHarness, type GenerationHarness, runUntil } from './generation-harness.ts';

// Kling bills per option (kie-api.md §10), so the charge must follow the chosen options.
const KLING = {
  id: 'kling-text-to-video',
  kieModel: 'kling-2.6/text-to-video',
  api: 'market',
  inputs: [
    {
      name: 'duration',
      label: { en: 'Duration', ru: 'Длительность' },
      type: 'enum',
      values: ['5', '10'],
      default: '5',
    },
    { name: 'sound', label: { en: 'Sound', ru: 'Звук' }, type: 'boolean', default: false },
  ],
  prices: [
    { when: { duration: '5', sound: false }, credits: 100, kieCredits: 55 },
    { when: { duration: '5', sound: true }, credits: 200, kieCredits: 110 },
    { when: { duration: '10', sound: false }, credits: 200, kieCredits: 110 },
    { when: { duration: '10', sound: true }, credits: 400, kieCredits: 220 },
  ],
} as const;

describe(`generation prices follow the options (${DATABASE_KIND})`, () => {
  let h: GenerationHarness;
  before(async () => {
    h = await createGenerationHarness();
  });
  after(() => h.close());

  const charges = async (userId: number) => {
    const r = await sql<{ operation: string; amount: number }>`
      select operation, amount from ledger_entries where user_id = ${userId} and operation <> 'topup'
      order by id`.execute(h.handle.db);
    return r.rows.map((e) => `${e.operation}:${e.amount}`);
  };

  it('refunds exactly what the options cost', async () => {
    h.fake.script(KLING.kieModel, {
      outcome: 'fail',
      stateDurationsMs: { waiting: 50, queuing: 50, generating: 50 },
    });
    const user = await h.user(1000);
    const service = h.service();
    const gen = await service.start({
      userId: user,
      chatId: user,
      model: KLING,
      input: { prompt: 'a fox', duration: '10', sound: true },
      idempotencyKey: `kling-${user}`,
    });
    await runUntil(service, [gen.id], ['failed']);
    assert.deepEqual(await charges(user), ['charge:-400', 'refund:400']);
    assert.equal(await h.billing.balance(user), 1000);
  });

  for (const [duration, sound, price] of [
    ['5', false, 100],
    ['5', true, 200],
    ['10', false, 200],
    ['10', true, 400],
  ] as const) {
    it(`charges ${price} for ${duration} s ${sound ? 'with' : 'without'} sound and keeps it on the row`, async () => {
      const user = await h.user(1000);
      const gen = await h.service().start({
        userId: user,
        chatId: user,
        model: KLING,
        input: { prompt: 'a fox', duration, sound },
        idempotencyKey: `kling-${user}`,
      });
      assert.equal(gen.price, price);
      assert.equal(await h.billing.balance(user), 1000 - price);
      assert.deepEqual(await charges(user), [`charge:-${price}`]);
    });
  }

  it('refuses options no price covers, charging nothing', async () => {
    const user = await h.user(1000);
    await assert.rejects(
      h.service().start({
        userId: user,
        chatId: user,
        model: KLING,
        input: { prompt: 'a fox', duration: '15' },
        idempotencyKey: `kling-${user}`,
      }),
      /^Error: kling-text-to-video: no price for duration=15$/,
    );
    assert.equal(await h.billing.balance(user), 1000);
  });
});

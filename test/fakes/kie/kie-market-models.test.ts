import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKieFake, type KieFake } from '../../../packages/fakes/src/kie/index.ts';
import { kieCall } from './kie-test-client.ts';

const CREATE = '/api/v1/jobs/createTask';

describe('createKieFake: Market models validated input by input (nano-banana-2/pro, Seedream 4.5, Kling 3.0)', () => {
  let fake: KieFake;
  before(async () => {
    fake = createKieFake({ timeScale: 0.01, rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  const create = (model: string, input: Record<string, unknown>) =>
    kieCall(fake, CREATE, { model, input: { prompt: 'a lighthouse at dusk', ...input } });

  /** The fake's price of a task it accepted. */
  const priceOf = async (model: string, input: Record<string, unknown>) => {
    const reply = await create(model, input);
    assert.equal(reply.body.code, 200, `${model} ${JSON.stringify(input)}: ${reply.body.msg}`);
    const { taskId } = reply.body.data as { taskId: string };
    return fake.tasks().find((t) => t.id === taskId)?.price;
  };

  it('accepts the documented options and charges KIE’s price of each combination (kie-api.md §10)', async () => {
    const prices = [
      await priceOf('nano-banana-2', { resolution: '1K', aspect_ratio: 'auto', output_format: 'jpg' }),
      await priceOf('nano-banana-2', { resolution: '2K' }),
      await priceOf('nano-banana-2', { resolution: '4K', aspect_ratio: '8:1' }),
      await priceOf('nano-banana-2', {}),
      await priceOf('nano-banana-pro', { resolution: '2K', image_input: [] }),
      await priceOf('nano-banana-pro', { resolution: '4K', output_format: 'png' }),
      await priceOf('seedream/4.5-text-to-image', { quality: 'high', aspect_ratio: '21:9' }),
      await priceOf('seedream/4.5-edit', { image_urls: ['https://cdn.example/a.png'] }),
      await priceOf('kling-3.0/video', { mode: 'std', sound: false, duration: '5' }),
      await priceOf('kling-3.0/video', { mode: 'pro', sound: true, duration: '10', aspect_ratio: '9:16' }),
    ];
    assert.deepEqual(prices, [8, 12, 18, 8, 18, 24, 6.5, 6.5, 70, 270]);
  });

  it('refuses values outside the documented enums, a missing photo and an over-long prompt with 422', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['nano-banana-2', { resolution: '8K' }, 'input.resolution must be one of 1K, 2K, 4K'],
      ['nano-banana-2', { output_format: 'jpeg' }, 'input.output_format must be one of jpg, png'],
      [
        'nano-banana-2',
        { image_input: 'https://x/a.png' },
        'input.image_input must be a list of at most 14 URLs',
      ],
      [
        'nano-banana-pro',
        { aspect_ratio: '1:4' },
        'input.aspect_ratio must be one of 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9, auto',
      ],
      ['seedream/4.5-text-to-image', { quality: 'ultra' }, 'input.quality must be one of basic, high'],
      ['seedream/4.5-edit', {}, 'input.image_urls is required'],
      ['seedream/4.5-edit', { image_urls: [] }, 'input.image_urls is required'],
      [
        'seedream/4.5-text-to-image',
        { prompt: 'x'.repeat(3001) },
        'input.prompt must be at most 3000 characters',
      ],
      [
        'kling-3.0/video',
        { duration: '20' },
        'input.duration must be one of 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15',
      ],
      ['kling-3.0/video', { mode: '1080p' }, 'input.mode must be one of std, pro, 4K'],
      ['kling-3.0/video', { sound: 'yes' }, 'input.sound must be a boolean'],
    ];
    const credits = fake.credits();
    const tasks = fake.tasks().length;
    for (const [model, input, msg] of cases) {
      const reply = await create(model, input);
      assert.deepEqual(
        [reply.body.code, reply.body.msg],
        [422, msg],
        `${model} ${JSON.stringify(input).slice(0, 60)}`,
      );
    }
    assert.equal(fake.tasks().length, tasks);
    assert.equal(fake.credits(), credits);
  });

  it('knows nano-banana-2 as a bare model id, and still takes models it has no spec of by prompt alone', async () => {
    assert.equal((await create('nano-banana-2', {})).body.code, 200);
    assert.equal(
      (await create('nano-banana-3', {})).body.msg,
      'The model name you specified is not supported',
    );
    assert.equal((await create('google/nano-banana', { anything: 1 })).body.code, 200);
  });
});

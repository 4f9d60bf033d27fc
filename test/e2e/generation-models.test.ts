import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { FakeUser } from '@tg-genbot/fakes/telegram';
import { freePort } from '../support/free-port.ts';
import { FAST, type GenerationE2e, openConfirmation, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

/** A tiny JPEG; the fakes only need bytes. */
const PHOTO = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);

interface Order {
  readonly kind: RegExp;
  readonly model: RegExp;
  readonly prompt: string;
  readonly photo?: boolean;
  /** Option buttons to change on the confirmation: `[current label, value to pick]`. */
  readonly options?: ReadonlyArray<readonly [string, string]>;
  readonly media: 'photo' | 'video' | 'audio';
  readonly price: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Telegram fake → bot → KIE fake: picks the model, changes the options, checks the confirmation's price,
 * confirms, waits for the result; returns the balance before, for the caller's charge check.
 */
async function order(h: GenerationE2e, user: FakeUser, o: Order) {
  const confirm = await openConfirmation(user, o.kind, o.model, o.prompt, o.photo ? PHOTO : undefined);
  for (const [label, value] of o.options ?? []) {
    const [name] = label.split(': ');
    await user.pressButton({ messageId: confirm.messageId, text: new RegExp(`^${escapeRegex(label)}$`) });
    await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && JSON.stringify(m.replyMarkup).includes(`"${value}`),
    );
    await user.pressButton({
      messageId: confirm.messageId,
      text: new RegExp(`^${escapeRegex(value)}( ·|$)`),
    });
    await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && JSON.stringify(m.replyMarkup).includes(`${name}: ${value}`),
    );
  }
  const before = await h.balance(user.id);
  // The confirmation as it stands now (waitForMessage only looks past what it already returned).
  const ready = user.messages().find((m) => m.messageId === confirm.messageId);
  assert.ok(
    JSON.stringify(ready?.replyMarkup).includes(`Confirm · ${o.price} cr`),
    'the button shows the price',
  );
  assert.match(
    ready?.text ?? '',
    new RegExp(`Price: ${o.price} credits · balance ${before} → ${before - o.price}`),
  );
  await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
  const result = await user.waitForMessage(
    (m) => m.media?.kind === o.media && (m.caption ?? '').includes(o.prompt),
    {
      timeoutMs: 15_000,
    },
  );
  await user.waitForMessage(
    (m) =>
      m.messageId === confirm.messageId && new RegExp(`done in .* · ${o.price} credits`).test(m.text ?? ''),
  );
  assert.equal(await h.balance(user.id), before - o.price, 'charged the catalog price of the chosen options');
  return result;
}

/** The fake's task whose prompt is `prompt`. */
function taskOf(h: GenerationE2e, prompt: string) {
  const task = h.kie.tasks().find((t) => t.input.prompt === prompt);
  assert.ok(task, prompt);
  return task;
}

describe(`new catalog models end to end (${DATABASE_KIND})`, () => {
  let h: GenerationE2e;
  let nextUser = 8601;
  const user = async (credits: number) => {
    const u = h.fake.user({ id: nextUser++, firstName: 'Models' });
    await h.fund(u.id, credits);
    return u;
  };
  before(async () => {
    h = await startGenerationE2e();
    for (const model of [
      'nano-banana-2',
      'nano-banana-pro',
      'seedream/4.5-text-to-image',
      'seedream/4.5-edit',
      'kling-3.0/video',
      'veo3_fast',
      'veo3',
      'V5',
      'V5_5',
    ]) {
      h.kie.script(model, { outcome: 'success', stateDurationsMs: FAST });
    }
  });
  after(() => h.dispose());

  it('Nano Banana 2 at 2K and Nano Banana Pro at 4K: priced by resolution, sent as KIE’s inputs', async () => {
    const u = await user(200);
    await order(h, u, {
      kind: /Images/,
      model: /^Nano Banana 2 ·/,
      prompt: 'a banana spaceship',
      options: [['Resolution: 1K', '2K']],
      media: 'photo',
      price: 24,
    });
    const nb2 = taskOf(h, 'a banana spaceship');
    assert.equal(nb2.model, 'nano-banana-2');
    assert.deepEqual(nb2.input, {
      prompt: 'a banana spaceship',
      resolution: '2K',
      aspect_ratio: 'auto',
      output_format: 'jpg',
    });
    assert.equal(nb2.price, 12, 'KIE charged its 2K price');
    await order(h, u, {
      kind: /Images/,
      model: /^Nano Banana Pro ·/,
      prompt: 'a comic poster',
      options: [['Resolution: 1K', '4K']],
      media: 'photo',
      price: 48,
    });
    assert.deepEqual(
      [taskOf(h, 'a comic poster').model, taskOf(h, 'a comic poster').input.resolution],
      ['nano-banana-pro', '4K'],
    );
  });

  it('Seedream 4.5 from text, and its edit model with the photo uploaded to KIE as image_urls', async () => {
    const u = await user(100);
    await order(h, u, {
      kind: /Images/,
      model: /^Seedream 4\.5 ·/,
      prompt: 'a cafe interior',
      media: 'photo',
      price: 14,
    });
    assert.equal(taskOf(h, 'a cafe interior').model, 'seedream/4.5-text-to-image');
    await order(h, u, {
      kind: /Images/,
      model: /^Seedream 4\.5 Edit ·/,
      prompt: 'make the dress glass',
      photo: true,
      media: 'photo',
      price: 14,
    });
    const edit = taskOf(h, 'make the dress glass');
    assert.equal(edit.model, 'seedream/4.5-edit');
    const urls = edit.input.image_urls as string[];
    assert.ok(urls.length === 1 && urls[0]?.startsWith(h.kie.baseUrl), String(urls));
  });

  it('Kling 3.0: pro with sound costs its per-second rate; the photo variant sends image_urls', async () => {
    const u = await user(600);
    await order(h, u, {
      kind: /Video/,
      model: /^Kling 3\.0: text to video/,
      prompt: 'a drone over a glacier',
      options: [
        ['Quality (std 720p, pro 1080p): std', 'pro'],
        ['Sound: off', 'on'],
      ],
      media: 'video',
      price: 270,
    });
    const text = taskOf(h, 'a drone over a glacier');
    assert.deepEqual(
      [text.model, text.input.mode, text.input.sound, text.input.duration, text.price],
      ['kling-3.0/video', 'pro', true, '5', 135],
    );
    await order(h, u, {
      kind: /Video/,
      model: /^Kling 3\.0: photo to video/,
      prompt: 'the cat waves',
      photo: true,
      media: 'video',
      price: 140,
    });
    assert.equal((taskOf(h, 'the cat waves').input.image_urls as string[]).length, 1);
  });

  it('Veo 3.1 Fast (1080p), Fast from a photo and Quality: Veo’s own endpoint and body, delivered as video', async () => {
    const u = await user(900);
    await order(h, u, {
      kind: /Video/,
      model: /^Veo 3\.1 Fast: text to video/,
      prompt: 'a dog playing in a park',
      options: [['Resolution: 720p', '1080p']],
      media: 'video',
      price: 130,
    });
    const fast = taskOf(h, 'a dog playing in a park');
    assert.equal(fast.api, 'veo');
    assert.deepEqual(fast.request, {
      prompt: 'a dog playing in a park',
      resolution: '1080p',
      aspectRatio: '16:9',
      duration: 8,
      generationType: 'TEXT_2_VIDEO',
      model: 'veo3_fast',
    });
    assert.equal(fast.price, 65, 'KIE charged its Fast 1080p price');
    await order(h, u, {
      kind: /Video/,
      model: /^Veo 3\.1 Fast: photo to video/,
      prompt: 'she smiles and waves',
      photo: true,
      media: 'video',
      price: 120,
    });
    const image = taskOf(h, 'she smiles and waves');
    assert.equal(image.request.generationType, 'FIRST_AND_LAST_FRAMES_2_VIDEO');
    const frames = image.request.imageUrls as string[];
    assert.ok(
      frames.length === 1 && frames[0]?.startsWith(h.kie.baseUrl),
      'the uploaded photo, not a Telegram URL',
    );
    assert.doesNotMatch(JSON.stringify(image.request), /bot\d+:/);
    await order(h, u, {
      kind: /Video/,
      model: /^Veo 3\.1 Quality/,
      prompt: 'a city of the future',
      media: 'video',
      price: 500,
    });
    assert.equal(taskOf(h, 'a city of the future').request.model, 'veo3');
    assert.ok(
      h.kie.requests().some((r) => r.path === '/api/v1/veo/record-info') &&
        !h.kie.tasks().some((t) => t.api === 'veo' && t.polls === 0),
      'polled at /api/v1/veo/record-info',
    );
  });

  it('Suno V5 and V5.5 through /api/v1/generate, delivered as audio', async () => {
    const u = await user(100);
    await order(h, u, {
      kind: /Music/,
      model: /^Suno V5: song/,
      prompt: 'a march for robots',
      media: 'audio',
      price: 25,
    });
    await order(h, u, {
      kind: /Music/,
      model: /^Suno V5\.5/,
      prompt: 'a lullaby for cats',
      media: 'audio',
      price: 25,
    });
    assert.deepEqual(
      [taskOf(h, 'a march for robots'), taskOf(h, 'a lullaby for cats')].map((t) => [t.api, t.model]),
      [
        ['suno', 'V5'],
        ['suno', 'V5_5'],
      ],
    );
  });

  it('a Veo task that fails upstream (successFlag 3) is refunded and the user told', async () => {
    h.kie.script('veo3_fast', {
      outcome: 'fail',
      upstreamFailure: true,
      failCode: '500',
      stateDurationsMs: FAST,
      times: 1,
    });
    const u = await user(200);
    const confirm = await openConfirmation(u, /Video/, /^Veo 3\.1 Fast: text to video/, 'a doomed clip');
    await u.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    const failed = await u.waitForMessage(
      (m) => m.messageId === confirm.messageId && /❌/.test(m.text ?? ''),
      {
        timeoutMs: 15_000,
      },
    );
    assert.match(failed.text ?? '', /120 credits were returned/);
    assert.equal(await h.balance(u.id), 200);
  });
});

describe(`Veo 3.1 callbacks with PUBLIC_URL (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('Veo’s callback wakes the poll: delivered long before the safety-net poll', async () => {
    const port = await freePort();
    h = await startGenerationE2e({
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, GENERATION_POLL_MS: '2000' },
    });
    const statuses: Array<number | undefined> = [];
    h.kie.on('callback', (e) => statuses.push(e.status));
    h.kie.script('veo3_fast', { outcome: 'success', stateDurationsMs: FAST });
    const u = h.fake.user({ id: 8701, firstName: 'VeoCb' });
    await h.fund(u.id, 200);
    const confirm = await openConfirmation(u, /Video/, /^Veo 3\.1 Fast: text to video/, 'call me back, Veo');
    await u.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    await u.waitForMessage((m) => m.media?.kind === 'video', { timeoutMs: 8000 });
    const [task] = h.kie.tasks();
    assert.match(task?.callBackUrl ?? '', /\/kie\/callback\?generation=[0-9a-f-]{36}$/);
    assert.ok(task && task.polls <= 2, `polls: ${task?.polls}`);
    assert.deepEqual(statuses, [200], 'the bot took Veo’s callback');
  });
});

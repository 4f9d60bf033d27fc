import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FAST, type GenerationE2e, openConfirmation, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';
import { waitUntil } from '../support/wait-until.ts';

/** A tiny valid JPEG would do; the fakes only need bytes. */
const PHOTO = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);

describe(`generations end to end (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('image: model picker with prices → prompt → options → confirm → status edits → photo delivered → history re-send', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8101, firstName: 'Img' });
    await h.fund(user.id, 100);

    await user.sendCommand('/generate');
    const kinds = await user.waitForMessage((m) => /What would you like to make/.test(m.text ?? ''));
    assert.deepEqual(
      (kinds.replyMarkup as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard
        .flat()
        .map((b) => b.text),
      ['🖼 Images', '🎬 Video', '🎵 Music', '⬅️ Back'],
    );
    await user.pressButton({ text: /Images/ });
    const models = await user.waitForMessage((m) => /Pick a model/.test(m.text ?? ''));
    const labels = (models.replyMarkup as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard
      .flat()
      .map((b) => b.text);
    assert.ok(labels.includes('Nano Banana · 8 cr'), labels.join(' | '));
    await user.pressButton({ text: /^Nano Banana ·/ });
    await user.waitForMessage((m) => /Send me a description/.test(m.text ?? ''));
    await user.sendText('a red fox in the snow');
    const confirm = await user.waitForMessage((m) => /Confirm/.test(JSON.stringify(m.replyMarkup ?? '')));
    assert.match(confirm.text ?? '', /a red fox in the snow/);
    assert.match(confirm.text ?? '', /Price: 8 credits · balance 100 → 92/);

    // Change an option: aspect ratio 1:1 → 16:9.
    await user.pressButton({ messageId: confirm.messageId, text: /^Aspect ratio: 1:1$/ });
    await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && /16:9/.test(JSON.stringify(m.replyMarkup)),
    );
    await user.pressButton({ messageId: confirm.messageId, text: /^16:9$/ });
    await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && /Aspect ratio: 16:9/.test(JSON.stringify(m.replyMarkup)),
    );

    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    assert.equal(photo.media?.sentAs, 'url', 'sent by URL first');
    assert.match(photo.caption ?? '', /Nano Banana\na red fox in the snow/);
    const status = await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && /done in/.test(m.text ?? ''),
    );
    assert.match(status.text ?? '', /✅ Nano Banana: done in \d+:\d\d · 8 credits/);
    assert.ok(status.editedCount >= 3, `status message edited as the task moved (${status.editedCount})`);
    assert.ok(user.chatActions().includes('upload_photo') || status.editedCount >= 3);

    const [task] = h.kie.tasks();
    assert.equal(task?.model, 'google/nano-banana');
    assert.deepEqual(task?.input, {
      prompt: 'a red fox in the snow',
      aspect_ratio: '16:9',
      output_format: 'png',
    });
    assert.equal(await h.balance(user.id), 92);

    await user.sendCommand('/history');
    const history = await user.waitForMessage((m) => /Your generations/.test(m.text ?? ''));
    assert.match(history.text ?? '', /1\. .* · Nano Banana · ✅ delivered · 8 cr/);
    await user.pressButton({ messageId: history.messageId, text: /Resend #1/ });
    const resent = await user.waitForMessage(
      (m) => m.media?.kind === 'photo' && m.media.sentAs === 'file_id',
    );
    assert.equal(resent.media?.fileId, photo.media?.fileId);
  });

  it('video and music: delivered as video and audio (Suno through its own endpoints)', async () => {
    h = await startGenerationE2e();
    h.kie.script('kling-2.6/text-to-video', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8102, firstName: 'Vid' });
    await h.fund(user.id, 200);
    await openConfirmation(user, /Video/, /^Kling 2.6: text to video/, 'a cat surfing');
    await user.pressButton({ text: /Confirm/ });
    const video = await user.waitForMessage((m) => m.media?.kind === 'video', { timeoutMs: 10_000 });
    assert.match(video.caption ?? '', /a cat surfing/);

    const music = await openConfirmation(user, /Music/, /Suno/, 'a calm piano piece about rain');
    await user.pressButton({ messageId: music.messageId, text: /Confirm/ });
    const audio = await user.waitForMessage((m) => m.media?.kind === 'audio', { timeoutMs: 15_000 });
    assert.ok(audio.media?.fileId);
    const suno = h.kie.tasks().find((t) => t.api === 'suno');
    assert.ok(suno, 'the Suno task went to /api/v1/generate');
    assert.match(music.text ?? '', /Price: 25 credits · balance 100 → 75/);
    assert.equal(await h.balance(user.id), 75);
  });

  it("an edit model uploads the user's photo to KIE and sends its URL, never a Telegram file URL", async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana-edit', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8103, firstName: 'Edit' });
    await h.fund(user.id, 50);
    await openConfirmation(user, /Images/, /Nano Banana Edit/, 'make it night', PHOTO);
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    const [task] = h.kie.tasks();
    const urls = task?.input.image_urls as string[];
    assert.equal(urls.length, 1);
    assert.ok(urls[0]?.startsWith(h.kie.baseUrl), urls[0]);
    assert.doesNotMatch(JSON.stringify(task?.request), /bot\d+:/, 'no bot token in what KIE received');
    assert.equal(h.kie.uploads().length, 1);
  });

  it('a failed task is refunded and the user is told why, with the error reference', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', {
      outcome: 'fail',
      failCode: '400',
      failMsg: 'content policy',
      stateDurationsMs: FAST,
    });
    const user = h.fake.user({ id: 8104, firstName: 'Fail' });
    await h.fund(user.id, 20);
    const confirm = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'something odd');
    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    const failed = await user.waitForMessage((m) => /❌/.test(m.text ?? ''), { timeoutMs: 10_000 });
    assert.equal(failed.messageId, confirm.messageId, 'the status message itself says what happened');
    assert.match(
      failed.text ?? '',
      /❌ Nano Banana: the model refused this request[\s\S]*Change the description/,
    );
    assert.match(failed.text ?? '', /8 credits were returned to your balance/);
    const ref = failed.text?.match(/ref ([0-9a-f]{8})/)?.[1];
    assert.ok(ref, 'an error reference');
    assert.equal(await h.balance(user.id), 20);
    const line = h.log.lines().find((l) => l.message === 'Generation failed');
    assert.equal(line?.error_ref, ref, 'the log line carries the same reference');
    assert.equal(line?.model_id, 'nano-banana');
    assert.ok(line?.task_id);
  });

  it('a failure notice Telegram could not take is sent once Telegram is back, exactly once', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'fail', failCode: '500', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8112, firstName: 'Outage' });
    await h.fund(user.id, 20);
    const confirm = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'during an outage');
    // Telegram flood-waits every edit and message to this chat for a minute while the task fails
    // (longer than auto-retry waits, so each call fails at once).
    const outage = {
      kind: '429',
      retryAfter: 60,
      chatId: user.id,
      method: /^(editMessageText|sendMessage)$/,
      times: 1000,
    } as const;
    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    h.fake.faults.inject(outage);
    const deadline = Date.now() + 15_000;
    while (!h.log.lines().some((l) => /will try again/.test(String(l.message)))) {
      assert.ok(Date.now() < deadline, 'the first try at the notice failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await h.balance(user.id), 20, 'refunded already, told or not');
    assert.equal(user.messages().filter((m) => /❌/.test(m.text ?? '')).length, 0);

    h.fake.faults.remove(outage);
    const told = await user.waitForMessage((m) => /❌/.test(m.text ?? ''), { timeoutMs: 15_000 });
    assert.match(told.text ?? '', /8 credits were returned/);
    assert.match(told.text ?? '', /ref [0-9a-f]{8}/);
    // Once the row owes no notice and no worker holds it, nothing is left that could tell again.
    await waitUntil('the notice recorded as told', async () => {
      const rows = await h!.database.db
        .selectFrom('generations')
        .select(['notice_pending', 'locked_by'])
        .where('user_id', '=', user.id)
        .execute();
      return rows.length === 1 && rows.every((r) => !r.notice_pending && r.locked_by === null);
    });
    assert.equal(user.messages().filter((m) => /❌/.test(m.text ?? '')).length, 1, 'told once');
    assert.equal(await h.balance(user.id), 20);
  });

  it('a task that never finishes times out and is refunded', async () => {
    h = await startGenerationE2e({ env: { GENERATION_TIMEOUT_MS: '800' } });
    h.kie.script('google/nano-banana', { outcome: 'hang', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8105, firstName: 'Slow' });
    await h.fund(user.id, 10);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'forever');
    await user.pressButton({ text: /Confirm/ });
    const failed = await user.waitForMessage((m) => /not ready in time/.test(m.text ?? ''), {
      timeoutMs: 10_000,
    });
    assert.match(failed.text ?? '', /8 credits were returned/);
    assert.equal(await h.balance(user.id), 10);
  });

  it('KIE 402 (our account is empty): every user refunded and told it is temporary, admins alerted once', async () => {
    const adminId = 8199;
    h = await startGenerationE2e({ env: { ADMIN_IDS: String(adminId) } });
    h.kie.failNext('createTask', 402, { times: 100, msg: 'Credits insufficient' });
    const admin = h.fake.user({ id: adminId, firstName: 'Admin' });
    const users = [8106, 8107, 8108].map((id) => h!.fake.user({ id, firstName: `U${id}` }));
    for (const u of users) await h.fund(u.id, 10);
    for (const u of users) {
      await openConfirmation(u, /Images/, /^Nano Banana ·/, `prompt of ${u.id}`);
      await u.pressButton({ text: /Confirm/ });
    }
    for (const u of users) {
      const m = await u.waitForMessage((x) => /out of credits on our side/.test(x.text ?? ''), {
        timeoutMs: 10_000,
      });
      assert.match(m.text ?? '', /8 credits were returned to your balance, which is now 10 credits/);
      assert.equal(await h.balance(u.id), 10);
    }
    await admin.waitForMessage((m) => /KIE account is out of credits/.test(m.text ?? ''));
    // No wait needed: a user is told only after the alert for their failure was raised (and, had it
    // alerted, sent), so with all three told every alert there will be is in the chat already.
    assert.equal(
      admin.messages().filter((m) => /out of credits/.test(m.text ?? '')).length,
      1,
      'one alert, not one per user',
    );
  });

  it('KIE 500 and 429 are retried and the user never notices', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    h.kie.failNext('createTask', 500, { times: 1 });
    h.kie.failNext('recordInfo', 429, { times: 2, httpStatus: 429 });
    const user = h.fake.user({ id: 8109, firstName: 'Retry' });
    await h.fund(user.id, 10);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'retry me');
    await user.pressButton({ text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 15_000 });
    assert.equal(user.messages().filter((m) => /❌|unavailable/.test(m.text ?? '')).length, 0);
    assert.equal(await h.balance(user.id), 2);
    assert.equal(h.kie.tasks().length, 1, 'one task despite the retried create');
  });

  it('the result URL Telegram cannot fetch is downloaded and uploaded instead', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    h.fake.faults.inject({ kind: 'url-fail', method: 'sendPhoto' });
    const user = h.fake.user({ id: 8110, firstName: 'Up' });
    await h.fund(user.id, 10);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'upload me');
    await user.pressButton({ text: /Confirm/ });
    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    assert.equal(photo.media?.sentAs, 'upload');
    assert.ok((photo.media?.upload?.size ?? 0) > 0, 'real bytes were uploaded');
    assert.equal(await h.balance(user.id), 2);
  });
});

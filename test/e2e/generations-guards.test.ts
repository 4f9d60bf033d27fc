import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FakeUser } from '@tg-genbot/fakes/telegram';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import {
  buttonsOf,
  FAST,
  type GenerationE2e,
  openConfirmation,
  startGenerationE2e,
} from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

describe(`generations: money and button guards (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  const billing = () => createBillingService(h!.database.db);

  /** A press on callback data the user's chat does not show (another user's, or an old one). */
  async function forgePress(user: FakeUser, data: string) {
    const update = await user.pressData(data);
    return user.waitForCallbackAnswer(update.callback_query?.id as string);
  }

  it('50 concurrent confirms from one user with credits for 10: exactly 10 charged', async () => {
    h = await startGenerationE2e({ env: { GENERATION_MAX_IN_FLIGHT: '100' } });
    h.kie.script('google/nano-banana', { outcome: 'hang', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8201, firstName: 'Many' });
    await h.fund(user.id, 80);
    const confirmations = [];
    for (let i = 0; i < 50; i++)
      confirmations.push(await openConfirmation(user, /Images/, /^Nano Banana ·/, `p${i}`));
    await Promise.all(
      confirmations.map((c) => user.pressButton({ messageId: c.messageId, text: /Confirm/ })),
    );
    // Every press is answered: a start, or the insufficient-balance alert.
    const deadline = Date.now() + 20_000;
    while (
      user.callbackAnswers().filter((a) => /Started|Not enough credits/.test(a.text ?? '')).length < 50
    ) {
      assert.ok(Date.now() < deadline, `answers: ${user.callbackAnswers().length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const answers = user.callbackAnswers();
    assert.equal(answers.filter((a) => a.text === 'Started!').length, 10);
    assert.equal(
      answers.filter((a) => /Not enough credits: you have 0, this needs 8/.test(a.text ?? '')).length,
      40,
    );
    assert.equal(await h.balance(user.id), 0);
    const charges = (await billing().history(user.id, { limit: 100 })).filter(
      (e) => e.operation === 'charge',
    );
    assert.equal(charges.length, 10);
  });

  it('DRY_RUN: the whole journey runs, KIE is not called and nothing is charged', async () => {
    h = await startGenerationE2e({ env: { DRY_RUN: 'true' } });
    const user = h.fake.user({ id: 8202, firstName: 'Dry' });
    await h.fund(user.id, 7);
    const confirm = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'just testing');
    assert.match(confirm.text ?? '', /Dry run: the generator is not called and nothing is charged/);
    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 15_000 });
    assert.match(photo.caption ?? '', /Dry run/);
    await user.waitForMessage((m) => m.messageId === confirm.messageId && /done in/.test(m.text ?? ''));
    assert.equal(h.kie.requests().length, 0, 'KIE never called');
    assert.equal(await h.balance(user.id), 7);
    assert.equal(
      (await billing().history(user.id, { limit: 10 })).filter((e) => e.operation === 'charge').length,
      0,
    );
    assert.ok(h.log.lines().some((l) => l.dry_run === true && /dry run/i.test(String(l.message))));
  });

  it("refuses another user's confirm button and an old confirmation politely, charging nothing", async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'hang', stateDurationsMs: FAST });
    const alice = h.fake.user({ id: 8203, firstName: 'Alice' });
    const mallory = h.fake.user({ id: 8204, firstName: 'Mallory' });
    await h.fund(alice.id, 10);
    await h.fund(mallory.id, 10);
    const confirm = await openConfirmation(alice, /Images/, /^Nano Banana ·/, 'alice prompt');
    const data = buttonsOf(confirm).find((b) => /Confirm/.test(b.text))?.callback_data as string;
    assert.match(data, /^gen:ok:/);

    await mallory.sendCommand('/start');
    await mallory.waitForMessage();
    const forged = await forgePress(mallory, data);
    assert.equal(forged.text, "This button belongs to someone else's message.");
    assert.equal(forged.showAlert, true);
    assert.equal(await h.balance(alice.id), 10);
    assert.equal(await h.balance(mallory.id), 10);

    await alice.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    await alice.waitForMessage(
      (m) => m.messageId === confirm.messageId && /queued|generating/.test(m.text ?? ''),
    );
    // The same confirmation again (a stale button: the message no longer shows it).
    const stale = await forgePress(alice, data);
    assert.equal(stale.text, 'This button is no longer active. Send /start for a fresh menu.');
    assert.equal(await h.balance(alice.id), 2, 'charged once');
    // Nonsense data of the flow's shape.
    const bogus = await forgePress(alice, 'gen:v:doesnotexist:0:99');
    assert.match(bogus.text ?? '', /no longer active/);
    // An option index the model does not have, on a live draft: refused, the keyboard kept.
    const second = await openConfirmation(alice, /Images/, /^Nano Banana ·/, 'second prompt');
    const secondData = buttonsOf(second).find((b) => /Confirm/.test(b.text))?.callback_data ?? '';
    const draftId = secondData.split(':')[2];
    const outOfRange = await forgePress(alice, `gen:o:${draftId}:99`);
    assert.match(outOfRange.text ?? '', /no longer active/);
    const after = alice.messages().find((m) => m.messageId === second.messageId);
    assert.ok(
      buttonsOf(after ?? second).some((b) => /Confirm/.test(b.text)),
      'the confirmation keeps its buttons',
    );
  });

  it('/cancel refunds what has not reached KIE yet and leaves running tasks alone', async () => {
    h = await startGenerationE2e({ env: { GENERATION_MAX_IN_FLIGHT: '5' } });
    h.kie.script('google/nano-banana', { outcome: 'hang', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8205, firstName: 'Cancel' });
    await h.fund(user.id, 30);
    const first = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'first');
    await user.pressButton({ messageId: first.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => m.messageId === first.messageId && /generating/.test(m.text ?? ''), {
      timeoutMs: 10_000,
    });
    // KIE stops accepting creates for a while: the next one stays pending.
    h.kie.failNext('createTask', 500, { times: 1000 });
    const second = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'second');
    await user.pressButton({ messageId: second.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => m.messageId === second.messageId && /queued/.test(m.text ?? ''));
    assert.equal(await h.balance(user.id), 14);
    await user.sendCommand('/cancel');
    const summary = await user.waitForMessage((m) => /Cancelled 1 generation/.test(m.text ?? ''), {
      timeoutMs: 10_000,
    });
    assert.match(summary.text ?? '', /8 credits are back/);
    assert.equal(await h.balance(user.id), 22);
    const status = user.messages().find((m) => m.messageId === second.messageId);
    assert.match(status?.text ?? '', /🚫 Nano Banana: cancelled\.\n↩️ 8 credits were returned/);
    assert.equal(h.kie.tasks().length, 1, 'the running task was not touched');
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ChatMessage, FakeUser } from '@tg-genbot/fakes/telegram';
import {
  buttonsOf,
  FAST,
  type GenerationE2e,
  openConfirmation,
  startGenerationE2e,
} from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

/** Nano Banana's price (catalog/catalog.json). */
const PRICE = 8;

/** Polls `check` until it holds, failing with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`the journey's flow: Continue after a top-up, Again, Cancel, notices (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  /** Short confirmation → Top up → first pack → pay; returns the receipt (with Continue). */
  async function topUpFrom(user: FakeUser, confirmation: ChatMessage): Promise<ChatMessage> {
    await user.pressButton({ messageId: confirmation.messageId, text: /Top up/ });
    const packs = await user.waitForMessage((m) => buttonsOf(m).some((b) => / · \d+ ⭐$/.test(b.text)));
    assert.match(buttonsOf(packs)[0]?.text ?? '', /^100 credits · 50 ⭐$/, 'each thing said once');
    await user.pressButton({ messageId: packs.messageId, text: / · \d+ ⭐$/ });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.equal((await user.pay(invoice.messageId)).approved, true);
    return user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
  }

  it('a double press on Continue shows the confirmation once, and Confirm charges once', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 7101, firstName: 'Cont' });
    await h.fund(7101, 3);
    const short = await openConfirmation(user, /Images/, /^Nano Banana ·/, 'a lighthouse at dusk');
    assert.match(short.text ?? '', /but your balance is 3/);
    const receipt = await topUpFrom(user, short);
    assert.ok(buttonsOf(receipt).some((b) => /Continue/.test(b.text)));

    const first = await user.pressButton({ messageId: receipt.messageId, text: /Continue/ });
    const second = await user.pressData(first.callback_query?.data as string, receipt.messageId);
    await user.waitForCallbackAnswer(first.callback_query?.id as string);
    const again = await user.waitForCallbackAnswer(second.callback_query?.id as string);
    assert.equal(again.showAlert ?? false, false, 'the second press is answered quietly');
    const confirmation = user.messages().find((m) => m.messageId === receipt.messageId);
    assert.match(confirmation?.text ?? '', /a lighthouse at dusk/);
    assert.match(confirmation?.text ?? '', /balance 103 → 95/);
    const withConfirm = user.messages().filter((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text)));
    assert.deepEqual(
      withConfirm.map((m) => m.messageId),
      [receipt.messageId],
      'one live confirmation: the old one lost its buttons',
    );

    await user.pressButton({ messageId: receipt.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    assert.equal(await h.balance(7101), 103 - PRICE);
    // A Continue pressed after the confirmation was used: said politely, nothing charged.
    const late = await user.pressData(first.callback_query?.data as string, receipt.messageId);
    const lateAnswer = await user.waitForCallbackAnswer(late.callback_query?.id as string);
    assert.match(lateAnswer.text ?? '', /no longer open/);
    assert.equal(await h.balance(7101), 103 - PRICE);
  });

  it('Again under a result opens the same confirmation; another user’s Again is refused', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 7201, firstName: 'Again' });
    await h.fund(7201, 20);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'three red apples');
    await user.pressButton({ text: /Confirm/ });
    const done = await user.waitForMessage(
      (m) => buttonsOf(m).some((b) => b.callback_data?.startsWith('gen:again:')),
      {
        timeoutMs: 10_000,
      },
    );
    const againData = buttonsOf(done).find((b) => b.callback_data?.startsWith('gen:again:'))
      ?.callback_data as string;

    const stranger = h.fake.user({ id: 7202, firstName: 'Other' });
    await stranger.sendCommand('/start');
    await stranger.waitForMessage();
    const forged = await stranger.pressData(againData);
    const refusal = await stranger.waitForCallbackAnswer(forged.callback_query?.id as string);
    assert.equal(refusal.showAlert, true);
    assert.match(refusal.text ?? '', /someone else/);
    assert.ok(!stranger.messages().some((m) => /three red apples/.test(m.text ?? '')));

    await user.pressButton({ messageId: done.messageId, data: againData });
    const confirmation = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text)));
    assert.notEqual(confirmation.messageId, done.messageId, 'the result stays; the confirmation is new');
    assert.match(confirmation.text ?? '', /three red apples/);
    assert.match(confirmation.text ?? '', /balance 12 → 4/);
    assert.equal(await h.balance(7201), 20 - PRICE, 'nothing charged before Confirm');

    // New under the result: the menu arrives as a new message, the result's status stays.
    await user.pressButton({ messageId: done.messageId, text: /New/ });
    await user.waitForMessage((m) => /What would you like to make/.test(m.text ?? ''));
    assert.match(user.messages().find((m) => m.messageId === done.messageId)?.text ?? '', /done in/);
  });

  it('Cancel on a generation still waiting for KIE refunds it; a press on another user’s is refused', async () => {
    // KIE in maintenance: every create is refused, so the generation waits as pending between tries.
    h = await startGenerationE2e({ env: { GENERATION_POLL_MS: '20000' } });
    h.kie.failNext('createTask', 455, { times: 1000 });
    const user = h.fake.user({ id: 7301, firstName: 'Stop' });
    await h.fund(7301, 10);
    await openConfirmation(user, /Images/, /^Nano Banana ·/, 'never mind');
    await user.pressButton({ text: /Confirm/ });
    const db = h.database.db;
    const row = async () =>
      db.selectFrom('generations').selectAll().where('user_id', '=', 7301).executeTakeFirst();
    // Stands for a busy worker: once a refused create has put the row back, its next try is an hour
    // away (the real retry backoff is shorter than a test). Only an unleased pending row is moved.
    await until('the generation waits, unleased, after a refused create', async () => {
      if (h!.kie.requests().length === 0) return false;
      const moved = await db
        .updateTable('generations')
        .set({ next_run_at: new Date(Date.now() + 3_600_000) })
        .where('user_id', '=', 7301)
        .where('status', '=', 'pending')
        .where('locked_by', 'is', null)
        .executeTakeFirst();
      return Number(moved.numUpdatedRows) > 0;
    });
    const id = (await row())?.id as string;
    assert.equal((await row())?.status, 'pending');
    assert.equal(await h.balance(7301), 10 - PRICE);

    const stranger = h.fake.user({ id: 7302, firstName: 'Other' });
    await stranger.sendCommand('/start');
    await stranger.waitForMessage();
    const forged = await stranger.pressData(`gen:stop:${id}`);
    assert.equal((await stranger.waitForCallbackAnswer(forged.callback_query?.id as string)).showAlert, true);
    assert.equal((await row())?.status, 'pending');

    const press = await user.pressData(`gen:stop:${id}`);
    const answer = await user.waitForCallbackAnswer(press.callback_query?.id as string);
    assert.match(answer.text ?? '', /Cancelled\. 8 credits are back/);
    assert.equal((await row())?.status, 'cancelled');
    assert.equal(await h.balance(7301), 10);
    // A second press: nothing more is refunded.
    const twice = await user.pressData(`gen:stop:${id}`);
    assert.equal((await user.waitForCallbackAnswer(twice.callback_query?.id as string)).showAlert, true);
    assert.equal(await h.balance(7301), 10);
  });

  it('an admin adjustment tells the user, in their language, with the reason and new balance', async () => {
    h = await startGenerationE2e({ env: { ADMIN_IDS: '7401' } });
    const admin = h.fake.user({ id: 7401, firstName: 'Admin' });
    const user = h.fake.user({ id: 7402, firstName: 'Маша', languageCode: 'ru' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    await admin.sendCommand('/admin', 'adjust 7402 +21 failed video');
    await admin.waitForMessage((m) => /changed by/.test(m.text ?? ''));
    const notice = await user.waitForMessage((m) => /Поддержка/.test(m.text ?? ''));
    assert.equal(
      notice.text,
      '🎁 Поддержка начислила вам 21 кредит.\nПричина: failed video\nВаш баланс: 21.',
    );
    await admin.sendCommand('/admin', 'adjust 7402 -2 duplicate');
    const taken = await user.waitForMessage((m) => /списала/.test(m.text ?? ''));
    assert.match(
      taken.text ?? '',
      /списала с вашего баланса 2 кредита\.\nПричина: duplicate\nВаш баланс: 19\./,
    );
  });

  it('choosing a language shows the main menu in it, in one tap', async () => {
    h = await startGenerationE2e();
    const user = h.fake.user({ id: 7501, firstName: 'Lang' });
    await user.sendCommand('/language');
    const prompt = await user.waitForMessage();
    await user.pressButton({ messageId: prompt.messageId, text: /Русский/ });
    const menu = await user.waitForMessage(
      (m) => m.messageId === prompt.messageId && /Язык переключён/.test(m.text ?? ''),
    );
    assert.match(menu.text ?? '', /Привет, Lang!/);
    assert.ok(
      buttonsOf(menu).some((b) => b.callback_data === 'menu:generate' && /Создать|Генер/.test(b.text)),
    );
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  buttonsOf,
  FAST,
  type GenerationE2e,
  openConfirmation,
  startGenerationE2e,
} from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

describe(`prices per option end to end (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('Kling: "from" in the model list, price changes on the option buttons, the confirmation and the charge', async () => {
    h = await startGenerationE2e();
    h.kie.script('kling-2.6/text-to-video', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8601, firstName: 'Vid' });
    await h.fund(user.id, 1000);

    await user.sendCommand('/generate');
    await user.waitForMessage((m) => /What would you like to make/.test(m.text ?? ''));
    await user.pressButton({ text: /Video/ });
    const models = await user.waitForMessage((m) => /Pick a model/.test(m.text ?? ''));
    const labels = buttonsOf(models).map((b) => b.text);
    assert.ok(labels.includes('Kling 2.6: text to video · from 100 cr'), labels.join(' | '));

    const confirm = await openConfirmation(user, /Video/, /^Kling 2\.6: text to video/, 'a fox running');
    assert.match(confirm.text ?? '', /Price: 100 credits · balance 1,000 → 900/);
    assert.ok(buttonsOf(confirm).some((b) => b.text === '✅ Confirm · 100 cr'));

    // Duration: the values say what they change in the price of the current choice.
    await user.pressButton({ messageId: confirm.messageId, text: /^Duration, s: 5$/ });
    const durations = await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && buttonsOf(m).some((b) => /^10/.test(b.text)),
    );
    assert.deepEqual(
      buttonsOf(durations)
        .map((b) => b.text)
        .filter((t) => /^(• )?(5|10)/.test(t)),
      ['• 5', '10 · +100'],
    );
    await user.pressButton({ messageId: confirm.messageId, text: /^10 · \+100$/ });
    await user.waitForMessage(
      (m) =>
        m.messageId === confirm.messageId && /Price: 200 credits · balance 1,000 → 800/.test(m.text ?? ''),
    );

    // Sound on top of 10 s: +200 (KIE bills 10 s with sound at twice 10 s without).
    await user.pressButton({ messageId: confirm.messageId, text: /^Sound: off$/ });
    const sound = await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && buttonsOf(m).some((b) => /^on/.test(b.text)),
    );
    assert.ok(
      buttonsOf(sound).some((b) => b.text === 'on · +200'),
      buttonsOf(sound)
        .map((b) => b.text)
        .join(' | '),
    );
    await user.pressButton({ messageId: confirm.messageId, text: /^on · \+200$/ });
    const final = await user.waitForMessage(
      (m) =>
        m.messageId === confirm.messageId && /Price: 400 credits · balance 1,000 → 600/.test(m.text ?? ''),
    );
    assert.ok(buttonsOf(final).some((b) => b.text === '✅ Confirm · 400 cr'));

    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'video', { timeoutMs: 10_000 });
    const status = await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && /done in/.test(m.text ?? ''),
    );
    assert.match(status.text ?? '', /· 400 credits/);
    assert.equal(await h.balance(user.id), 600);
    const [task] = h.kie.tasks();
    assert.equal(task?.input.duration, '10');
    assert.equal(task?.input.sound, true);

    await user.sendCommand('/history');
    const history = await user.waitForMessage((m) => /Your generations/.test(m.text ?? ''));
    assert.match(history.text ?? '', /Kling 2\.6: text to video · ✅ delivered · 400 cr/);
  });

  it('Russian: the option buttons and the confirmation show the price in Russian', async () => {
    h = await startGenerationE2e();
    const user = h.fake.user({ id: 8602, firstName: 'Вид', languageCode: 'ru' });
    await h.fund(user.id, 150);
    await user.sendCommand('/generate');
    await user.waitForMessage((m) => /Что будем создавать/.test(m.text ?? ''));
    await user.pressButton({ text: /Видео/ });
    const models = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Kling/.test(b.text)));
    assert.ok(
      buttonsOf(models).some((b) => b.text === 'Kling 2.6: видео по тексту · от 100 кр.'),
      buttonsOf(models)
        .map((b) => b.text)
        .join(' | '),
    );
    await user.pressButton({ text: /^Kling 2\.6: видео по тексту/ });
    await user.waitForMessage((m) => /от 100 кредитов/.test(m.text ?? ''));
    await user.sendText('лиса бежит по снегу');
    const confirm = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Подтвердить/.test(b.text)));
    assert.match(confirm.text ?? '', /Цена: 100 кредитов · баланс 150 → 50/);
    await user.pressButton({ messageId: confirm.messageId, text: /^Длительность, с: 5$/ });
    await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && buttonsOf(m).some((b) => /^10/.test(b.text)),
    );
    await user.pressButton({ messageId: confirm.messageId, text: /^10 · \+100$/ });
    const short = await user.waitForMessage(
      (m) => m.messageId === confirm.messageId && /Цена: 200 кредитов, а на балансе 150/.test(m.text ?? ''),
    );
    assert.ok(buttonsOf(short).some((b) => b.text === '✅ Подтвердить · 200 кр.'));
  });
});

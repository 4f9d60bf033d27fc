import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FakeUser } from '@tg-genbot/fakes/telegram';
import { buttonsOf, FAST, type GenerationE2e, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

/** Generate → Картинки → Nano Banana → prompt → Подтвердить, all in Russian menus. */
async function confirmInRussian(user: FakeUser, prompt: string) {
  await user.sendCommand('/generate');
  await user.waitForMessage((m) => /Что будем создавать/.test(m.text ?? ''));
  await user.pressButton({ text: /Картинки/ });
  await user.waitForMessage((m) => /Выберите модель/.test(m.text ?? ''));
  await user.pressButton({ text: /^Nano Banana ·/ });
  await user.waitForMessage((m) => /Пришлите описание/.test(m.text ?? ''));
  await user.sendText(prompt);
  const confirm = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Подтвердить/.test(b.text)));
  await user.pressButton({ messageId: confirm.messageId, text: /Подтвердить/ });
  return confirm;
}

describe(`a Russian user who never used /language gets the worker's messages in Russian (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('status and delivery in Russian, with Again/New/Menu under the result', async () => {
    h = await startGenerationE2e();
    const user = h.fake.user({ id: 8801, firstName: 'Оля', languageCode: 'ru' });
    await h.fund(user.id, 100);

    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST, times: 1 });
    const first = await confirmInRussian(user, 'рыжая лиса в снегу');
    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    assert.match(photo.caption ?? '', /рыжая лиса в снегу/);
    const status = await user.waitForMessage(
      (m) => m.messageId === first.messageId && /✅/.test(m.text ?? ''),
      { timeoutMs: 10_000 },
    );
    assert.match(status.text ?? '', /✅ Nano Banana: готово за \d+:\d\d · 8 кредитов/);
    assert.deepEqual(
      buttonsOf(status).map((b) => b.text),
      ['🔁 Ещё раз', '✨ Новая', '🏠 Меню'],
    );
  });

  it('a failure in plain Russian with the refund, the new balance in correct plurals and a tap-to-copy ref', async () => {
    h = await startGenerationE2e();
    const user = h.fake.user({ id: 8802, firstName: 'Оля', languageCode: 'ru' });
    await h.fund(user.id, 100);
    h.kie.script('google/nano-banana', { outcome: 'fail', failCode: '500', stateDurationsMs: FAST });
    const second = await confirmInRussian(user, 'синий кит');
    const failed = await user.waitForMessage(
      (m) => m.messageId === second.messageId && /❌/.test(m.text ?? ''),
      { timeoutMs: 10_000 },
    );
    assert.match(failed.text ?? '', /сервис генерации дал сбой на своей стороне/);
    assert.match(failed.text ?? '', /вернулось 8 кредитов, теперь на нём 100 кредитов\./);
    const ref = failed.entities?.find((e) => e.type === 'code');
    assert.match(
      failed.text?.slice(ref?.offset, (ref?.offset ?? 0) + (ref?.length ?? 0)) ?? '',
      /^[0-9a-f]{8}$/,
    );
    assert.deepEqual(
      buttonsOf(failed).map((b) => b.text),
      ['🔁 Ещё раз', '✨ Новая', '🏠 Меню'],
    );
    // No English sentence anywhere in what the bot said.
    for (const m of user.messages()) {
      assert.doesNotMatch(
        `${m.text ?? ''} ${m.caption ?? ''}`,
        /\b(?:credits?|done|failed|returned|balance)\b/i,
      );
    }
    assert.equal(await h.balance(user.id), 100);
  });
});

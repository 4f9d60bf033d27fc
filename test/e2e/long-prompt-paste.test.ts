import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ChatMessage, FakeUser } from '@tg-genbot/fakes/telegram';
import { buttonsOf, FAST, type GenerationE2e, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';
import { waitForUpdatesDone } from '../support/wait-for-updates-done.ts';

/** A prompt of `chars` characters in sentences, so a client cuts it at a space. */
function prompt(chars: number): string {
  let text = '';
  for (let n = 1; text.length < chars; n++)
    text += `A fox in a field of poppies, scene ${n}, golden hour light. `;
  return text.slice(0, chars).trimEnd();
}

describe(`a prompt pasted in several messages (Telegram clients cut a text over 4096) (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  const start = () =>
    startGenerationE2e({
      // Protocols on: the rest of a long prompt must not become a protocol quote of its own.
      env: { LLM_API_KEY: 'sk-or-v1-prompt-paste-0000', LLM_BASE_URL: 'http://127.0.0.1:9/api/v1' },
    });

  async function askPrompt(user: FakeUser): Promise<void> {
    await user.sendCommand('/generate');
    await user.waitForMessage((m) => /What would you like to make/.test(m.text ?? ''));
    await user.pressButton({ text: /Images/ });
    await user.waitForMessage((m) => /Pick a model/.test(m.text ?? ''));
    await user.pressButton({ text: /^Nano Banana ·/ });
    await user.waitForMessage((m) => /Send me/.test(m.text ?? ''));
  }
  const confirmations = (user: FakeUser): ChatMessage[] =>
    user.messages().filter((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text)));
  const quotes = (user: FakeUser) => user.messages().filter((m) => /protocol/i.test(m.text ?? ''));

  it('4,600 characters in two messages: one confirmation of the whole prompt, and KIE gets all of it', async () => {
    h = await start();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8193, firstName: 'Paster' });
    await h.fund(user.id, 100);
    await askPrompt(user);
    const text = prompt(4600);
    const updates = await user.sendLongText(text);
    assert.equal(updates.length, 2, 'a client sends it as two messages');

    // The confirmation first has the first part; the second part joins the draft's prompt.
    const draftPrompt = async () =>
      (
        await h!.database.db
          .selectFrom('generation_drafts')
          .select('prompt')
          .where('user_id', '=', user.id)
          .executeTakeFirst()
      )?.prompt ?? '';
    const deadline = Date.now() + 10_000;
    while ((await draftPrompt()).length < text.length - 2) {
      assert.ok(Date.now() < deadline, `draft prompt ${(await draftPrompt()).length} of ${text.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Both parts handled to the end: a second confirmation or a quote would have been sent by now.
    await waitForUpdatesDone(
      h.database.db,
      updates.map((u) => u.update_id),
    );
    assert.equal(confirmations(user).length, 1, 'one confirmation');
    assert.deepEqual(quotes(user), [], 'no protocol quote for the second part');
    const [confirm] = confirmations(user);
    await user.pressButton({ messageId: confirm!.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 15_000 });
    const sent = String(h.kie.tasks()[0]?.input.prompt);
    assert.equal(sent.replace(/\s+/g, ' '), text.replace(/\s+/g, ' '), 'KIE gets the whole prompt');
    assert.equal(await h.balance(user.id), 100 - 8, 'charged once');
  });

  it('a prompt longer than the model takes, in parts: says so once, charges nothing, waits for a shorter one', async () => {
    h = await start();
    const user = h.fake.user({ id: 8194, firstName: 'Longer' });
    await h.fund(user.id, 100);
    await askPrompt(user);
    const updates = await user.sendLongText(prompt(6500));
    const tooLong = await user.waitForMessage((m) => /too long/.test(m.text ?? ''));
    assert.match(tooLong.text ?? '', /up to 5,000/);
    assert.doesNotMatch(tooLong.text ?? '', /ref|<code>/i, 'an input mistake has no error reference');
    // Every part handled to the end: a quote or a new confirmation would have been sent by now.
    await waitForUpdatesDone(
      h.database.db,
      updates.map((u) => u.update_id),
    );
    assert.deepEqual(quotes(user), [], 'no protocol quote');
    assert.equal(
      confirmations(user).filter((m) => buttonsOf(m).length > 0).length,
      0,
      'no confirmation left to press',
    );
    // The draft still waits for its prompt.
    await user.sendText('a short fox');
    const confirm = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text)));
    assert.match(confirm.text ?? '', /a short fox/);
    assert.equal(await h.balance(user.id), 100);
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { FAST, type GenerationE2e, openConfirmation, startGenerationE2e } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

// A prompt with an emoji right where the confirmation (500) and the caption (300) cut it. A cut by
// UTF-16 units leaves half an emoji, which Telegram (and now its fake) refuses: the prompt could never
// be confirmed, and the result would go through a needless re-upload.
const FAMILY = '👨‍👩‍👧‍👦'; // 11 units, from 499: across the confirmation's limit
const PROMPT = `${'a'.repeat(299)}😀${'b'.repeat(198)}${FAMILY} and the rest of a long prompt`;

describe(`a long prompt cut at an emoji (${DATABASE_KIND})`, () => {
  let h: GenerationE2e | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it('is confirmed and delivered by URL, each excerpt cut between characters', async () => {
    h = await startGenerationE2e();
    h.kie.script('google/nano-banana', { outcome: 'success', stateDurationsMs: FAST });
    const user = h.fake.user({ id: 8191, firstName: 'Emo' });
    await h.fund(user.id, 100);

    const confirm = await openConfirmation(user, /Images/, /^Nano Banana ·/, PROMPT);
    const shown = `${'a'.repeat(299)}😀${'b'.repeat(198)}…`;
    assert.ok(confirm.text?.includes(`📝 ${shown}\n`), confirm.text);

    await user.pressButton({ messageId: confirm.messageId, text: /Confirm/ });
    const photo = await user.waitForMessage((m) => m.media?.kind === 'photo', { timeoutMs: 10_000 });
    assert.equal(photo.caption, `Nano Banana\n${'a'.repeat(299)}…`);
    assert.equal(photo.media?.sentAs, 'url', 'Telegram took the URL: no download and upload');
    assert.deepEqual(
      h.fake
        .calls(TEST_TOKEN)
        .filter((c) => c.response.ok === false && c.method !== 'getUpdates')
        .map((c) => `${c.method}: ${c.response.description}`),
      [],
      'Telegram refused nothing',
    );
    assert.deepEqual(h.kie.tasks()[0]?.input.prompt, PROMPT, 'KIE gets the whole prompt');
  });
});

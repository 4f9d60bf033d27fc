import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '@tg-genbot/fakes/llm';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import { segmentText } from '../../src/services/protocols/index.ts';
import { type BotHarness, startBotHarness } from '../support/bot-harness.ts';
import { buttonsOf } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const LLM_KEY = 'sk-or-v1-e2e-topup-9f8e7d6c5b';
const SEGMENT_CHARS = 2000;

describe(`a protocol quote short of credits: Top up → pay → Continue → Confirm (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  let llm: LlmFake | undefined;
  afterEach(async () => {
    await h?.dispose();
    await llm?.stop();
    h = undefined;
    llm = undefined;
  });

  it('returns to the same quote with the new balance; a double Continue shows it once; one charge', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 10 });
    await llm.start();
    h = await startBotHarness({
      env: {
        LLM_API_KEY: LLM_KEY,
        LLM_BASE_URL: llm.baseUrl,
        PROTOCOL_SEGMENT_CHARS: String(SEGMENT_CHARS),
        PROTOCOL_MIN_CHARS: '1000',
      },
    });
    const billing = createBillingService(h.database.db);
    const user = h.fake.user({ id: 9301, firstName: 'Short' });
    await user.sendCommand('/start');
    await user.waitForMessage();
    let text = '';
    for (let n = 1; text.length < 3000; n++)
      text += `Topic ${n} was discussed. Decision: go with plan ${n}. `;
    text = text.trimEnd();
    const price = 2 + segmentText(text, SEGMENT_CHARS).length;

    await user.sendText(text);
    const quote = await user.waitForMessage((m) => buttonsOf(m).some((b) => /Top up/.test(b.text)));
    await user.pressButton({ messageId: quote.messageId, text: /Top up/ });
    const packs = await user.waitForMessage((m) => buttonsOf(m).some((b) => / · \d+ ⭐$/.test(b.text)));
    await user.pressButton({ messageId: packs.messageId, text: / · \d+ ⭐$/ });
    const invoice = await user.waitForMessage((m) => m.invoice !== undefined);
    assert.equal((await user.pay(invoice.messageId)).approved, true);
    const receipt = await user.waitForMessage((m) => /credits added/.test(m.text ?? ''));
    const credited = await billing.balance(user.id);
    assert.ok(credited >= price, `funded ${credited}`);

    const first = await user.pressButton({ messageId: receipt.messageId, text: /Continue/ });
    const second = await user.pressData(first.callback_query?.data as string, receipt.messageId);
    await user.waitForCallbackAnswer(first.callback_query?.id as string);
    const quiet = await user.waitForCallbackAnswer(second.callback_query?.id as string);
    assert.equal(quiet.showAlert ?? false, false, 'the second press is answered quietly');
    const shown = user.messages().find((m) => m.messageId === receipt.messageId);
    assert.match(shown?.text ?? '', /Protocol/);
    assert.ok((shown?.text ?? '').includes(String(credited)), `the new balance ${credited}: ${shown?.text}`);
    assert.ok(
      buttonsOf(shown!).some((b) => /Confirm/.test(b.text)),
      shown?.text,
    );
    assert.equal(
      user.messages().filter((m) => buttonsOf(m).some((b) => /Confirm/.test(b.text))).length,
      1,
      'one quote to confirm: the old one lost its buttons',
    );

    await user.pressButton({ messageId: receipt.messageId, text: /Confirm/ });
    await user.waitForMessage((m) => /Decision/.test(m.text ?? '') && m.messageId !== receipt.messageId, {
      timeoutMs: 20_000,
    });
    assert.equal(await billing.balance(user.id), credited - price, 'charged the quoted price once');
    // Continue after the confirm: the quote is no longer open, nothing moves.
    const late = await user.pressData(first.callback_query?.data as string, receipt.messageId);
    const answer = await user.waitForCallbackAnswer(late.callback_query?.id as string);
    assert.equal(answer.showAlert, true);
    assert.equal(await billing.balance(user.id), credited - price);
  });
});

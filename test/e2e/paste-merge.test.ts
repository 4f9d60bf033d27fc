import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '@tg-genbot/fakes/llm';
import type { ChatMessage, FakeUser } from '@tg-genbot/fakes/telegram';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import { segmentText } from '../../src/services/protocols/index.ts';
import { type BotHarness, startBotHarness } from '../support/bot-harness.ts';
import { buttonsOf } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const LLM_KEY = 'sk-or-v1-e2e-paste-1a2b3c4d5e';
const SEGMENT_CHARS = 2000;

/** Meeting minutes of about `chars` characters: sentences and paragraphs, as people paste them. */
function minutes(chars: number, seed = 'plan'): string {
  const lines: string[] = [];
  for (let n = 1; lines.join('\n').length < chars; n++) {
    lines.push(
      `Topic ${n} about the ${seed} was discussed. Decision: adopt option ${n}. Action item: Ann prepares the budget for topic ${n}. Who signs off on topic ${n}?`,
    );
  }
  return lines.join('\n').slice(0, chars).trimEnd();
}

/** What the bot must quote for `text`: 2 credits + 1 per segment. */
const priceOf = (text: string) => 2 + segmentText(text.trim(), SEGMENT_CHARS).length;

describe(`a long paste that Telegram split into parts (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  let llm: LlmFake | undefined;
  afterEach(async () => {
    await h?.dispose();
    await llm?.stop();
    h = undefined;
    llm = undefined;
  });

  async function start(env: Record<string, string> = {}): Promise<BotHarness> {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 10 });
    await llm.start();
    h = await startBotHarness({
      env: {
        LLM_API_KEY: LLM_KEY,
        LLM_BASE_URL: llm.baseUrl,
        PROTOCOL_SEGMENT_CHARS: String(SEGMENT_CHARS),
        PROTOCOL_MIN_CHARS: '1000',
        ...env,
      },
    });
    return h;
  }
  async function fund(user: FakeUser, credits: number) {
    await user.sendCommand('/start');
    await user.waitForMessage();
    await createBillingService(h!.database.db).topUp(user.id, credits, { idempotencyKey: `fund-${user.id}` });
  }
  const balance = (id: number) => createBillingService(h!.database.db).balance(id);
  const charges = (id: number) =>
    h!.database.db
      .selectFrom('ledger_entries')
      .select(['amount', 'reference'])
      .where('user_id', '=', id)
      .where('amount', '<', 0)
      .execute();
  /** Bot messages after `before`, the quote's edits counted apart. */
  const sentSince = (user: FakeUser, before: number) => user.messages().slice(before);

  it('10,000 characters → three messages → one quote, edited in place → one charge for the whole text', async () => {
    await start();
    const user = h!.fake.user({ id: 9101, firstName: 'Paste' });
    await fund(user, 100);
    const before = user.messages().length;
    const text = minutes(10_000);
    const edits: string[] = [];
    h!.fake.on('bot-edit', (e) => {
      if (e.chatId === user.id && e.message.text) edits.push(e.message.text);
    });

    const updates = await user.sendLongText(text);
    assert.equal(updates.length, 3, 'a client sends 10,000 characters as three messages');
    const ids = updates.map((u) => u.message?.message_id as number);
    assert.deepEqual(
      ids,
      [ids[0], (ids[0] as number) + 1, (ids[0] as number) + 2],
      'consecutive message ids',
    );
    assert.ok(updates.every((u) => (u.message?.text?.length ?? 0) <= 4096));

    const price = priceOf(text);
    const quote = await user.waitForMessage((m) => /Received as 3 messages/.test(m.text ?? ''));
    assert.match(quote.text ?? '', new RegExp(`Text: ${text.length.toLocaleString('en-US')} characters`));
    assert.match(quote.text ?? '', new RegExp(`Price: ${price} credits`));
    assert.deepEqual(
      sentSince(user, before).map((m) => m.messageId),
      [quote.messageId],
      'one quote message for the three parts',
    );
    assert.ok(edits.length >= 1, 'the quote was edited in place as parts arrived');
    assert.equal(await balance(user.id), 100, 'nothing charged for a quote');

    await user.pressButton({ messageId: quote.messageId, text: new RegExp(`Confirm · ${price} credits`) });
    await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), { timeoutMs: 15_000 });
    assert.equal(await balance(user.id), 100 - price);
    assert.deepEqual(
      (await charges(user.id)).map((c) => c.amount),
      [-price],
      'one charge, for the whole text',
    );
    const segments = segmentText(text, SEGMENT_CHARS).length;
    assert.equal(llm!.requests().length, segments + 1, 'every segment of the whole text, then the synthesis');
    const read = llm!
      .requests()
      .slice(0, segments)
      .reduce((sum, r) => sum + r.messagesChars, 0);
    assert.ok(read >= text.length, `the segment calls read the whole text (${read} ≥ ${text.length})`);
  });

  it('two long messages sent a minute apart are two texts with two quotes', async () => {
    await start();
    const user = h!.fake.user({ id: 9102, firstName: 'Twice' });
    await fund(user, 100);
    const now = Math.floor(Date.now() / 1000);
    const first = minutes(4096, 'budget');
    const second = minutes(3000, 'hiring');
    await user.sendText(first, { date: now - 60 });
    const one = await user.waitForMessage((m) => /📝 Protocol/.test(m.text ?? ''));
    await user.sendText(second, { date: now });
    const two = await user.waitForMessage(
      (m) => /📝 Protocol/.test(m.text ?? '') && m.messageId !== one.messageId,
    );
    assert.match(one.text ?? '', new RegExp(`Text: ${first.length.toLocaleString('en-US')} characters`));
    assert.match(two.text ?? '', new RegExp(`Text: ${second.length.toLocaleString('en-US')} characters`));
    assert.doesNotMatch(`${one.text}${two.text}`, /Received as/);
  });

  it('200,000+ characters in many parts: one answer with the limit, the quote replaced, nothing charged', async () => {
    await start();
    const user = h!.fake.user({ id: 9103, firstName: 'Huge' });
    await fund(user, 1000);
    const before = user.messages().length;
    const text = minutes(210_000);
    const updates = await user.sendLongText(text);
    assert.ok(updates.length >= 50, `${updates.length} parts`);
    const answer = await user.waitForMessage((m) => /too long for a protocol/.test(m.text ?? ''), {
      timeoutMs: 60_000,
    });
    assert.match(answer.text ?? '', /the limit is 200,000/);
    assert.match(answer.text ?? '', /\.txt file/);
    assert.match(answer.text ?? '', /Nothing was charged/);
    assert.doesNotMatch(answer.text ?? '', /ref /, 'an input mistake gets no error reference');
    // Every part handled: the last one too, and nothing said for the rest.
    const lastUpdate = updates.at(-1)?.update_id as number;
    for (const deadline = Date.now() + 30_000; ; ) {
      const done = await h!.database.db
        .selectFrom('processed_updates')
        .select('update_id')
        .where('update_id', '=', lastUpdate)
        .where('state', '=', 'done')
        .executeTakeFirst()
        .catch(() => undefined);
      if (done) break;
      assert.ok(Date.now() < deadline, 'the last part was handled');
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = sentSince(user, before);
    assert.equal(sent.length, 1, sent.map((m) => m.text).join(' | '));
    assert.equal(sent[0]?.messageId, answer.messageId, 'the quote became the answer');
    assert.equal(
      buttonsOf(user.messages().find((m) => m.messageId === answer.messageId) as ChatMessage).length,
      0,
    );
    assert.equal(await balance(user.id), 1000);
    assert.deepEqual(await charges(user.id), []);
    assert.equal(llm!.requests().length, 0);
  });

  it('a sticker gets a friendly hint with the menu; nothing charged, no error', async () => {
    await start();
    const user = h!.fake.user({ id: 9104, firstName: 'Sticky' });
    await fund(user, 10);
    await user.sendSticker();
    const hint = await user.waitForMessage((m) => /Nice sticker/.test(m.text ?? ''));
    assert.ok(buttonsOf(hint).some((b) => /Protocol/.test(b.text)));
    assert.doesNotMatch(hint.text ?? '', /ref /);
    assert.equal(await balance(user.id), 10);
    assert.deepEqual(
      h!.log.lines().filter((l) => l.level === 'error'),
      [],
    );
  });
});

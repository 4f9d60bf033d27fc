import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '@tg-genbot/fakes/llm';
import type { ChatMessage, FakeUser } from '@tg-genbot/fakes/telegram';
import { createBillingService } from '../../src/services/billing/billing.service.ts';
import { meetingText } from '../services/protocols/protocol-harness.ts';
import { type BotHarness, type HarnessOptions, startBotHarness } from '../support/bot-harness.ts';
import { buttonsOf } from '../support/generation-e2e.ts';
import { DATABASE_KIND } from '../support/test-database.ts';

const LLM_KEY = 'sk-or-v1-e2e-protocol-7f6e5d4c3b';
const ADMIN = 9901;

/** The bot against the Telegram fake and the LLM fake, with 300-character segments. */
async function start(llm: LlmFake, options: HarnessOptions = {}): Promise<BotHarness> {
  return startBotHarness({
    ...options,
    env: {
      LLM_API_KEY: LLM_KEY,
      LLM_BASE_URL: llm.baseUrl,
      LLM_TIMEOUT_MS: '5000',
      PROTOCOL_SEGMENT_CHARS: '300',
      PROTOCOL_MIN_CHARS: '500',
      PROTOCOL_CONCURRENCY: '4',
      PROTOCOL_PROGRESS_INTERVAL_MS: '200',
      ADMIN_IDS: String(ADMIN),
      ...options.env,
    },
  });
}

describe(`protocols in Telegram (${DATABASE_KIND})`, () => {
  let h: BotHarness | undefined;
  let llm: LlmFake | undefined;
  afterEach(async () => {
    await h?.dispose();
    await llm?.stop();
    h = undefined;
    llm = undefined;
  });

  async function fund(user: FakeUser, credits: number) {
    await user.sendCommand('/start');
    await user.waitForMessage();
    await createBillingService(h!.database.db).topUp(user.id, credits, { idempotencyKey: `fund-${user.id}` });
  }
  const balance = (id: number) => createBillingService(h!.database.db).balance(id);

  /** Every text the status message showed, in order (edits included). */
  function statusTexts(messageId: number): string[] {
    const texts: string[] = [];
    h!.fake.on('bot-edit', (e) => {
      if (e.message.messageId === messageId && e.message.text) texts.push(e.message.text);
    });
    return texts;
  }

  it('menu → long text → quote → confirm → one status message edited → protocol delivered as HTML', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 150 });
    await llm.start();
    h = await start(llm);
    const user = h.fake.user({ id: 9001, firstName: 'Proto' });
    await fund(user, 100);

    const menu = user.lastMessage() as ChatMessage;
    await user.pressButton({ messageId: menu.messageId, text: /Protocol/ });
    const intro = await user.waitForMessage((m) => /Protocol from a long text/.test(m.text ?? ''));
    assert.match(intro.text ?? '', /at least 500 characters/);
    assert.match(intro.text ?? '', /2 credits \+ 1 per part/);

    await user.sendText(meetingText(12));
    const quote = await user.waitForMessage((m) => /→ 12 parts/.test(m.text ?? ''));
    assert.match(quote.text ?? '', /Price: 14 credits \(your balance: 100\)/);
    assert.deepEqual(
      buttonsOf(quote).map((b) => b.text),
      ['✅ Confirm · 14 credits', '✖️ Cancel'],
    );
    assert.equal(await balance(user.id), 100, 'nothing charged for a quote');

    const edits = statusTexts(quote.messageId);
    await user.pressButton({ messageId: quote.messageId, text: /Confirm/ });
    const protocol = await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), {
      timeoutMs: 15_000,
    });
    await user.waitForMessage((m) => m.messageId === quote.messageId && /Protocol ready/.test(m.text ?? ''));

    assert.equal(await balance(user.id), 86);
    assert.equal(llm.maxConcurrency(), 4);
    assert.equal(llm.requests().length, 13);
    // One status message: parts counted up (throttled: fewer edits than parts), then synthesis, then done.
    const parts = edits.filter((t) => /parts \d+\/12/.test(t));
    assert.ok(parts.length >= 1 && parts.length < 12, edits.join(' | '));
    assert.match(parts[0] ?? '', /parts 0\/12/);
    assert.match(edits.at(-2) ?? '', /All 12 parts read/);
    assert.match(edits.at(-1) ?? '', /Protocol ready \(12 parts, 14 credits\)/);
    assert.equal(
      buttonsOf(user.messages().find((m) => m.messageId === quote.messageId) as ChatMessage).length,
      0,
    );

    assert.equal(protocol.parseMode, 'HTML');
    for (const heading of ['Summary', 'Decisions', 'Action items', 'Open questions']) {
      assert.match(protocol.text ?? '', new RegExp(heading));
    }
    // The LLM fake's protocol reflects the text: a part's decision, task with its owner, and question.
    assert.match(protocol.text ?? '', /The team decided to adopt option 1 for the rollout\./);
    assert.match(protocol.text ?? '', /Ann will prepare the budget for topic 1 by Friday\. — Ann/);
    assert.match(protocol.text ?? '', /Who signs off on topic 12\?/);
    assert.ok((protocol.text ?? '').length <= 4096);
    assert.ok(!h.log.raw().includes(LLM_KEY));
    assert.deepEqual(
      h.log.lines().filter((l) => l.level === 'error'),
      [],
    );
  });

  it('a .md document is read, quoted and turned into a protocol; a short text is left alone', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 20 });
    await llm.start();
    h = await start(llm);
    const user = h.fake.user({ id: 9002, firstName: 'Doc' });
    await fund(user, 100);

    await user.sendText('hello there');
    const reply = await user.waitForMessage();
    assert.doesNotMatch(reply.text ?? '', /Protocol/, 'short texts are not offered as protocols');

    await user.sendDocument({ fileName: 'minutes.md', mimeType: 'text/markdown', content: meetingText(3) });
    const quote = await user.waitForMessage((m) => /→ 3 parts/.test(m.text ?? ''));
    assert.match(quote.text ?? '', /Price: 5 credits/);
    await user.pressButton({ messageId: quote.messageId, text: /Confirm/ });
    const protocol = await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), {
      timeoutMs: 15_000,
    });
    assert.match(protocol.text ?? '', /Action items/);
    await user.waitForMessage((m) => m.messageId === quote.messageId && /Protocol ready/.test(m.text ?? ''));
    assert.equal(await balance(user.id), 95);

    await user.sendDocument({ fileName: 'photo.bin', mimeType: 'application/octet-stream', content: 'x' });
    const other = await user.waitForMessage();
    assert.doesNotMatch(other.text ?? '', /Protocol/);
    await user.sendDocument({
      fileName: 'broken.txt',
      mimeType: 'text/plain',
      content: new Uint8Array([0xff, 0xfe, 0xfd]),
    });
    const broken = await user.waitForMessage();
    assert.match(broken.text ?? '', /could not read this file as text/);
  });

  it('a 402 stops the job: user told the service is unavailable with a ref, refunded, admins alerted once', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 2000 });
    await llm.start();
    llm.inject({ kind: 'pass', times: 2 });
    llm.inject({ kind: 'status', status: 402, delayMs: 100 });
    h = await start(llm);
    const admin = h.fake.user({ id: ADMIN, firstName: 'Admin' });
    await admin.sendCommand('/start');
    await admin.waitForMessage();
    const user = h.fake.user({ id: 9003, firstName: 'Broke' });
    await fund(user, 100);

    await user.sendText(meetingText(12));
    const quote = await user.waitForMessage((m) => /→ 12 parts/.test(m.text ?? ''));
    await user.pressButton({ messageId: quote.messageId, text: /Confirm/ });
    const failed = await user.waitForMessage(
      (m) => m.messageId === quote.messageId && /out of credits on our side/.test(m.text ?? ''),
      { timeoutMs: 10_000 },
    );
    assert.match(failed.text ?? '', /14 credits were returned to your balance, which is now 100 credits\./);
    const ref = /ref ([0-9a-f]{8})/.exec(failed.text ?? '')?.[1];
    assert.ok(ref, failed.text);
    assert.equal(await balance(user.id), 100);
    const alert = await admin.waitForMessage((m) => /LLM account is out of credits/.test(m.text ?? ''));
    assert.match(alert.text ?? '', new RegExp(`ref ${ref}`));
    assert.equal(llm.requests().length, 4, 'nothing started after the 402');

    const errors = h.log.lines().filter((l) => l.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]?.error_ref, ref);
    assert.equal(errors[0]?.error_code, 'llm.insufficient_credits');
  });

  it('refuses forged and stale buttons politely, and charges nothing for them', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 20 });
    await llm.start();
    h = await start(llm);
    const owner = h.fake.user({ id: 9004, firstName: 'Owner' });
    const intruder = h.fake.user({ id: 9005, firstName: 'Intruder' });
    await fund(owner, 100);
    await fund(intruder, 100);

    await owner.sendText(meetingText(3));
    const quote = await owner.waitForMessage((m) => /→ 3 parts/.test(m.text ?? ''));
    const confirmData = buttonsOf(quote).find((b) => /Confirm/.test(b.text))?.callback_data as string;
    const cancelData = buttonsOf(quote).find((b) => /Cancel/.test(b.text))?.callback_data as string;

    const forged = await intruder.pressData(confirmData);
    const answer = await intruder.waitForCallbackAnswer(forged.callback_query?.id as string);
    assert.match(answer.text ?? '', /belongs to someone else/);
    assert.equal(answer.showAlert, true);
    const forgedCancel = await intruder.pressData(cancelData);
    assert.match(
      (await intruder.waitForCallbackAnswer(forgedCancel.callback_query?.id as string)).text ?? '',
      /belongs to someone else/,
    );
    const unknown = await owner.pressData('proto:ok:00000000-0000-0000-0000-000000000000');
    assert.match(
      (await owner.waitForCallbackAnswer(unknown.callback_query?.id as string)).text ?? '',
      /no longer valid/,
    );

    await owner.pressButton({ messageId: quote.messageId, text: /Cancel/ });
    await owner.waitForMessage((m) => m.messageId === quote.messageId && /Cancelled/.test(m.text ?? ''));
    const stale = await owner.pressData(confirmData, quote.messageId);
    assert.match(
      (await owner.waitForCallbackAnswer(stale.callback_query?.id as string)).text ?? '',
      /no longer valid/,
    );

    assert.equal(await balance(owner.id), 100);
    assert.equal(await balance(intruder.id), 100);
    assert.equal(llm.requests().length, 0);
  });

  it('a job interrupted by a restart is resumed by the next start and delivered once', async () => {
    llm = createLlmFake({ apiKey: LLM_KEY, latencyMs: 300 });
    await llm.start();
    h = await start(llm, { env: { PROTOCOL_CONCURRENCY: '2' } });
    const user = h.fake.user({ id: 9006, firstName: 'Restart' });
    await fund(user, 100);
    await user.sendText(meetingText(12));
    const quote = await user.waitForMessage((m) => /→ 12 parts/.test(m.text ?? ''));
    await user.pressButton({ messageId: quote.messageId, text: /Confirm/ });
    const answered = () => llm!.requests().filter((r) => r.status === 200).length;
    const deadline = Date.now() + 10_000;
    while (answered() < 3) {
      assert.ok(Date.now() < deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The restarted bot shares the first one's fake and data, so they are released here, not by dispose.
    const { fake, testDb } = h;
    try {
      await h.stopBot();
      const before = answered();
      assert.ok(before < 13, 'stopped mid-job');

      h = await start(llm, { fake, testDb, env: { PROTOCOL_CONCURRENCY: '2' } });
      const protocol = await user.waitForMessage((m) => /📋 Protocol/.test(m.text ?? ''), {
        timeoutMs: 20_000,
      });
      assert.match(protocol.text ?? '', /Summary/);
      assert.equal(user.messages().filter((m) => /📋 Protocol/.test(m.text ?? '')).length, 1);
      assert.equal(await balance(user.id), 86, 'charged once, not refunded');
      // Segments finished before the restart are not paid for again: 12 + synthesis in all.
      assert.equal(answered(), 13);
    } finally {
      await h?.dispose();
      h = undefined;
      await fake.stop();
      await testDb.dispose();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, parseHtml } from '@tg-genbot/fakes/telegram';
import { Api, GrammyError } from 'grammy';
import { createTelegramProtocolNotifier } from '../../../../src/bot/features/protocol/protocol-notifier.ts';
import { createI18n } from '../../../../src/bot/i18n.ts';
import type { Protocol, ProtocolJob } from '../../../../src/services/protocols/index.ts';
import { TEST_TOKEN } from '../../../support/bot-harness.ts';
import { createCaptureLogger } from '../../../support/capture-logger.ts';

const protocolOf = (items: number, length: number): Protocol => ({
  summary: 'We met about <the plan> & the budget.',
  decisions: Array.from({ length: items }, (_, i) => `Decision ${i}: ${'d'.repeat(length)}`),
  actionItems: [
    { task: 'Prepare the budget', owner: 'Ann' },
    { task: 'Book a room', owner: undefined },
  ],
  openQuestions: ['Who signs off?'],
});

describe('Telegram protocol notifier', () => {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
  let api: Api;
  const i18n = createI18n('en');
  const log = createCaptureLogger();
  before(async () => {
    await fake.start();
    api = new Api(TEST_TOKEN, { apiRoot: fake.apiRoot });
  });
  after(() => fake.stop());

  let nextUser = 9500;
  async function jobFor(language = 'en'): Promise<{ job: ProtocolJob; user: ReturnType<typeof fake.user> }> {
    const user = fake.user({ id: nextUser++, firstName: 'N' });
    const status = await api.sendMessage(user.id, 'quote');
    const job: ProtocolJob = {
      id: 'job-1',
      userId: user.id,
      chatId: user.id,
      status: 'running',
      source: 'text',
      language,
      inputChars: 5000,
      segmentCount: 7,
      model: 'm',
      price: 9,
      chargeEntryId: 1,
      refundEntryId: undefined,
      statusMessageId: status.message_id,
      resumes: 0,
      failCode: undefined,
      errorRef: undefined,
      createdAt: new Date(),
      startedAt: new Date(),
      quoteMessageId: undefined,
      partCount: 1,
      tooLong: false,
    };
    return { job, user };
  }
  const notifier = createTelegramProtocolNotifier({
    api: () => api,
    i18n: () => i18n,
    billing: { balance: async () => 41 },
    logger: log.logger,
  });

  it('edits the one status message for progress and synthesis, ignoring "not modified"', async () => {
    const { job, user } = await jobFor();
    await notifier.progress(job, { done: 3, total: 7 });
    await notifier.progress(job, { done: 3, total: 7 });
    await notifier.synthesizing(job);
    const status = user.messages().find((m) => m.messageId === job.statusMessageId);
    assert.equal(status?.text, '🧠 All 7 parts read. Writing the protocol…');
    assert.equal(user.messages().length, 1, 'no new message');
  });

  it('sends a protocol as HTML messages within the limit, text escaped, owners shown', async () => {
    const { job, user } = await jobFor();
    await notifier.deliver(job, protocolOf(30, 200));
    const sent = user.messages().filter((m) => m.messageId !== job.statusMessageId);
    assert.ok(sent.length >= 2 && sent.length <= 3, `${sent.length} messages`);
    for (const m of sent) {
      assert.equal(m.parseMode, 'HTML');
      assert.ok((m.source ?? '').length <= 4096);
      assert.doesNotThrow(() => parseHtml(m.source ?? ''));
    }
    const text = sent.map((m) => m.text).join('\n');
    assert.match(text, /We met about <the plan> & the budget\./);
    assert.match(text, /Prepare the budget — Ann/);
    assert.match(text, /Book a room — owner not named/);
    assert.match(
      user.messages().find((m) => m.messageId === job.statusMessageId)?.text ?? '',
      /Protocol ready \(7 parts, 9 credits\)/,
    );
  });

  it('sends a long protocol as a Markdown document', async () => {
    const { job, user } = await jobFor('ru');
    await notifier.deliver(job, protocolOf(200, 200));
    const doc = user.messages().find((m) => m.media?.kind === 'document');
    assert.ok(doc, 'a document was sent');
    assert.match(doc.caption ?? '', /Ваш протокол \(7 частей\)/);
    assert.match(doc.media?.upload?.filename ?? '', /^protocol-\d{4}-\d{2}-\d{2}\.md$/);
    assert.ok((doc.media?.upload?.size ?? 0) > 4096 * 3, 'the whole protocol is in the file');
    assert.equal(user.messages().filter((m) => m.messageId !== job.statusMessageId && !m.media).length, 0);
  });

  it('explains a failure with the refund and the reference, in a new message if the status one is gone', async () => {
    const { job, user } = await jobFor();
    await notifier.refunded(job, { messageKey: 'error-unavailable', messageArgs: {}, errorRef: 'abcd1234' });
    const status = user.messages().find((m) => m.messageId === job.statusMessageId);
    assert.equal(
      status?.text,
      'This service is temporarily unavailable. Please try again later.\n↩️ 9 credits were returned to your balance, which is now 41 credits.\n\nref abcd1234',
    );
    // Tap to copy: the reference is a code entity.
    const code = status?.entities?.find((e) => e.type === 'code');
    assert.equal(status?.text?.slice(code?.offset, (code?.offset ?? 0) + (code?.length ?? 0)), 'abcd1234');
    await api.deleteMessage(job.chatId, job.statusMessageId as number);
    await notifier.refunded(job, {
      messageKey: 'protocol-error-timeout',
      messageArgs: {},
      errorRef: 'ffff0000',
    });
    assert.match(user.lastMessage()?.text ?? '', /took too long[\s\S]*ref ffff0000/);
  });

  const notice = { messageKey: 'protocol-error-timeout', messageArgs: {}, errorRef: 'ffff0000' };

  it('says in plain words, in Russian, that the LLM account is out of credits, with the refund and balance', async () => {
    const { job, user } = await jobFor('ru');
    await notifier.refunded(
      { ...job, failCode: 'llm.insufficient_credits' },
      { messageKey: 'error-unavailable', messageArgs: {}, errorRef: 'abcd1234' },
    );
    const text = user.messages().find((m) => m.messageId === job.statusMessageId)?.text ?? '';
    assert.match(text, /закончились кредиты в сервисе языковой модели/);
    assert.match(text, /вернулось 9 кредитов, теперь на нём 41 кредит\./);
    assert.match(text, /код abcd1234$/);
  });

  it('shows a slow part with its elapsed time and typing, until the part is done', async () => {
    let now = 1_000_000;
    const slow = createTelegramProtocolNotifier({
      api: () => api,
      i18n: () => i18n,
      billing: { balance: async () => 0 },
      logger: log.logger,
      now: () => now,
      tickMs: 10,
    });
    const { job, user } = await jobFor();
    slow.running?.(job, { done: 2, total: 12 });
    const status = () => user.messages().find((m) => m.messageId === job.statusMessageId);
    // Not slow yet: nothing changes however many ticks pass.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(status()?.text, 'quote');
    assert.deepEqual(user.chatActions(), []);
    now += 25_000;
    const deadline = Date.now() + 5000;
    while (status()?.text === 'quote' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(status()?.text, '⏳ Reading your text: part 3/12 · 25 s');
    assert.ok(user.chatActions().includes('typing'), user.chatActions().join());
    // A part is done: the next one's time starts from zero.
    await slow.progress(job, { done: 3, total: 12 });
    assert.equal(status()?.text, '⏳ Reading your text: parts 3/12');
    now += 11_000;
    while (!/part 4/.test(status()?.text ?? '') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(status()?.text, '⏳ Reading your text: part 4/12 · 11 s');
    // The run stopped: later ticks neither edit nor type.
    slow.idle?.(job);
    const actions = user.chatActions().length;
    const edits = status()?.editedCount;
    now += 60_000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(status()?.editedCount, edits);
    assert.equal(user.chatActions().length, actions);
  });

  it('rejects a failure message Telegram may take later (5xx), so the runner tries again', async () => {
    const { job } = await jobFor();
    fake.faults.inject({
      kind: '5xx',
      status: 502,
      chatId: job.chatId,
      method: /^(editMessageText|sendMessage)$/,
      times: 2,
    });
    await assert.rejects(
      notifier.refunded(job, notice),
      (e) => e instanceof GrammyError && e.error_code === 502,
    );
  });

  it('lets go of a user who blocked the bot: resolves with a warning', async () => {
    const { job } = await jobFor();
    fake.faults.inject({
      kind: 'blocked',
      chatId: job.chatId,
      method: /^(editMessageText|sendMessage)$/,
      times: 2,
    });
    const before = log.lines().length;
    await notifier.refunded(job, notice);
    const warned = log
      .lines()
      .slice(before)
      .filter((l) => l.level === 'warn');
    assert.equal(warned.length, 1);
    assert.match(String(warned[0]?.message), /cannot be told a protocol failed/);
    assert.equal(warned[0]?.job_id, job.id);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, GrammyError, HttpError } from 'grammy';
import { createStatusNotifier } from '../../../../src/bot/features/generate/status-notifier.ts';
import { createI18n } from '../../../../src/bot/i18n.ts';
import { loadCatalog } from '../../../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT } from '../../../../src/config.ts';
import type { AdminAlerts } from '../../../../src/services/admin/admin-alerts.ts';
import type { Generation } from '../../../../src/services/generations/index.ts';
import type { UserService } from '../../../../src/services/user.service.ts';
import { createCaptureLogger } from '../../../support/capture-logger.ts';

const failed = {
  id: 'g-notice',
  userId: 5,
  chatId: 5,
  modelId: 'nano-banana',
  price: 4,
  status: 'failed',
  failCode: 'kie.task_failed',
  dryRun: false,
  statusMessageId: 77,
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  createdAt: new Date(),
} as unknown as Generation;

type Answer = 'ok' | GrammyError | HttpError;
const refusal = (method: string, code: number, description: string) =>
  new GrammyError(`Call to '${method}' failed!`, { ok: false, error_code: code, description }, method, {});

/** An Api answering each method with the given outcome, recording the calls and their text. */
type Call = { method: string; text?: string; markup?: unknown; parseMode?: string };

function scriptedApi(answers: Record<string, Answer>, calls: Call[]) {
  const api = new Api('1:fake-token-for-unit-tests');
  api.config.use(async (_prev, method, payload) => {
    const p = payload as { text?: string; reply_markup?: unknown; parse_mode?: string };
    calls.push({ method, text: p.text, markup: p.reply_markup, parseMode: p.parse_mode });
    const answer = answers[method] ?? 'ok';
    if (answer !== 'ok') throw answer;
    return { ok: true, result: true } as never;
  });
  return api;
}

function notifierWith(answers: Record<string, Answer>, users?: Partial<UserService>) {
  const calls: Call[] = [];
  const capture = createCaptureLogger();
  const notifier = createStatusNotifier({
    api: scriptedApi(answers, calls),
    i18n: createI18n('en'),
    catalog: loadCatalog(CATALOG_PATH_DEFAULT),
    users: { get: async () => undefined, ...users } as unknown as UserService,
    billing: { balance: async () => 96 },
    alerts: { raise: async () => undefined } as unknown as AdminAlerts,
    logger: capture.logger,
    defaultLanguage: 'en',
    intervalMs: 3000,
  });
  return { notifier, calls, lines: capture.lines };
}

describe('the final notice of a failed generation', () => {
  it('edits the status message into why it failed, the refund and the error reference', async () => {
    const { notifier, calls } = notifierWith({});
    await notifier.refunded(failed);
    assert.deepEqual(
      calls.map((c) => c.method),
      ['editMessageText'],
    );
    assert.match(calls[0]?.text ?? '', /4 credits were returned to your balance/);
    assert.match(calls[0]?.text ?? '', /4bf92f35/, 'the error reference is the trace id prefix');
  });

  it('sends a new message when the status message cannot be edited (deleted by the user)', async () => {
    const { notifier, calls } = notifierWith({
      editMessageText: refusal('editMessageText', 400, 'Bad Request: message to edit not found'),
    });
    await notifier.refunded(failed);
    assert.deepEqual(
      calls.map((c) => c.method),
      ['editMessageText', 'sendMessage'],
    );
  });

  for (const [name, error] of [
    ['a network failure', new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET'))],
    ['a Telegram 502', refusal('sendMessage', 502, 'Bad Gateway')],
    ['a 429 that outlasted the retries', refusal('sendMessage', 429, 'Too Many Requests: retry after 30')],
  ] as const) {
    it(`rejects on ${name}, so the worker tries again later`, async () => {
      const { notifier } = notifierWith({
        editMessageText: refusal('editMessageText', 400, 'Bad Request: message to edit not found'),
        sendMessage: error,
      });
      await assert.rejects(notifier.refunded(failed), (e) => e === error);
    });
  }

  it('lets go of a user who blocked the bot: resolves with one warning, nothing to retry', async () => {
    const blocked = refusal('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    const { notifier, lines } = notifierWith({
      editMessageText: refusal('editMessageText', 403, 'Forbidden: bot was blocked by the user'),
      sendMessage: blocked,
    });
    await notifier.refunded(failed);
    const warnings = lines().filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]?.message), /cannot be told/);
    assert.equal(warnings[0]?.generation_id, failed.id);
  });
});

/** The callback data of the buttons of a call, flattened. */
const buttons = (call: Call | undefined) =>
  (
    (call?.markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)
      ?.inline_keyboard ?? []
  )
    .flat()
    .map((b) => b.callback_data);

describe('failure messages by cause', () => {
  const cases: Array<{ cause: string; g: Partial<Generation>; wording: RegExp }> = [
    {
      cause: 'the provider failed',
      g: { failCode: 'kie.500' },
      wording: /failed on its side[\s\S]*try again in a few minutes/,
    },
    { cause: 'a KIE task failure', g: { failCode: '500' }, wording: /failed on its side/ },
    {
      cause: 'the content was refused',
      g: { failCode: 'SENSITIVE_WORD_ERROR' },
      wording: /refused this request[\s\S]*Change the description/,
    },
    {
      cause: 'the input was refused at create',
      g: { failCode: 'kie.422' },
      wording: /Change the description/,
    },
    {
      cause: 'our deadline passed',
      g: { status: 'timed_out', failCode: 'kie.network' },
      wording: /not ready in time/,
    },
    {
      cause: 'the service is out of credits',
      g: { failCode: 'kie.insufficient_credits' },
      wording: /out of credits on our side/,
    },
  ];
  for (const c of cases) {
    it(`${c.cause}: plain words, the refund, the new balance, a tap-to-copy reference and Again/New/Menu`, async () => {
      const { notifier, calls } = notifierWith({});
      await notifier.refunded({ ...failed, ...c.g } as Generation);
      const call = calls[0];
      assert.match(call?.text ?? '', c.wording);
      assert.match(call?.text ?? '', /↩️ 4 credits were returned to your balance, which is now 96 credits\./);
      assert.match(call?.text ?? '', /\n\nref <code>4bf92f35<\/code>$/);
      assert.equal(call?.parseMode, 'HTML');
      assert.deepEqual(buttons(call), ['gen:again:g-notice', 'menu:generate', 'menu:main']);
    });
  }

  it('in Russian for a user whose Telegram language is ru and who never picked one', async () => {
    const { notifier, calls } = notifierWith(
      {},
      { get: async () => ({ id: 5, language: undefined, telegramLanguage: 'ru-RU' }) as never },
    );
    await notifier.refunded({ ...failed, failCode: 'kie.500' } as Generation);
    assert.match(calls[0]?.text ?? '', /сервис генерации дал сбой/);
    assert.match(calls[0]?.text ?? '', /вернулось 4 кредита, теперь на нём 96 кредитов\./);
    assert.match(calls[0]?.text ?? '', /код <code>4bf92f35<\/code>$/);
  });

  it('a cancelled generation says what came back, with no reference and no buttons', async () => {
    const { notifier, calls } = notifierWith({});
    await notifier.refunded({
      ...failed,
      status: 'cancelled',
      failCode: 'generation.cancelled',
    } as Generation);
    assert.match(calls[0]?.text ?? '', /cancelled\.\n↩️ 4 credits were returned/);
    assert.doesNotMatch(calls[0]?.text ?? '', /ref/);
    assert.deepEqual(buttons(calls[0]), []);
  });
});

describe('status message buttons', () => {
  const at = (status: string) => ({ ...failed, status, failCode: undefined }) as unknown as Generation;

  it('Cancel while queued, none once it moved on, Again/New/Menu once delivered', async () => {
    const { notifier, calls } = notifierWith({});
    await notifier.progress(at('pending'), { type: 'queued', position: 2 });
    assert.deepEqual(buttons(calls.at(-1)), ['gen:stop:g-notice']);
    await notifier.refunded(at('delivered'));
    assert.deepEqual(buttons(calls.at(-1)), ['gen:again:g-notice', 'menu:generate', 'menu:main']);
  });

  it('drops the Cancel button when the generation reaches KIE', async () => {
    const calls: Call[] = [];
    const notifier = createStatusNotifier({
      api: scriptedApi({}, calls),
      i18n: createI18n('en'),
      catalog: loadCatalog(CATALOG_PATH_DEFAULT),
      users: { get: async () => undefined } as unknown as UserService,
      billing: { balance: async () => 0 },
      alerts: { raise: async () => undefined } as unknown as AdminAlerts,
      logger: createCaptureLogger().logger,
      defaultLanguage: 'en',
      intervalMs: 0,
    });
    await notifier.progress(at('pending'), { type: 'step' });
    assert.deepEqual(buttons(calls.at(-1)), ['gen:stop:g-notice']);
    await notifier.progress(at('running'), { type: 'step' });
    assert.equal(calls.at(-1)?.method, 'editMessageText');
    assert.equal(calls.at(-1)?.markup, undefined, 'no reply_markup: Telegram removes the keyboard');
  });
});

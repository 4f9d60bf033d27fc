import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, GrammyError, HttpError } from 'grammy';
import { createStatusNotifier } from '../../../src/bot/generations/status-notifier.ts';
import { createI18n } from '../../../src/bot/i18n.ts';
import { loadCatalog } from '../../../src/catalog/index.ts';
import { CATALOG_PATH_DEFAULT } from '../../../src/config.ts';
import type { AdminAlerts } from '../../../src/services/admin/admin-alerts.ts';
import type { Generation } from '../../../src/services/generations/index.ts';
import type { UserService } from '../../../src/services/user.service.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';

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
function scriptedApi(answers: Record<string, Answer>, calls: Array<{ method: string; text?: string }>) {
  const api = new Api('1:fake-token-for-unit-tests');
  api.config.use(async (_prev, method, payload) => {
    calls.push({ method, text: (payload as { text?: string }).text });
    const answer = answers[method] ?? 'ok';
    if (answer !== 'ok') throw answer;
    return { ok: true, result: true } as never;
  });
  return api;
}

function notifierWith(answers: Record<string, Answer>) {
  const calls: Array<{ method: string; text?: string }> = [];
  const capture = createCaptureLogger();
  const notifier = createStatusNotifier({
    api: scriptedApi(answers, calls),
    i18n: createI18n('en'),
    catalog: loadCatalog(CATALOG_PATH_DEFAULT),
    users: { get: async () => undefined } as unknown as UserService,
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
    await notifier.final(failed);
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
    await notifier.final(failed);
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
      await assert.rejects(notifier.final(failed), (e) => e === error);
    });
  }

  it('lets go of a user who blocked the bot: resolves with one warning, nothing to retry', async () => {
    const blocked = refusal('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    const { notifier, lines } = notifierWith({
      editMessageText: refusal('editMessageText', 403, 'Forbidden: bot was blocked by the user'),
      sendMessage: blocked,
    });
    await notifier.final(failed);
    const warnings = lines().filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]?.message), /cannot be told/);
    assert.equal(warnings[0]?.generation_id, failed.id);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bot, HttpError } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext, BotDeps, UpdateState } from '../../../src/bot/context.ts';
import { createErrorHandler } from '../../../src/bot/handlers/error.ts';
import { createI18n } from '../../../src/bot/i18n.ts';
import { parseConfig } from '../../../src/config.ts';
import { createBotMetrics } from '../../../src/telemetry/metrics.ts';
import { TEST_BOT_INFO as BOT_INFO } from '../../support/bot-info.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { databaseBlip } from '../../support/database-blip.ts';

const TOKEN = '7012345678:AAE-test_Token-abcdefghijklmnopqrstuvwx';
const update: Update = {
  update_id: 1,
  message: {
    message_id: 1,
    date: 0,
    text: '/balance',
    chat: { id: 42, type: 'private', first_name: 'U' },
    from: { id: 42, is_bot: false, first_name: 'U', language_code: 'en' },
  },
};

/** One update whose handler throws `error`, on the given attempt of its claim. */
async function fail(error: unknown, claim: UpdateState['claim']) {
  const log = createCaptureLogger();
  const d = {
    config: parseConfig({ DEFAULT_LANGUAGE: 'en' }),
    logger: log.logger,
    metrics: createBotMetrics(),
  } as unknown as BotDeps;
  const calls: string[] = [];
  const bot = new Bot<BotContext>(TOKEN, { botInfo: BOT_INFO });
  bot.api.config.use(async (_prev, method) => {
    calls.push(method);
    return { ok: true, result: true } as never;
  });
  const state: UpdateState = { ...(claim ? { claim } : {}) };
  bot.use((ctx, next) => {
    Object.assign(ctx, { deps: d, state, user: undefined });
    return next();
  });
  bot.errorBoundary(createErrorHandler(d, createI18n('en'))).use(() => {
    throw error;
  });
  await bot.handleUpdate(update);
  return { calls, state, lines: log.lines() };
}

describe('the error handler and updates that will be handled again', () => {
  const claim = (attempt: number, final: boolean) => ({ botId: 1, updateId: 1, attempt, final });

  it('leaves the user alone on an infrastructure failure with attempts left, and marks the update for a retry', async () => {
    for (const error of [databaseBlip(), new HttpError('Network request failed', new Error('reset'))]) {
      const { calls, state, lines } = await fail(error, claim(1, false));
      assert.deepEqual(calls, [], 'no error reply: the retry will answer');
      assert.match(state.retryLater ?? '', /^(db\.unavailable|telegram\.network)$/);
      assert.equal(state.errorCode, state.retryLater);
      const line = lines.find((l) => String(l.message).startsWith('Update failed'));
      assert.equal(line?.level, 'warn');
      assert.ok(String(line?.message).startsWith(`Update failed, will be retried: ${state.retryLater}`));
      assert.equal(line?.attempt, 1);
    }
  });

  it('tells the user once on the last attempt, and at once for a failure a retry cannot fix', async () => {
    const last = await fail(databaseBlip(), claim(6, true));
    assert.deepEqual(last.calls, ['sendMessage']);
    assert.equal(last.state.retryLater, undefined);
    const bug = await fail(new Error('bug'), claim(1, false));
    assert.deepEqual(bug.calls, ['sendMessage']);
    assert.equal(bug.state.retryLater, undefined);
  });
});

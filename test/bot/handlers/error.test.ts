import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bot, BotError, GrammyError, HttpError } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext, BotDeps } from '../../../src/bot/context.ts';
import { createErrorHandler } from '../../../src/bot/handlers/error.ts';
import { createI18n } from '../../../src/bot/i18n.ts';
import { createBot } from '../../../src/bot/index.ts';
import { parseConfig } from '../../../src/config.ts';
import { AppError, ServiceUnavailableError, ValidationError } from '../../../src/errors/app-error.ts';
import type { AdminAlerts } from '../../../src/services/admin/admin-alerts.ts';
import type { AdminService } from '../../../src/services/admin/index.ts';
import type { BillingService } from '../../../src/services/billing/billing.service.ts';
import type { DraftService } from '../../../src/services/drafts/draft.service.ts';
import type { PaymentProvider } from '../../../src/services/payments/payment-provider.ts';
import { createBotMetrics } from '../../../src/telemetry/metrics.ts';
import { acceptingInbox } from '../../support/accepting-inbox.ts';
import { TEST_BOT_INFO as BOT_INFO } from '../../support/bot-info.ts';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { unused } from '../../support/unused.ts';

const TOKEN = '7012345678:AAE-test_Token-abcdefghijklmnopqrstuvwx';

function deps(blocked: number[]): { deps: BotDeps; log: ReturnType<typeof createCaptureLogger> } {
  const log = createCaptureLogger();
  return {
    log,
    deps: {
      config: parseConfig({ DEFAULT_LANGUAGE: 'en' }),
      logger: log.logger,
      users: {
        touch: async (id) => ({
          id,
          language: undefined,
          telegramLanguage: undefined,
          firstSeenAt: new Date(),
          lastSeenAt: new Date(),
          blocked: false,
        }),
        get: async () => undefined,
        setLanguage: async () => {},
        markBlocked: async (id) => {
          blocked.push(id);
        },
      },
      inbox: acceptingInbox(),
      metrics: createBotMetrics(),
      // The error handler never touches money.
      billing: unused<BillingService>('billing'),
      packs: [],
      payments: unused<PaymentProvider>('payments'),
      alerts: unused<AdminAlerts>('alerts'),
      catalog: { models: [], packs: [] },
      generations: undefined,
      drafts: unused<DraftService>('drafts'),
      admin: unused<AdminService>('admin'),
      // No LLM configured: the protocol feature steps aside.
      protocols: undefined,
    },
  };
}

const message = (text: string, lang = 'en'): Update => ({
  update_id: 1,
  message: {
    message_id: 1,
    date: 0,
    text,
    chat: { id: 42, type: 'private', first_name: 'U' },
    from: { id: 42, is_bot: false, first_name: 'U', language_code: lang },
  },
});
const callback = (): Update => ({
  update_id: 2,
  callback_query: {
    id: 'q1',
    chat_instance: 'c',
    data: 'x:y',
    from: { id: 42, is_bot: false, first_name: 'U', language_code: 'ru' },
    message: { message_id: 5, date: 0, chat: { id: 42, type: 'private', first_name: 'U' }, text: 'm' },
  },
});

const grammyError = (code: number, description: string, parameters: Record<string, number> = {}) =>
  new GrammyError(
    `Call to 'sendMessage' failed! (${code}: ${description})`,
    { ok: false, error_code: code, description, parameters },
    'sendMessage',
    {},
  );

/** Runs one update through a bot whose only feature throws `error`, behind the real error handler. */
async function throwThrough(error: unknown, update: Update) {
  const blocked: number[] = [];
  const { deps: d, log } = deps(blocked);
  const calls: Array<{ method: string; payload: Record<string, unknown> }> = [];
  const bot = new Bot<BotContext>(TOKEN, { botInfo: BOT_INFO });
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    return { ok: true, result: true } as never;
  });
  bot.use((ctx, next) => {
    Object.assign(ctx, { deps: d, state: {}, user: undefined });
    return next();
  });
  const handler = createErrorHandler(d, createI18n('en'));
  bot.errorBoundary(handler).use(() => {
    throw error;
  });
  await bot.handleUpdate(update);
  return { calls, log, blocked };
}

describe('the one error handler', () => {
  it('is the bot.catch handler, and every feature boundary uses the same function', () => {
    const { deps: d } = deps([]);
    const { bot, handleError } = createBot(TOKEN, d, { botInfo: BOT_INFO });
    assert.equal(bot.errorHandler, handleError);
  });

  const cases: Array<{
    name: string;
    error: unknown;
    update?: Update;
    level: string;
    code: string;
    reply: RegExp | null;
    /** A plain input mistake: said in plain text, without a reference. */
    mistake?: boolean;
  }> = [
    {
      name: 'a plain Error',
      error: new Error('boom'),
      level: 'error',
      code: 'internal',
      reply: /^Something went wrong/,
    },
    {
      name: 'a non-Error throw',
      error: 'just a string',
      level: 'error',
      code: 'internal.non_error_thrown',
      reply: /^Something went wrong/,
    },
    {
      name: 'a ValidationError',
      error: new ValidationError('error-validation', { reason: 'Prompt is empty' }),
      level: 'warn',
      code: 'validation',
      reply: /^Prompt is empty/,
      mistake: true,
    },
    {
      name: 'a domain AppError',
      error: new ServiceUnavailableError('kie.insufficient_credits', 'KIE out of credits'),
      level: 'error',
      code: 'kie.insufficient_credits',
      reply: /temporarily unavailable/,
    },
    {
      name: 'an HttpError',
      error: new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET')),
      level: 'error',
      code: 'telegram.network',
      reply: /could not reach/,
    },
    {
      name: 'a GrammyError 429',
      error: grammyError(429, 'Too Many Requests: retry after 5', { retry_after: 5 }),
      level: 'warn',
      code: 'telegram.429',
      reply: /Too many requests/,
    },
    {
      name: 'a GrammyError 400',
      error: grammyError(400, 'Bad Request: chat not found'),
      level: 'error',
      code: 'telegram.400',
      reply: /Telegram did not accept/,
    },
    {
      name: "a 'message is not modified'",
      error: grammyError(400, 'Bad Request: message is not modified: specified new message content'),
      level: 'info',
      code: 'telegram.not_modified',
      reply: null,
    },
    {
      name: "a 'bot was blocked'",
      error: grammyError(403, 'Forbidden: bot was blocked by the user'),
      level: 'info',
      code: 'telegram.blocked',
      reply: null,
    },
  ];

  for (const c of cases) {
    const says = c.reply
      ? c.mistake
        ? 'a plain reply without a reference'
        : 'a localized reply with the reference'
      : 'no reply';
    it(`handles ${c.name}: log level ${c.level}, code ${c.code}, ${says}`, async () => {
      const { calls, log, blocked } = await throwThrough(c.error, c.update ?? message('/x'));
      const failures = log.lines().filter((l) => String(l.message).startsWith('Update failed'));
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.level, c.level);
      assert.equal(failures[0]?.error_code, c.code);
      assert.match(String(failures[0]?.error_ref), /^[0-9a-f]{8}$/);
      if (c.reply) {
        assert.equal(calls.length, 1);
        assert.equal(calls[0]?.method, 'sendMessage');
        const text = String(calls[0]?.payload.text);
        assert.match(text, c.reply);
        if (c.mistake) {
          assert.doesNotMatch(text, /ref/, text);
          assert.equal(calls[0]?.payload.parse_mode, undefined);
        } else {
          // Tap to copy: the reference in <code>, sent as HTML.
          assert.ok(text.endsWith(`ref <code>${failures[0]?.error_ref}</code>`), text);
          assert.equal(calls[0]?.payload.parse_mode, 'HTML');
        }
      } else {
        assert.equal(calls.length, 0);
      }
      assert.deepEqual(blocked, c.code === 'telegram.blocked' ? [42] : []);
    });
  }

  it('escapes user text in an HTML reply', async () => {
    const error = new AppError('x', {
      code: 'test.failure',
      userMessageKey: 'error-validation',
      userMessageArgs: { reason: 'a <b> & c' },
    });
    const { calls } = await throwThrough(error, message('/x'));
    assert.match(String(calls[0]?.payload.text), /^a &lt;b&gt; &amp; c\n\nref <code>[0-9a-f]{8}<\/code>$/);
  });

  it('answers a button with an alert in the user’s language', async () => {
    const { calls } = await throwThrough(new Error('x'), callback());
    assert.equal(calls[0]?.method, 'answerCallbackQuery');
    assert.equal(calls[0]?.payload.show_alert, true);
    assert.match(String(calls[0]?.payload.text), /^Что-то пошло не так[\s\S]*код [0-9a-f]{8}$/);
  });

  it('logs and swallows a failing reply, and never throws itself', async () => {
    const { deps: d, log } = deps([]);
    const handler = createErrorHandler(d, createI18n('en'));
    const bot = new Bot<BotContext>(TOKEN, { botInfo: BOT_INFO });
    bot.api.config.use(async () => {
      throw new HttpError('Network request for sendMessage failed!', new Error('down'));
    });
    bot.use((ctx, next) => {
      Object.assign(ctx, { deps: d, state: {}, user: undefined });
      return next();
    });
    bot.errorBoundary(handler).use(() => {
      throw new AppError('x', { code: 'test.failure' });
    });
    await bot.handleUpdate(message('/x'));
    assert.ok(log.lines().some((l) => l.message === 'Could not tell the user about an error'));
    // Even a context without state or chat cannot make it throw.
    await handler(new BotError<BotContext>(new Error('y'), {} as BotContext));
  });
});

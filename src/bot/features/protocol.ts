import { context, propagation, trace } from '@opentelemetry/api';
import { Composer } from 'grammy';
import type { ProtocolSource } from '../../services/protocols/index.ts';
import { ATTR_PROTOCOL_JOB_ID, LOG_JOB_ID } from '../../telemetry/attributes.ts';
import { addLogContext } from '../../telemetry/log-context.ts';
import type { BotContext } from '../context.ts';
import { languageOf } from '../i18n.ts';
import { MENU } from '../keyboards/main-menu.ts';
import {
  PROTOCOL_CANCEL,
  PROTOCOL_CONFIRM,
  protocolIntroKeyboard,
  protocolQuoteKeyboard,
} from '../keyboards/protocol.ts';
import { handledBy } from '../middlewares/handled-by.ts';
import { isTextDocument, readTextDocument } from '../protocol/read-document.ts';

const composer = new Composer<BotContext>();
const privateChat = composer.chatType('private');

/** UTF-8 needs at most 4 bytes a character: a file above this cannot fit PROTOCOL_MAX_CHARS. */
const BYTES_PER_CHAR = 4;

/** Records the job on the update's span and log lines. */
function tagJob(jobId: string): void {
  trace.getActiveSpan()?.setAttribute(ATTR_PROTOCOL_JOB_ID, jobId);
  addLogContext({ [LOG_JOB_ID]: jobId });
}

/** Quotes the text: size, segments and price, with Confirm / Cancel; nothing is charged yet. */
async function offer(ctx: BotContext, text: string, source: ProtocolSource): Promise<void> {
  const protocols = ctx.deps.protocols;
  const userId = ctx.from?.id;
  const chatId = ctx.chat?.id;
  if (!protocols || userId === undefined || chatId === undefined) return;
  const language = languageOf(ctx, ctx.deps.config.defaultLanguage);
  const job = await protocols.quote({ userId, chatId, text, source, language });
  tagJob(job.id);
  const balance = await ctx.deps.billing.balance(userId);
  const key = balance >= job.price ? 'protocol-quote' : 'protocol-quote-short';
  await ctx.reply(
    ctx.t(key, { chars: job.inputChars, segments: job.segmentCount, price: job.price, balance }),
    { parse_mode: 'HTML', reply_markup: protocolQuoteKeyboard(ctx, job) },
  );
}

// Main menu → Protocol: what to send and what it costs.
composer.callbackQuery(MENU.protocol, handledBy('protocol'), async (ctx) => {
  await ctx.answerCallbackQuery();
  const protocols = ctx.deps.protocols;
  const text = protocols
    ? ctx.t('protocol-intro', {
        min: protocols.settings.minChars,
        max: protocols.settings.maxChars,
        base: protocols.settings.priceBase,
        perSegment: protocols.settings.pricePerSegment,
        segmentChars: protocols.settings.segmentChars,
      })
    : ctx.t('protocol-unavailable');
  await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: protocolIntroKeyboard(ctx) });
});

// A long text message: offered as a protocol. Shorter ones and commands go on to other features.
privateChat.on('message:text', async (ctx, next) => {
  const protocols = ctx.deps.protocols;
  const text = ctx.message.text;
  if (!protocols || text.startsWith('/') || text.trim().length < protocols.settings.minChars) return next();
  ctx.state.feature = 'protocol';
  await offer(ctx, text, 'text');
});

// A .txt or .md document, whatever its length; other documents go on.
privateChat.on('message:document', async (ctx, next) => {
  const document = ctx.message.document;
  if (!isTextDocument(document)) return next();
  ctx.state.feature = 'protocol';
  const protocols = ctx.deps.protocols;
  if (!protocols) {
    await ctx.reply(ctx.t('protocol-unavailable'));
    return;
  }
  const text = await readTextDocument(document, {
    api: ctx.api,
    apiRoot: ctx.deps.config.telegramApiRoot,
    maxBytes: protocols.settings.maxChars * BYTES_PER_CHAR,
  });
  await offer(ctx, text, 'document');
});

// Confirm: charge and start, or refuse a button that is someone else's, unknown or old.
composer.callbackQuery(
  new RegExp(`^${PROTOCOL_CONFIRM}:([\\w-]{1,64})$`),
  handledBy('protocol'),
  async (ctx) => {
    const protocols = ctx.deps.protocols;
    const jobId = ctx.match[1] as string;
    const messageId = ctx.callbackQuery.message?.message_id;
    if (!protocols || messageId === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t('protocol-stale'), show_alert: true });
      return;
    }
    tagJob(jobId);
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    const result = await protocols.confirm({
      jobId,
      userId: ctx.from.id,
      statusMessageId: messageId,
      traceparent: carrier.traceparent,
    });
    switch (result.kind) {
      case 'started': {
        await ctx.answerCallbackQuery();
        // The quote becomes the one status message the job edits; a failed edit must not stop the job.
        try {
          await ctx.editMessageText(ctx.t('protocol-progress', { done: 0, total: result.job.segmentCount }), {
            parse_mode: 'HTML',
          });
        } catch (error) {
          ctx.deps.logger.warn('Could not show the protocol status', { err: error });
        }
        await protocols.run(jobId);
        return;
      }
      case 'already':
        await ctx.answerCallbackQuery({ text: ctx.t('protocol-already-started') });
        return;
      case 'not_yours':
        ctx.deps.logger.warn("Refused a press on another user's protocol", { [LOG_JOB_ID]: jobId });
        await ctx.answerCallbackQuery({ text: ctx.t('protocol-not-yours'), show_alert: true });
        return;
      default:
        // Unknown, expired or cancelled: say so, and take the dead buttons away.
        await ctx.answerCallbackQuery({ text: ctx.t('protocol-stale'), show_alert: true });
        await ctx.editMessageReplyMarkup().catch(() => {});
    }
  },
);

// Cancel: only the owner's own quote, and only before it was confirmed.
composer.callbackQuery(
  new RegExp(`^${PROTOCOL_CANCEL}:([\\w-]{1,64})$`),
  handledBy('protocol'),
  async (ctx) => {
    const protocols = ctx.deps.protocols;
    const jobId = ctx.match[1] as string;
    const result = protocols ? await protocols.cancel({ jobId, userId: ctx.from.id }) : 'not_found';
    if (result === 'cancelled') {
      await ctx.answerCallbackQuery();
      await ctx.editMessageText(ctx.t('protocol-cancelled'));
      return;
    }
    const key = result === 'not_yours' ? 'protocol-not-yours' : 'protocol-stale';
    await ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true });
  },
);

/** Protocols from long texts: the menu entry, long texts and .txt/.md documents, confirm and cancel. */
export const protocolFeature = composer;

import { context, propagation, trace } from '@opentelemetry/api';
import { Composer, GrammyError, type InlineKeyboard } from 'grammy';
import type { ProtocolJob, ProtocolService, ProtocolSource } from '../../../services/protocols/index.ts';
import { ATTR_PROTOCOL_JOB_ID, LOG_JOB_ID } from '../../../telemetry/attributes.ts';
import { addLogContext } from '../../../telemetry/log-context.ts';
import type { BotContext } from '../../context.ts';
import { languageOf } from '../../i18n.ts';
import { MENU } from '../../keyboards/main-menu.ts';
import { handledBy } from '../../middlewares/handled-by.ts';
import {
  PROTOCOL_CANCEL,
  PROTOCOL_CONFIRM,
  protocolIntroKeyboard,
  protocolQuoteKeyboard,
} from './protocol-keyboard.ts';
import { isTextDocument, readTextDocument } from './read-document.ts';

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
  const view = await quoteView(ctx, job);
  await ctx.reply(view.text, view.other);
}

/** A job's quote: size, segments, price against the balance, the parts a paste came in, its buttons. */
async function quoteView(
  ctx: BotContext,
  job: ProtocolJob,
): Promise<{ text: string; other: { parse_mode: 'HTML'; reply_markup: InlineKeyboard } }> {
  const balance = await ctx.deps.billing.balance(job.userId);
  const key = balance >= job.price ? 'protocol-quote' : 'protocol-quote-short';
  const quote = ctx.t(key, { chars: job.inputChars, segments: job.segmentCount, price: job.price, balance });
  const parts = job.partCount > 1 ? `\n${ctx.t('protocol-paste-parts', { parts: job.partCount })}` : '';
  return {
    text: `${quote}${parts}`,
    other: { parse_mode: 'HTML', reply_markup: protocolQuoteKeyboard(ctx, job, balance < job.price) },
  };
}

/** What a quote shows changes only with its parts. */
const shownState = (job: ProtocolJob) => `${job.status}:${job.partCount}:${job.inputChars}:${job.price}`;

/** Edits a bot message; an edit that changes nothing (a redelivered part) is not a failure. */
async function editShown(
  ctx: BotContext,
  messageId: number,
  text: string,
  other: object = {},
): Promise<void> {
  try {
    await ctx.api.editMessageText(ctx.chat?.id ?? 0, messageId, text, other);
  } catch (error) {
    if (error instanceof GrammyError && /message is not modified/.test(error.description)) return;
    throw error;
  }
}

/**
 * Shows the job's quote in its message until the message shows what the database holds: another
 * part may join while an edit is on its way (updates of one chat can run on two instances).
 */
async function refreshQuote(ctx: BotContext, protocols: ProtocolService, job: ProtocolJob): Promise<void> {
  let current: ProtocolJob | undefined = job;
  for (let round = 0; round < 3 && current?.status === 'quoted' && current.quoteMessageId; round++) {
    const view = await quoteView(ctx, current);
    await editShown(ctx, current.quoteMessageId, view.text, view.other);
    const shown = shownState(current);
    current = await protocols.get(job.id);
    if (current && shownState(current) === shown) return;
  }
  if (current?.tooLong) await answerTooLong(ctx, current);
}

/** One answer for a text over PROTOCOL_MAX_CHARS, in place of its quote; nothing was charged. */
async function answerTooLong(ctx: BotContext, job: ProtocolJob): Promise<void> {
  const max = ctx.deps.protocols?.settings.maxChars ?? job.inputChars;
  const text = ctx.t('protocol-paste-too-long', { chars: job.inputChars, max });
  // Without reply_markup the edit takes Confirm and Cancel away.
  if (job.quoteMessageId) await editShown(ctx, job.quoteMessageId, text, { parse_mode: 'HTML' });
  else await ctx.reply(text, { parse_mode: 'HTML' });
}

/** Sends the quote of a new text job and records its message, then catches up with parts that joined meanwhile. */
async function sendQuote(ctx: BotContext, protocols: ProtocolService, job: ProtocolJob): Promise<void> {
  const view = await quoteView(ctx, job);
  const sent = await ctx.reply(view.text, view.other);
  const current = await protocols.setQuoteMessage(job.id, sent.message_id);
  if (!current || current.quoteMessageId !== sent.message_id) return;
  if (current.tooLong) await answerTooLong(ctx, current);
  else if (shownState(current) !== shownState(job)) await refreshQuote(ctx, protocols, current);
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

// A long text message is offered as a protocol, and the next parts of a paste (Telegram clients send
// a text over 4096 characters as several messages) join its quote, edited in place. Shorter messages
// and commands that continue nothing go on to other features.
privateChat.on('message:text', async (ctx, next) => {
  const protocols = ctx.deps.protocols;
  if (!protocols) return next();
  const message = ctx.message;
  const outcome = await protocols.receiveText({
    userId: ctx.from.id,
    chatId: ctx.chat.id,
    messageId: message.message_id,
    sentAt: new Date(message.date * 1000),
    text: message.text,
    language: languageOf(ctx, ctx.deps.config.defaultLanguage),
    canStart: !message.text.startsWith('/'),
  });
  if (outcome.kind === 'none') return next();
  ctx.state.feature = 'protocol';
  tagJob(outcome.job.id);
  switch (outcome.kind) {
    case 'quoted':
      await sendQuote(ctx, protocols, outcome.job);
      return;
    case 'appended':
      await refreshQuote(ctx, protocols, outcome.job);
      return;
    case 'too_long':
      // Once for the whole paste: the parts after the one that crossed the limit are swallowed.
      if (outcome.first) await answerTooLong(ctx, outcome.job);
      return;
  }
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
  // The price is on buttons since pastes join quotes; older buttons have none.
  new RegExp(`^${PROTOCOL_CONFIRM}:([\\w-]{1,64}?)(?::(\\d{1,9}))?$`),
  handledBy('protocol'),
  async (ctx) => {
    const protocols = ctx.deps.protocols;
    const jobId = ctx.match[1] as string;
    const expectedPrice = ctx.match[2] === undefined ? undefined : Number(ctx.match[2]);
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
      expectedPrice,
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
      case 'changed':
        // More of the paste arrived after this quote was drawn: nothing charged, the new price shown.
        await ctx.answerCallbackQuery({ text: ctx.t('protocol-paste-price-changed'), show_alert: true });
        await refreshQuote(ctx, protocols, result.job);
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

import { isDeepStrictEqual } from 'node:util';
import { badRequest, queryTooOld } from './api-error.ts';
import {
  captionFields,
  findEditable,
  nowSeconds,
  readCaption,
  readMessageText,
  readReplyTo,
  sendBotMessage,
  setField,
  touchBotMessage,
} from './message-builder.ts';
import type { MethodContext } from './method-context.ts';
import { inlineOnly, readReplyMarkup } from './reply-markup.ts';

/** https://core.telegram.org/bots/api#sendchataction */
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** https://core.telegram.org/bots/api#answercallbackquery: "0-200 characters". */
const MAX_CALLBACK_ANSWER = 200;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** sendMessage */
export function sendMessage(ctx: MethodContext): unknown {
  const chatId = ctx.params.chatId();
  const text = readMessageText(ctx.params);
  const replyMarkup = readReplyMarkup(ctx.params);
  const replyTo = readReplyTo(ctx.params, ctx.bot.chat(chatId));
  const entry = sendBotMessage(
    ctx,
    chatId,
    {
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      text: text.text,
      ...(text.entities.length > 0 ? { entities: text.entities } : {}),
    },
    { source: text.source, parseMode: text.parseMode, replyMarkup },
  );
  return entry.raw;
}

/** editMessageText: leaving out reply_markup removes the inline keyboard, as in Telegram. */
export function editMessageText(ctx: MethodContext): unknown {
  const { chat, entry } = findEditable(ctx);
  if (typeof entry.raw.text !== 'string') throw badRequest('there is no text in the message to edit');
  const text = readMessageText(ctx.params);
  const markup = inlineOnly(readReplyMarkup(ctx.params));
  const entities = text.entities.length > 0 ? text.entities : undefined;
  if (
    text.text === entry.raw.text &&
    isDeepStrictEqual(entities, entry.raw.entities) &&
    isDeepStrictEqual(markup, entry.raw.reply_markup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  entry.raw.text = text.text;
  setField(entry.raw, 'entities', entities);
  setField(entry.raw, 'reply_markup', markup);
  entry.raw.edit_date = nowSeconds();
  entry.source = text.source;
  entry.parseMode = text.parseMode;
  entry.replyMarkup = markup;
  entry.editedCount++;
  touchBotMessage(ctx, chat, entry);
  return entry.raw;
}

/** editMessageCaption */
export function editMessageCaption(ctx: MethodContext): unknown {
  const { chat, entry } = findEditable(ctx);
  if (typeof entry.raw.text === 'string' || !entry.media) {
    throw badRequest('there is no caption in the message to edit');
  }
  const caption = readCaption(ctx.params);
  const markup = inlineOnly(readReplyMarkup(ctx.params));
  const fields = captionFields(caption);
  if (
    isDeepStrictEqual(fields.caption, entry.raw.caption) &&
    isDeepStrictEqual(fields.caption_entities, entry.raw.caption_entities) &&
    isDeepStrictEqual(markup, entry.raw.reply_markup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  setField(entry.raw, 'caption', fields.caption);
  setField(entry.raw, 'caption_entities', fields.caption_entities);
  setField(entry.raw, 'reply_markup', markup);
  entry.raw.edit_date = nowSeconds();
  entry.source = caption?.source;
  entry.parseMode = caption?.parseMode;
  entry.replyMarkup = markup;
  entry.editedCount++;
  touchBotMessage(ctx, chat, entry);
  return entry.raw;
}

/** editMessageReplyMarkup: no reply_markup removes the keyboard. */
export function editMessageReplyMarkup(ctx: MethodContext): unknown {
  const { chat, entry } = findEditable(ctx);
  const markup = inlineOnly(readReplyMarkup(ctx.params));
  if (isDeepStrictEqual(markup, entry.raw.reply_markup)) throw badRequest(NOT_MODIFIED);
  setField(entry.raw, 'reply_markup', markup);
  entry.raw.edit_date = nowSeconds();
  entry.replyMarkup = markup;
  entry.editedCount++;
  touchBotMessage(ctx, chat, entry);
  return entry.raw;
}

/** deleteMessage: bots may delete their own messages and, in private chats, the user's. */
export function deleteMessage(ctx: MethodContext): unknown {
  const chat = ctx.bot.chat(ctx.params.chatId());
  const entry = chat.messages.get(ctx.params.messageId());
  if (!entry || entry.deleted) throw badRequest('message to delete not found');
  entry.deleted = true;
  touchBotMessage(ctx, chat, entry);
  return true;
}

/** sendChatAction */
export function sendChatAction(ctx: MethodContext): unknown {
  const chatId = ctx.params.chatId();
  const action = ctx.params.string('action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  ctx.bot.chat(chatId).chatActions.push(action);
  ctx.core.emit('chat-action', { token: ctx.bot.token, chatId, action, ...traceOf(ctx) });
  return true;
}

/**
 * answerCallbackQuery: each query can be answered once, within the TTL. A text over 200 characters
 * (UTF-16 units, like every Telegram length) is refused with MESSAGE_TOO_LONG, Telegram's answer
 * (github.com/eternnoir/pyTelegramBotAPI/issues/500), and leaves the query unanswered.
 */
export function answerCallbackQuery(ctx: MethodContext): unknown {
  const queryId = ctx.params.required('callback_query_id');
  const text = ctx.params.string('text');
  if (text !== undefined && text.length > MAX_CALLBACK_ANSWER) throw badRequest('MESSAGE_TOO_LONG');
  const pending = ctx.bot.callbackQueries.get(queryId);
  ctx.bot.callbackQueries.delete(queryId);
  if (!pending || Date.now() - pending.createdAt > ctx.core.options.callbackQueryTtlMs) throw queryTooOld();
  const url = ctx.params.string('url');
  const answer = {
    queryId,
    ...(text ? { text } : {}),
    ...(ctx.params.has('show_alert') ? { showAlert: ctx.params.bool('show_alert') } : {}),
    ...(url ? { url } : {}),
  };
  if (pending.chatId !== undefined) ctx.bot.chat(pending.chatId).callbackAnswers.push(answer);
  ctx.core.emit('callback-answer', { token: ctx.bot.token, chatId: pending.chatId, answer, ...traceOf(ctx) });
  return true;
}

function traceOf(ctx: MethodContext): { traceId?: string } {
  return ctx.traceId ? { traceId: ctx.traceId } : {};
}

import { badRequest, blockedByUser, tooManyRequests } from './api-error.ts';
import { deleteMyCommands, getMe, getMyCommands, setMyCommands } from './bot-methods.ts';
import { getFile, sendMedia, sendMediaGroup } from './media-methods.ts';
import {
  answerCallbackQuery,
  deleteMessage,
  editMessageCaption,
  editMessageReplyMarkup,
  editMessageText,
  sendChatAction,
  sendMessage,
} from './message-methods.ts';
import type { MethodContext, MethodHandler } from './method-context.ts';
import {
  answerPreCheckoutQuery,
  getStarTransactions,
  refundStarPayment,
  sendInvoice,
} from './payment-methods.ts';
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './update-methods.ts';

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
  answerCallbackQuery,
  sendPhoto: sendMedia('photo'),
  sendVideo: sendMedia('video'),
  sendAudio: sendMedia('audio'),
  sendDocument: sendMedia('document'),
  sendAnimation: sendMedia('animation'),
  sendVoice: sendMedia('voice'),
  sendSticker: sendMedia('sticker'),
  sendMediaGroup,
  getFile,
  sendInvoice,
  answerPreCheckoutQuery,
  refundStarPayment,
  getStarTransactions,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
};

/** Bot API method names are case-insensitive (https://core.telegram.org/bots/api#making-requests). */
const BY_LOWER_NAME = new Map(
  Object.entries(HANDLERS).map(([name, handler]) => [name.toLowerCase(), handler]),
);

/** Methods that post into a chat: they need a known chat and a user who has not blocked the bot. */
const CHAT_BOUND = /^(send|edit|copy|forward)/;

/** The handler for a method name, if the fake implements it. */
export function findMethod(name: string): MethodHandler | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** Runs a method with the chat checks and sending limits every chat-bound method shares. */
export async function executeMethod(ctx: MethodContext, handler: MethodHandler): Promise<unknown> {
  const name = ctx.method.toLowerCase();
  const chatBound =
    CHAT_BOUND.test(name) && !(name.startsWith('edit') && ctx.params.has('inline_message_id'));
  const limiter = chatBound && name !== 'sendchataction' ? ctx.bot.limiter : undefined;
  let chatId: number | undefined;
  if (chatBound) {
    chatId = ctx.params.chatId();
    if (!ctx.core.knownChats.has(chatId)) throw badRequest('chat not found');
    if (ctx.bot.blocked.has(chatId)) throw blockedByUser();
    const retryAfter = limiter?.check(chatId);
    if (retryAfter !== undefined) throw tooManyRequests(retryAfter);
  }
  const result = await handler(ctx);
  // Each message of an album counts against the limits.
  if (limiter && chatId !== undefined) limiter.record(chatId, Array.isArray(result) ? result.length : 1);
  return result;
}

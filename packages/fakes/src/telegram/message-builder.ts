import type { MessageEntity, Update } from 'grammy/types';
import { badRequest } from './api-error.ts';
import type { BotState } from './bot-state.ts';
import { type ChatEntry, type ChatState, toChatMessage } from './chat-state.ts';
import type { FakeCore } from './fake-core.ts';
import { formatText } from './formatted-text.ts';
import type { MethodContext } from './method-context.ts';
import type { Params } from './params.ts';
import { assertUserMessage } from './user-message-limits.ts';

/** https://core.telegram.org/bots/api#sendmessage and #sendphoto (caption). */
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** Unix seconds, as in every Telegram date field. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The Chat object of a known chat. */
export function chatObject(core: FakeCore, chatId: number): Record<string, unknown> {
  return core.knownChats.get(chatId) ?? { id: chatId, type: chatId > 0 ? 'private' : 'group' };
}

/** A text or caption after parse_mode, plus what the bot sent. */
export interface MessageText {
  source: string;
  text: string;
  entities: MessageEntity[];
  parseMode: string | undefined;
}

/** Reads `text` with parse_mode/entities and Telegram's empty and length checks. */
export function readMessageText(params: Params): MessageText {
  const source = params.string('text') ?? '';
  if (source === '') throw badRequest('message text is empty');
  const parseMode = params.string('parse_mode') || undefined;
  const formatted = formatText(
    source,
    parseMode,
    params.json<MessageEntity[]>('entities', 'message entities'),
  );
  if (formatted.text === '') throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  return { source, ...formatted, parseMode };
}

/** Reads an optional `caption`; undefined when absent or empty. */
export function readCaption(params: Params): MessageText | undefined {
  const source = params.string('caption') ?? '';
  if (source === '') return undefined;
  const parseMode = params.string('parse_mode') || undefined;
  const entities = params.json<MessageEntity[]>('caption_entities', 'caption entities');
  const formatted = formatText(source, parseMode, entities);
  if (formatted.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  return { source, ...formatted, parseMode };
}

/** Message fields for a caption. */
export function captionFields(caption: MessageText | undefined): Record<string, unknown> {
  if (!caption || caption.text === '') return {};
  return {
    caption: caption.text,
    ...(caption.entities.length > 0 ? { caption_entities: caption.entities } : {}),
  };
}

/** `reply_to_message` for reply_parameters / reply_to_message_id, with Telegram's not-found rule. */
export function readReplyTo(params: Params, chat: ChatState): Record<string, unknown> | undefined {
  const replyParameters = params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    'reply_parameters',
    'reply parameters',
  );
  const messageId = replyParameters?.message_id ?? params.int('reply_to_message_id');
  if (messageId === undefined) return undefined;
  const target = chat.messages.get(messageId);
  if (!target || target.deleted) {
    const allow = replyParameters?.allow_sending_without_reply ?? params.bool('allow_sending_without_reply');
    if (allow) return undefined;
    throw badRequest('message to be replied not found');
  }
  const { reply_to_message: _nested, ...reply } = structuredClone(target.raw);
  return reply;
}

/** Stores a new bot message in a chat and announces it. */
export function sendBotMessage(
  ctx: MethodContext,
  chatId: number,
  fields: Record<string, unknown>,
  extra: Partial<ChatEntry> = {},
): ChatEntry {
  const chat = ctx.bot.chat(chatId);
  const raw: Record<string, unknown> = {
    message_id: chat.newMessageId(),
    from: ctx.bot.user,
    chat: chatObject(ctx.core, chatId),
    date: nowSeconds(),
    ...fields,
  };
  if (extra.replyMarkup && 'inline_keyboard' in extra.replyMarkup) raw.reply_markup = extra.replyMarkup;
  const entry: ChatEntry = { raw, fromBot: true, seq: 0, editedCount: 0, deleted: false, ...extra };
  chat.add(entry, ctx.traceId);
  ctx.core.emit('bot-message', { token: ctx.bot.token, chatId, message: toChatMessage(entry) });
  return entry;
}

/** Records an edit or deletion of a bot message and announces it. */
export function touchBotMessage(ctx: MethodContext, chat: ChatState, entry: ChatEntry): void {
  chat.touch(entry, entry.fromBot ? ctx.traceId : undefined);
  if (entry.fromBot) {
    ctx.core.emit('bot-edit', { token: ctx.bot.token, chatId: chat.id, message: toChatMessage(entry) });
  }
}

/** The bot message an edit* call targets. */
export function findEditable(ctx: MethodContext): { chat: ChatState; entry: ChatEntry } {
  if (ctx.params.has('inline_message_id')) throw badRequest('message to edit not found');
  const chat = ctx.bot.chat(ctx.params.chatId());
  const entry = chat.messages.get(ctx.params.messageId());
  if (!entry || entry.deleted) throw badRequest('message to edit not found');
  if (!entry.fromBot) throw badRequest("message can't be edited");
  return { chat, entry };
}

/** Sets or removes a field of a stored Message. */
export function setField(raw: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete raw[key];
  else raw[key] = value;
}

/** Stores a message from a user in their private chat and queues it as an update. */
export function addUserMessage(
  core: FakeCore,
  bot: BotState,
  userId: number,
  fields: Record<string, unknown>,
): { update: Update; entry: ChatEntry } {
  assertUserMessage(fields);
  const chat = bot.chat(userId);
  const raw: Record<string, unknown> = {
    message_id: chat.newMessageId(),
    from: core.users.get(userId),
    chat: chatObject(core, userId),
    date: nowSeconds(),
    ...fields,
  };
  // The id is taken first so listeners of the 'update' event already see it on the entry.
  const updateId = bot.queue.nextUpdateId();
  const entry: ChatEntry = { raw, fromBot: false, seq: 0, editedCount: 0, deleted: false, updateId };
  chat.add(entry);
  chat.markUserAction();
  return { update: core.enqueue(bot, { message: structuredClone(raw) }, updateId), entry };
}

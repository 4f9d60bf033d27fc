import type {
  ForceReply,
  InlineKeyboardMarkup,
  LabeledPrice,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
} from 'grammy/types';

/** Sending limits the fake enforces per bot token. */
export interface RateLimits {
  /** Messages per second across all chats of one bot. @default 30 */
  globalPerSecond: number;
  /** Sustained messages per second in one private chat. @default 1 */
  perChatPerSecond: number;
  /** Messages a private chat may take at once before the per-chat rate applies. @default 3 */
  perChatBurst?: number;
  /** Messages per minute in one group (negative chat id). @default 20 */
  perGroupPerMinute?: number;
}

/** Options for `createTelegramFake`. */
export interface TelegramFakeOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (ephemeral) */
  port?: number;
  /** `false` disables rate limiting. @default { globalPerSecond: 30, perChatPerSecond: 1, perChatBurst: 3, perGroupPerMinute: 20 } */
  rateLimits?: RateLimits | false;
  /** Redeliveries of one update after a non-2xx webhook answer. @default 3 */
  webhookRetries?: number;
  /** Pause before each webhook redelivery. @default 100 */
  webhookRetryDelayMs?: number;
  /** Token a `user()` without `token` talks to; otherwise the first valid token seen. */
  defaultToken?: string;
  /** How long a callback query can still be answered. @default 15000 */
  callbackQueryTtlMs?: number;
  /** How long `pay()` waits for `answerPreCheckoutQuery` (Telegram allows 10 s). @default 10000 */
  preCheckoutTimeoutMs?: number;
  /**
   * The first update_id handed out. Telegram never restarts ids at 1, so a sandbox that keeps its
   * database across restarts passes something like Date.now() to avoid reusing ids. @default 1
   */
  firstUpdateId?: number;
}

/** An uploaded file as recorded in `ApiCall.payload`. */
export interface UploadDescriptor {
  filename: string;
  size: number;
  mimeType: string;
}

/** One Bot API request the fake received. */
export interface ApiCall {
  token: string;
  /** Method name as sent (Telegram treats it case-insensitively). */
  method: string;
  /** Parsed parameters; uploaded files appear as `UploadDescriptor`. */
  payload: Record<string, unknown>;
  /** Unix milliseconds when the request arrived. */
  at: number;
  response: { ok: boolean; error_code?: number; description?: string; dropped?: boolean };
}

/** What kind of failure a fault simulates. */
export type FaultKind = '429' | '5xx' | 'blocked' | 'drop' | 'delay' | 'url-fail';

/** A failure to inject into matching requests. */
export interface Fault {
  /** Method name (case-insensitive) or pattern; any method when omitted. */
  method?: string | RegExp;
  chatId?: number;
  token?: string;
  /** For `url-fail`: which media URL fails; any URL when omitted. */
  url?: string | RegExp;
  kind: FaultKind;
  /** For `429`. @default 1 */
  retryAfter?: number;
  /** For `5xx`: 500 or 502 (others answer "Internal Server Error"). @default 500 */
  status?: number;
  /** For `delay`. @default 1000 */
  delayMs?: number;
  /** How many matching requests fail. @default 1 */
  times?: number;
  /** `after` runs the method first and then fails the response (the bot sees an error for a message that was sent). @default 'before' */
  phase?: 'before' | 'after';
  /** Overrides the error description (e.g. `url-fail` with "Bad Request: wrong file identifier/HTTP URL specified"). */
  description?: string;
}

/** Injects failures into Bot API requests. */
export interface FaultInjector {
  inject(fault: Fault): void;
  clear(): void;
}

/** Reply markup as the bot sent it. */
export type AnyReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** Media attached to a bot message. */
export interface ChatMedia {
  kind: 'photo' | 'video' | 'audio' | 'document' | 'animation' | 'voice' | 'sticker';
  /** How the bot supplied the file. */
  sentAs: 'url' | 'file_id' | 'upload';
  url?: string;
  /** The file_id Telegram assigned (for photos: the largest size). */
  fileId: string;
  upload?: UploadDescriptor;
}

/** An invoice the bot sent. */
export interface ChatInvoice {
  title: string;
  description: string;
  currency: string;
  totalAmount: number;
  payload: string;
  prices: LabeledPrice[];
}

/** A bot message in a chat, in its current state (edits applied). */
export interface ChatMessage {
  messageId: number;
  date: number;
  /** Text as the user sees it (after parse_mode). */
  text?: string;
  caption?: string;
  /** Text or caption exactly as the bot sent it, before parse_mode. */
  source?: string;
  entities?: MessageEntity[];
  parseMode?: string;
  replyMarkup?: AnyReplyMarkup;
  media?: ChatMedia;
  mediaGroupId?: string;
  invoice?: ChatInvoice;
  replyToMessageId?: number;
  editedCount: number;
  deleted: boolean;
  /** The Message object as Telegram would return it now. */
  raw: Message;
}

/** An answerCallbackQuery call. */
export interface CallbackAnswer {
  queryId: string;
  text?: string;
  showAlert?: boolean;
  url?: string;
}

/** Outcome of `FakeUser.pay()`. */
export interface PaymentResult {
  approved: boolean;
  errorMessage?: string;
  telegramPaymentChargeId?: string;
}

/** A Stars payment made through the fake. */
export interface StarPayment {
  telegramPaymentChargeId: string;
  totalAmount: number;
  invoicePayload: string;
  refunded: boolean;
}

/** Who a fake user is. */
export interface FakeUserInit {
  id: number;
  firstName?: string;
  username?: string;
  languageCode?: string;
  /** Which bot this user talks to. */
  token?: string;
}

/** A button to press: the first inline button matching every given field. */
export interface ButtonTarget {
  messageId?: number;
  text?: string | RegExp;
  data?: string;
}

/** A Telegram user talking to the bot in a private chat (chat id = user id). */
export interface FakeUser {
  readonly id: number;
  /** Queues a text message; a leading /command gets a bot_command entity. Unblocks a blocked bot. */
  sendText(text: string): Promise<Update>;
  sendCommand(cmd: string, args?: string): Promise<Update>;
  sendDocument(doc: {
    fileName: string;
    mimeType: string;
    content: string | Uint8Array;
    caption?: string;
  }): Promise<Update>;
  sendPhoto(photo: { content: Uint8Array; caption?: string }): Promise<Update>;
  sendSticker(): Promise<Update>;
  /** Edits the user's last text message and queues an edited_message. */
  editLastText(text: string): Promise<Update>;
  /** Presses the first inline button matching `target` on the bot's messages, latest first. */
  pressButton(target: ButtonTarget): Promise<Update>;
  /** Pays an invoice (the latest one by default): pre_checkout_query, then successful_payment if approved. */
  pay(invoiceMessageId?: number): Promise<PaymentResult>;
  payments(): ReadonlyArray<StarPayment>;
  /** Blocks the bot: chat-bound calls answer 403 and the bot gets my_chat_member (kicked). */
  block(): void;
  unblock(): void;
  /** The bot's messages in this chat, oldest first, deleted ones included (flagged). */
  messages(): ReadonlyArray<ChatMessage>;
  /** The newest bot message that is not deleted. */
  lastMessage(): ChatMessage | undefined;
  /**
   * The first bot message sent, edited or deleted after the user's last action and after the
   * message the previous wait returned, that matches `pred` (default: not deleted); already
   * there or still to come. With `afterMessageId`: any message with a higher id, in its current
   * state. Rejects after `timeoutMs` (default 5000) listing what the bot sent and its API errors.
   */
  waitForMessage(
    pred?: (m: ChatMessage) => boolean,
    opts?: { timeoutMs?: number; afterMessageId?: number },
  ): Promise<ChatMessage>;
  callbackAnswers(): ReadonlyArray<CallbackAnswer>;
  /** Resolves when the bot answers the callback query (default timeout 5000 ms). */
  waitForCallbackAnswer(queryId: string, timeoutMs?: number): Promise<CallbackAnswer>;
  chatActions(): ReadonlyArray<string>;
  /** Queues any update (channel_post, …) with a fresh update_id; chats in it become known. */
  deliverUpdate(update: Partial<Update>): Promise<Update>;
}

/** Events the fake emits, for live UIs. */
export interface TelegramFakeEvents {
  'api-call': ApiCall;
  update: { token: string; update: Update };
  'bot-message': { token: string; chatId: number; message: ChatMessage };
  /** Edits and deletions (`message.deleted`). */
  'bot-edit': { token: string; chatId: number; message: ChatMessage };
  'chat-action': { token: string; chatId: number; action: string };
  'callback-answer': { token: string; chatId?: number; answer: CallbackAnswer };
}

/** Name of an event the fake emits. */
export type TelegramFakeEventName = keyof TelegramFakeEvents;

/** A running fake Bot API server. */
export interface TelegramFake {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly apiRoot: string;
  readonly port: number;
  /** A user (cached by id and token); their private chat becomes known to the bot. */
  user(init: FakeUserInit): FakeUser;
  readonly faults: FaultInjector;
  calls(token?: string): ReadonlyArray<ApiCall>;
  /** Queues an update with a chosen update_id (replaying one tests duplicate delivery). */
  enqueueRaw(token: string, update: Partial<Update> & { update_id: number }): Update;
  on<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
  off<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
}

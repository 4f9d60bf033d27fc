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
  /**
   * Keeps users, chats (messages with their keyboards and media), files, payments, pending updates
   * and the id counters in this directory, so a restarted fake continues where it stopped (the
   * sandbox's). Off by default: tests keep everything in memory.
   */
  dataDir?: string;
  /** Serves the web chat (a browser Telegram client with fault switches) at `/`. Off by default. */
  webChat?: WebChatOptions;
}

/** A fault the web chat page can switch on and off (the sandbox adds KIE and LLM ones). */
export interface FaultSwitch {
  /** Stable id used in URLs, e.g. `telegram-429`. */
  readonly id: string;
  /** Which service it breaks, e.g. `Telegram`, `KIE`, `LLM`. */
  readonly group: string;
  readonly label: string;
  readonly description?: string;
  isOn(): boolean;
  set(on: boolean): void;
}

/** Options of the web chat served by the fake. */
export interface WebChatOptions {
  /** Where trace links point (Grafana Explore with the Tempo datasource). @default 'http://localhost:3000' */
  grafanaUrl?: string;
  /** Switches shown next to the fake's own (Telegram 429s). */
  switches?: FaultSwitch[];
  /**
   * Origins whose media URLs the page may load through the fake (the bot sends KIE result URLs,
   * reachable from the bot but not always from the browser, e.g. in Docker). Others are redirected to.
   */
  mediaOrigins?: string[];
  /** Who the bot treats as admins (its ADMIN_IDS), asked when a page loads: the page tells them so. */
  adminIds?: () => readonly number[];
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
  /** Trace id from the request's W3C `traceparent` header, if it had a valid one. */
  traceId?: string;
  /** The update the bot was handling, from its `baggage` entry `telegram.update.id`. */
  updateId?: number;
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
  /** Disarms one injected fault (the same object), whatever is left of its `times`. */
  remove(fault: Fault): void;
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
  /** Trace ids of the Bot API calls that sent and edited it (W3C `traceparent`), oldest first, distinct. */
  traceIds?: string[];
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
/** How a user's text message is sent. */
export interface SendTextOptions {
  /**
   * The messages' `date` (Unix seconds; every part of a split text gets it, as a client sends them
   * within a second), so a test can place messages in time without sleeping. @default now
   */
  readonly date?: number;
}

export interface FakeUser {
  readonly id: number;
  /**
   * Queues a text message; a leading /command gets a bot_command entity. Unblocks a blocked bot.
   * A text over 4096 UTF-16 units goes as several messages, cut as clients cut it (splitLongText);
   * the update of the last one is returned (sendLongText returns them all).
   */
  sendText(text: string, options?: SendTextOptions): Promise<Update>;
  /** sendText returning the update of every part, in order. */
  sendLongText(text: string, options?: SendTextOptions): Promise<Update[]>;
  sendCommand(cmd: string, args?: string): Promise<Update>;
  sendDocument(doc: {
    fileName: string;
    mimeType: string;
    content: string | Uint8Array;
    caption?: string;
  }): Promise<Update>;
  sendPhoto(photo: { content: Uint8Array; caption?: string }): Promise<Update>;
  /** Sends a regular 512×512 WebP sticker standing for `emoji` (default 👍). */
  sendSticker(sticker?: { emoji?: string }): Promise<Update>;
  /** Edits the user's last text message and queues an edited_message. */
  editLastText(text: string): Promise<Update>;
  /** Presses the first inline button matching `target` on the bot's messages, latest first. */
  pressButton(target: ButtonTarget): Promise<Update>;
  /**
   * Sends a callback query with any data, on the given (default: latest) bot message: what a stale
   * button, a forwarded keyboard or a modified client produces. Bots must not trust the data.
   */
  pressData(data: string, messageId?: number): Promise<Update>;
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
  'chat-action': { token: string; chatId: number; action: string; traceId?: string };
  'callback-answer': { token: string; chatId?: number; answer: CallbackAnswer; traceId?: string };
  /** The first Bot API call made while handling an update named it (baggage) and its trace. */
  'update-trace': { token: string; updateId: number; traceId: string };
}

/** Name of an event the fake emits. */
export type TelegramFakeEventName = keyof TelegramFakeEvents;

/** A running fake Bot API server. */
export interface TelegramFake {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly apiRoot: string;
  readonly port: number;
  /** The web chat page, when `webChat` was set. */
  readonly webChatUrl: string | undefined;
  /** A user (cached by id and token); their private chat becomes known to the bot. */
  user(init: FakeUserInit): FakeUser;
  readonly faults: FaultInjector;
  calls(token?: string): ReadonlyArray<ApiCall>;
  /** The trace of an update, once a Bot API call made while handling it arrived. */
  updateTrace(token: string, updateId: number): string | undefined;
  /** Queues an update with a chosen update_id (replaying one tests duplicate delivery). */
  enqueueRaw(token: string, update: Partial<Update> & { update_id: number }): Update;
  on<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
  off<E extends TelegramFakeEventName>(event: E, listener: (e: TelegramFakeEvents[E]) => void): void;
}

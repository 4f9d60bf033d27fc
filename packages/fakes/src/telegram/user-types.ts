import type { Update } from 'grammy/types';
import type { CallbackAnswer, ChatMessage } from './chat-types.ts';

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

/** How a user's text message is sent. */
export interface SendTextOptions {
  /**
   * The messages' `date` (Unix seconds; every part of a split text gets it, as a client sends them
   * within a second), so a test can place messages in time without sleeping. @default now
   */
  readonly date?: number;
}

/** A Telegram user talking to the bot in a private chat (chat id = user id). */
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

import type { Update, User } from 'grammy/types';
import type { BotState } from './bot-state.ts';
import { type ChatEntry, toChatMessage } from './chat-state.ts';
import { type FakeCore, TOKEN_PATTERN } from './fake-core.ts';
import { describeTarget, findButton } from './find-button.ts';
import { mediaFields } from './media-wire.ts';
import { addUserMessage, nowSeconds } from './message-builder.ts';
import { payInvoice } from './pay-invoice.ts';
import { newQueryId } from './query-id.ts';
import { setBlocked } from './set-blocked.ts';
import { splitLongText } from './split-long-text.ts';
import type {
  ButtonTarget,
  CallbackAnswer,
  ChatMessage,
  FakeUser,
  FakeUserInit,
  PaymentResult,
  SendTextOptions,
  StarPayment,
} from './types.ts';
import { assertUserMessage } from './user-message-limits.ts';
import { waitForCallbackAnswer } from './wait-for-callback-answer.ts';
import { summarize, waitForBotMessage } from './wait-for-message.ts';

/** A 1×1 WebP, so downloaded stickers are real images. */
const STICKER_WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

/** Creates a user who talks to the bot through the fake. */
export function createFakeUser(core: FakeCore, init: FakeUserInit): FakeUser {
  return new TelegramUser(core, init);
}

class TelegramUser implements FakeUser {
  readonly id: number;
  private readonly core: FakeCore;
  private readonly token: string | undefined;
  private readonly from: User;
  /** `seq` of the last message waitForMessage returned: the next wait looks past it. */
  private cursor = 0;

  constructor(core: FakeCore, init: FakeUserInit) {
    if (!Number.isSafeInteger(init.id) || init.id <= 0)
      throw new Error(`FakeUser id must be a positive integer, got ${init.id}`);
    if (init.token !== undefined && !TOKEN_PATTERN.test(init.token)) {
      throw new Error('FakeUser token must look like "123456:ABCdef_ghijk" (digits, colon, 10+ chars)');
    }
    this.id = init.id;
    this.core = core;
    this.token = init.token;
    this.from = core.registerUser(init);
  }

  async sendText(text: string, options: SendTextOptions = {}): Promise<Update> {
    const updates = await this.sendLongText(text, options);
    return updates.at(-1) as Update;
  }

  async sendLongText(text: string, options: SendTextOptions = {}): Promise<Update[]> {
    // Telegram trims a message; one of only whitespace is empty, and clients do not send it.
    if (text.trim() === '') throw new Error('sendText: Telegram clients cannot send empty messages');
    if (options.date !== undefined && !Number.isSafeInteger(options.date))
      throw new Error(`sendText: date must be Unix seconds, got ${options.date}`);
    // One message per part, in order, as a client sends a paste longer than 4096 units.
    return splitLongText(text).map((part) => {
      const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(part);
      const entities = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
      return this.send({
        text: part,
        ...(entities ? { entities } : {}),
        ...(options.date !== undefined ? { date: options.date } : {}),
      });
    });
  }

  sendCommand(cmd: string, args?: string): Promise<Update> {
    const name = cmd.replace(/^\//, '');
    return this.sendText(args ? `/${name} ${args}` : `/${name}`);
  }

  async sendDocument(doc: {
    fileName: string;
    mimeType: string;
    content: string | Uint8Array;
    caption?: string;
  }): Promise<Update> {
    const content = typeof doc.content === 'string' ? new TextEncoder().encode(doc.content) : doc.content;
    const file = this.bot().files.add('document', content, {
      fileName: doc.fileName,
      mimeType: doc.mimeType,
    });
    return this.send({ ...mediaFields('document', file), ...(doc.caption ? { caption: doc.caption } : {}) });
  }

  async sendPhoto(photo: { content: Uint8Array; caption?: string }): Promise<Update> {
    const largest = this.bot().files.addPhoto(photo.content).at(-1)!;
    return this.send({
      ...mediaFields('photo', largest),
      ...(photo.caption ? { caption: photo.caption } : {}),
    });
  }

  async sendSticker(sticker: { emoji?: string } = {}): Promise<Update> {
    const file = this.bot().files.add('sticker', new Uint8Array(STICKER_WEBP), { mimeType: 'image/webp' });
    return this.send(mediaFields('sticker', file, sticker.emoji ? { emoji: sticker.emoji } : {}));
  }

  async editLastText(text: string): Promise<Update> {
    const bot = this.bot();
    const chat = bot.chat(this.id);
    const entry = [...chat.messages.values()]
      .reverse()
      .find((e) => !e.fromBot && !e.deleted && 'text' in e.raw);
    if (!entry) throw new Error(`editLastText: user ${this.id} has not sent a text message yet`);
    assertUserMessage({ text }, 'editLastText');
    entry.raw.text = text;
    delete entry.raw.entities;
    entry.raw.edit_date = nowSeconds();
    entry.editedCount++;
    chat.touch(entry);
    chat.markUserAction();
    return this.core.enqueue(bot, { edited_message: structuredClone(entry.raw) });
  }

  async pressButton(target: ButtonTarget): Promise<Update> {
    const bot = this.bot();
    const chat = bot.chat(this.id);
    const entries = chat
      .botEntries()
      .filter((e) => !e.deleted && (target.messageId === undefined || e.raw.message_id === target.messageId))
      .reverse();
    for (const entry of entries) {
      const button = findButton(entry, target);
      if (!button) continue;
      if (!('callback_data' in button) || button.callback_data === undefined) {
        throw new Error(
          `pressButton: button "${button.text}" on #${entry.raw.message_id} has no callback_data`,
        );
      }
      return this.press(button.callback_data, entry);
    }
    const available = entries.map((e) => summarize(toChatMessage(e))).join('; ') || 'no bot messages';
    throw new Error(
      `pressButton: no inline button matches ${describeTarget(target)} in chat ${this.id} (${available})`,
    );
  }

  async pressData(data: string, messageId?: number): Promise<Update> {
    const chat = this.bot().chat(this.id);
    return this.press(
      data,
      messageId === undefined ? chat.botEntries().at(-1) : chat.messages.get(messageId),
    );
  }

  /** Queues a callback query the bot must answer, as pressing a button on `entry` does. */
  private press(data: string, entry: ChatEntry | undefined): Update {
    const bot = this.bot();
    const id = newQueryId();
    bot.callbackQueries.set(id, { chatId: this.id, createdAt: Date.now() });
    bot.chat(this.id).markUserAction();
    return this.core.enqueue(bot, {
      callback_query: {
        id,
        from: this.from,
        ...(entry && { message: structuredClone(entry.raw) }),
        chat_instance: String(BigInt(this.id) * 1_000_003n + BigInt(bot.id)),
        data,
      },
    });
  }

  // Async, so a user with no bot yet gets a rejected promise, as from every other send.
  async pay(invoiceMessageId?: number): Promise<PaymentResult> {
    return payInvoice(this.core, this.bot(), this.from, invoiceMessageId);
  }

  payments(): ReadonlyArray<StarPayment> {
    return [...this.bot().charges.values()]
      .filter((c) => c.userId === this.id)
      .map((c) => ({
        telegramPaymentChargeId: c.chargeId,
        totalAmount: c.totalAmount,
        invoicePayload: c.payload,
        refunded: c.refunded,
      }));
  }

  block(): void {
    this.setBlocked(true);
  }

  unblock(): void {
    this.setBlocked(false);
  }

  messages(): ReadonlyArray<ChatMessage> {
    return this.bot().chat(this.id).botEntries().map(toChatMessage);
  }

  lastMessage(): ChatMessage | undefined {
    const entry = this.bot()
      .chat(this.id)
      .botEntries()
      .reverse()
      .find((e) => !e.deleted);
    return entry ? toChatMessage(entry) : undefined;
  }

  async waitForMessage(
    pred: (m: ChatMessage) => boolean = (m) => !m.deleted,
    opts: { timeoutMs?: number; afterMessageId?: number } = {},
  ): Promise<ChatMessage> {
    const bot = this.bot();
    const chat = bot.chat(this.id);
    const scope = {
      afterSeq: Math.max(chat.userActionSeq, this.cursor),
      ...(opts.afterMessageId !== undefined ? { afterMessageId: opts.afterMessageId } : {}),
    };
    const { message, seq } = await waitForBotMessage(
      this.core,
      bot,
      this.id,
      pred,
      scope,
      opts.timeoutMs ?? 5000,
    );
    this.cursor = Math.max(this.cursor, seq);
    return message;
  }

  callbackAnswers(): ReadonlyArray<CallbackAnswer> {
    return [...this.bot().chat(this.id).callbackAnswers];
  }

  waitForCallbackAnswer(queryId: string, timeoutMs = 5000): Promise<CallbackAnswer> {
    return waitForCallbackAnswer(this.core, this.bot(), this.id, queryId, timeoutMs);
  }

  chatActions(): ReadonlyArray<string> {
    return [...this.bot().chat(this.id).chatActions];
  }

  async deliverUpdate(update: Partial<Update>): Promise<Update> {
    const bot = this.bot();
    const { update_id: _ignored, ...fields } = update;
    for (const message of [update.message, update.edited_message]) {
      if (message) assertUserMessage(message as unknown as Record<string, unknown>, 'deliverUpdate');
    }
    bot.chat(this.id).markUserAction();
    return this.core.enqueue(bot, fields);
  }

  private bot(): BotState {
    const token = this.core.resolveToken(this.token);
    if (!token) {
      throw new Error(
        `FakeUser ${this.id} has no bot yet: pass { token } to fake.user(), set defaultToken, or let the bot call the API first`,
      );
    }
    return this.core.bot(token);
  }

  private send(fields: Record<string, unknown>): Update {
    // Writing to a bot you blocked unblocks it, as Telegram's "Restart" button does.
    this.setBlocked(false);
    return addUserMessage(this.core, this.bot(), this.id, fields).update;
  }

  /** Blocking is what makes Telegram answer 403 and post a my_chat_member update. */
  private setBlocked(blocked: boolean): void {
    setBlocked(this.core, this.bot(), this.from, blocked);
  }
}

import type { BotCommand, StarTransaction, User, UserFromGetMe } from 'grammy/types';
import type { ApiError } from './api-error.ts';
import { ChatState, type SavedChat } from './chat-state.ts';
import { FileStore, type SavedFiles } from './file-store.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { type SavedQueue, UpdateQueue } from './update-queue.ts';

/** A webhook set with setWebhook. */
export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** A callback query waiting for answerCallbackQuery. */
export interface PendingCallback {
  chatId: number | undefined;
  createdAt: number;
}

/** A pre-checkout query waiting for answerPreCheckoutQuery. */
export interface PendingPreCheckout {
  userId: number;
  resolve(answer: { ok: boolean; errorMessage?: string }): void;
}

/** A completed Stars payment. */
export interface Charge {
  userId: number;
  chargeId: string;
  currency: string;
  totalAmount: number;
  payload: string;
  refunded: boolean;
}

/** What `BotState.save()` keeps: what Telegram remembers across a restart of either side. */
export interface SavedBot {
  token: string;
  queue: SavedQueue;
  files: SavedFiles;
  chats: SavedChat[];
  callbackQueries: Array<[string, PendingCallback]>;
  charges: Charge[];
  starTransactions: StarTransaction[];
  commands: Array<[string, BotCommand[]]>;
  blocked: number[];
}

/** Everything the fake keeps for one bot token. */
export class BotState {
  readonly token: string;
  readonly id: number;
  readonly queue: UpdateQueue;
  readonly files = new FileStore();
  readonly chats = new Map<number, ChatState>();
  readonly callbackQueries = new Map<string, PendingCallback>();
  readonly preCheckouts = new Map<string, PendingPreCheckout>();
  readonly charges = new Map<string, Charge>();
  /**
   * The bot's Star transactions in the order they happened: each payment as an incoming one (`source`),
   * each refund as an outgoing one (`receiver`) under the payment's id, as getStarTransactions reports.
   */
  readonly starTransactions: StarTransaction[] = [];
  /** Command lists keyed by scope JSON and language code. */
  readonly commands = new Map<string, BotCommand[]>();
  readonly blocked = new Set<number>();
  readonly limiter: RateLimiter | undefined;
  webhook: WebhookConfig | undefined;
  /** The pending long poll, which a newer getUpdates terminates. */
  poll: { terminate(error: ApiError): void } | undefined;

  constructor(token: string, limiter: RateLimiter | undefined, firstUpdateId = 1) {
    this.token = token;
    this.queue = new UpdateQueue(firstUpdateId);
    this.id = Number(token.slice(0, token.indexOf(':')));
    this.limiter = limiter;
  }

  get username(): string {
    return `sandbox_${this.id}_bot`;
  }

  /** The bot as the `from` of its messages. */
  get user(): User {
    return { id: this.id, is_bot: true, first_name: 'Sandbox Bot', username: this.username };
  }

  /** The getMe answer. */
  get me(): UserFromGetMe {
    return {
      ...this.user,
      is_bot: true,
      username: this.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  /** The bot's state as plain data; `blobOf` stores file bytes (see FileStore.save). */
  save(blobOf: (content: Uint8Array) => string | undefined): SavedBot {
    return {
      token: this.token,
      queue: this.queue.save(),
      files: this.files.save(blobOf),
      chats: [...this.chats.values()].map((c) => c.save()),
      callbackQueries: [...this.callbackQueries],
      charges: [...this.charges.values()],
      starTransactions: [...this.starTransactions],
      commands: [...this.commands],
      blocked: [...this.blocked],
    };
  }

  /** Restores `save()` into this (fresh) state; a webhook is not kept: the bot sets it when it starts. */
  load(saved: SavedBot, readBlob: (name: string) => Uint8Array | undefined): void {
    this.queue.load(saved.queue);
    this.files.load(saved.files, readBlob);
    for (const chat of saved.chats) this.chats.set(chat.id, ChatState.load(chat));
    for (const [id, pending] of saved.callbackQueries) this.callbackQueries.set(id, pending);
    for (const charge of saved.charges) this.charges.set(charge.chargeId, charge);
    this.starTransactions.push(...saved.starTransactions);
    for (const [key, list] of saved.commands) this.commands.set(key, list);
    for (const id of saved.blocked) this.blocked.add(id);
  }

  chat(chatId: number): ChatState {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = new ChatState(chatId);
      this.chats.set(chatId, chat);
    }
    return chat;
  }
}

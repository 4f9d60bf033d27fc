import { EventEmitter } from 'node:events';
import type { Update, User } from 'grammy/types';
import { BotState } from './bot-state.ts';
import { FakePersistence, type Persistable, type SavedCore } from './fake-persistence.ts';
import { FaultRegistry } from './faults.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RequestTrace } from './trace-headers.ts';
import type {
  ApiCall,
  FakeUserInit,
  RateLimits,
  TelegramFakeEventName,
  TelegramFakeEvents,
  TelegramFakeOptions,
} from './types.ts';
import { WebhookDelivery } from './webhook-delivery.ts';

/** Any token of this shape names a bot (https://core.telegram.org/bots/api#authorizing-your-bot). */
export const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{10,}$/;

/** Update traces remembered; the oldest are forgotten first (a sandbox runs for days). */
const MAX_UPDATE_TRACES = 10_000;

/** Options with defaults applied. */
export interface ResolvedOptions {
  host: string;
  port: number;
  rateLimits: RateLimits | false;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  defaultToken: string | undefined;
  callbackQueryTtlMs: number;
  preCheckoutTimeoutMs: number;
  firstUpdateId: number;
  dataDir: string | undefined;
}

/** Applies defaults and rejects options that cannot work. */
export function resolveOptions(options: TelegramFakeOptions = {}): ResolvedOptions {
  if (options.defaultToken !== undefined && !TOKEN_PATTERN.test(options.defaultToken)) {
    throw new Error(
      'TelegramFakeOptions.defaultToken must look like "123456:ABCdef_ghijk" (digits, colon, 10+ chars)',
    );
  }
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    rateLimits: options.rateLimits ?? { globalPerSecond: 30, perChatPerSecond: 1 },
    webhookRetries: options.webhookRetries ?? 3,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 100,
    defaultToken: options.defaultToken,
    callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000,
    preCheckoutTimeoutMs: options.preCheckoutTimeoutMs ?? 10_000,
    firstUpdateId: options.firstUpdateId ?? 1,
    dataDir: options.dataDir,
  };
}

/** State shared by the HTTP server, the method handlers and fake users. */
export class FakeCore implements Persistable {
  readonly options: ResolvedOptions;
  readonly events = new EventEmitter();
  readonly faults = new FaultRegistry();
  readonly bots = new Map<string, BotState>();
  /** Chats the bot may write to: users created with `user()` and chats seen in updates. */
  readonly knownChats = new Map<number, Record<string, unknown>>();
  readonly users = new Map<number, User>();
  readonly calls: ApiCall[] = [];
  readonly stopController = new AbortController();
  /** Set with `dataDir`: keeps this state across restarts. */
  readonly persistence: FakePersistence | undefined;
  /** Set by the server: runs a method a webhook answered with. */
  webhookReply: (bot: BotState, body: string) => void = () => {};
  private readonly deliveries = new Map<string, WebhookDelivery>();
  /** Trace id by `${token}:${update_id}`, from the first call made while handling the update. */
  private readonly updateTraces = new Map<string, string>();

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.events.setMaxListeners(0); // every waitForMessage listens for a while
    if (options.dataDir) {
      const persistence = new FakePersistence(options.dataDir);
      this.persistence = persistence;
      persistence.attach(this);
      // Every change to chats, files, payments or the queue comes with an API call or an update.
      this.events.on('api-call', () => persistence.changed());
      this.events.on('update', () => persistence.changed());
    }
  }

  /** Users, chats, traces and every bot, as plain data (fake-persistence.ts). */
  save(blobOf: (content: Uint8Array) => string | undefined): SavedCore {
    return {
      users: [...this.users.values()],
      knownChats: [...this.knownChats],
      updateTraces: [...this.updateTraces],
      bots: [...this.bots.values()].map((bot) => bot.save(blobOf)),
    };
  }

  /** Restores `save()`; all or nothing, so a damaged file leaves an empty fake, not half of one. */
  load(saved: SavedCore, readBlob: (name: string) => Uint8Array | undefined): void {
    try {
      for (const user of saved.users as User[]) this.users.set(user.id, user);
      for (const [id, chat] of saved.knownChats) this.knownChats.set(id, chat);
      for (const [key, traceId] of saved.updateTraces) this.updateTraces.set(key, traceId);
      for (const bot of saved.bots) this.bot(bot.token).load(bot, readBlob);
    } catch (error) {
      this.users.clear();
      this.knownChats.clear();
      this.updateTraces.clear();
      this.bots.clear();
      throw error;
    }
  }

  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** The state of a bot, created on first use. The token must match TOKEN_PATTERN. */
  bot(token: string): BotState {
    let bot = this.bots.get(token);
    if (!bot) {
      const limits = this.options.rateLimits;
      bot = new BotState(
        token,
        limits === false ? undefined : new RateLimiter(limits),
        this.options.firstUpdateId,
      );
      this.bots.set(token, bot);
    }
    return bot;
  }

  /** The token a fake user talks to: explicit, then the default, then the first bot seen. */
  resolveToken(explicit: string | undefined): string | undefined {
    return explicit ?? this.options.defaultToken ?? this.bots.keys().next().value;
  }

  registerUser(init: FakeUserInit): User {
    const user: User = {
      id: init.id,
      is_bot: false,
      first_name: init.firstName ?? `User ${init.id}`,
      ...(init.username ? { username: init.username } : {}),
      ...(init.languageCode ? { language_code: init.languageCode } : {}),
    };
    this.users.set(init.id, user);
    this.persistence?.changed();
    this.knownChats.set(init.id, {
      id: init.id,
      type: 'private',
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
    });
    return user;
  }

  /**
   * Queues an update (update_id assigned unless given) for getUpdates or the webhook. `replay`: a
   * caller-chosen id that may repeat an earlier one; kept until delivered once.
   */
  enqueue(bot: BotState, fields: object, updateId?: number, replay = false): Update {
    const update_id = updateId ?? bot.queue.nextUpdateId();
    if (updateId !== undefined) bot.queue.noteId(updateId);
    const update = { ...fields, update_id } as Update;
    this.learnChats(update);
    bot.queue.push(update, replay);
    this.emit('update', { token: bot.token, update });
    this.webhookChanged(bot);
    return update;
  }

  /** Starts or wakes webhook delivery after setWebhook, deleteWebhook or a new update. */
  webhookChanged(bot: BotState): void {
    if (!bot.webhook) {
      bot.queue.wake();
      return;
    }
    let delivery = this.deliveries.get(bot.token);
    if (!delivery) {
      delivery = new WebhookDelivery(bot, {
        retries: this.options.webhookRetries,
        retryDelayMs: this.options.webhookRetryDelayMs,
        stopSignal: this.stopSignal,
        onReply: (b, body) => this.webhookReply(b, body),
      });
      this.deliveries.set(bot.token, delivery);
    }
    delivery.kick();
  }

  /** Notes the trace a request was made in; the first call naming an update gives that update's trace. */
  noteRequestTrace(token: string, trace: RequestTrace): void {
    if (trace.updateId === undefined) return;
    const key = `${token}:${trace.updateId}`;
    if (this.updateTraces.has(key)) return;
    this.updateTraces.set(key, trace.traceId);
    if (this.updateTraces.size > MAX_UPDATE_TRACES) {
      this.updateTraces.delete(this.updateTraces.keys().next().value as string);
    }
    this.emit('update-trace', { token, updateId: trace.updateId, traceId: trace.traceId });
  }

  /** The trace an update was handled in, once known. */
  updateTrace(token: string, updateId: number): string | undefined {
    return this.updateTraces.get(`${token}:${updateId}`);
  }

  /** Emits an event; a throwing listener never breaks the fake. */
  emit<E extends TelegramFakeEventName>(event: E, payload: TelegramFakeEvents[E]): void {
    try {
      this.events.emit(event, payload);
    } catch {
      // listeners belong to tests and UIs; their bugs must not change API answers
    }
  }

  private learnChats(update: Update): void {
    for (const value of Object.values(update)) {
      if (value === null || typeof value !== 'object') continue;
      const holder = value as { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } } };
      for (const chat of [holder.chat, holder.message?.chat]) {
        if (chat && typeof chat.id === 'number' && !this.knownChats.has(chat.id)) {
          this.knownChats.set(chat.id, chat as Record<string, unknown>);
        }
      }
    }
  }
}

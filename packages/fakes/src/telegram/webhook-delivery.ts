import type { Update } from 'grammy/types';
import type { BotState, WebhookConfig } from './bot-state.ts';
import { sleep } from './sleep.ts';
import { updateChatKey } from './update-queue.ts';

/** Telegram gives a webhook about a minute; the fake is stricter so stuck tests fail sooner. */
const WEBHOOK_TIMEOUT_MS = 30_000;

/** What webhook delivery needs from the fake. */
export interface WebhookDeliveryDeps {
  retries: number;
  retryDelayMs: number;
  stopSignal: AbortSignal;
  /** A 2xx answer with a JSON body may carry a method call ("webhook reply"). */
  onReply(bot: BotState, body: string): void;
}

/**
 * Pushes a bot's queued updates to its webhook over up to `max_connections` parallel requests,
 * redelivering on a non-2xx answer or a network error up to `retries` times. Updates of one chat
 * go one at a time and in order, so only different chats run in parallel.
 */
export class WebhookDelivery {
  private readonly bot: BotState;
  private readonly deps: WebhookDeliveryDeps;
  private readonly inFlight = new Set<Update>();
  private readonly busyChats = new Set<number>();
  private workers = 0;

  constructor(bot: BotState, deps: WebhookDeliveryDeps) {
    this.bot = bot;
    this.deps = deps;
  }

  /** Starts workers while a webhook is set and deliverable updates wait. */
  kick(): void {
    const hook = this.bot.webhook;
    if (!hook || this.deps.stopSignal.aborted) return;
    while (this.workers < hook.maxConnections && this.next() !== undefined) {
      this.workers++;
      this.work()
        .catch(() => {}) // the worker handles its own errors; nothing may crash the fake
        .finally(() => {
          this.workers--;
          this.kick();
        });
    }
  }

  private next(): Update | undefined {
    return this.bot.queue.first((u) => {
      const key = updateChatKey(u);
      return this.inFlight.has(u) || (key !== undefined && this.busyChats.has(key));
    });
  }

  private async work(): Promise<void> {
    for (;;) {
      const hook = this.bot.webhook;
      const update = this.next();
      if (!hook || !update || this.deps.stopSignal.aborted) return;
      const key = updateChatKey(update);
      this.inFlight.add(update);
      if (key !== undefined) this.busyChats.add(key);
      try {
        // A webhook removed mid-delivery leaves the update queued for getUpdates.
        if ((await this.deliver(hook, update)) !== 'cancelled') this.bot.queue.remove(update);
      } finally {
        this.inFlight.delete(update);
        if (key !== undefined) this.busyChats.delete(key);
      }
    }
  }

  private async deliver(hook: WebhookConfig, update: Update): Promise<'delivered' | 'failed' | 'cancelled'> {
    const { retries, retryDelayMs, stopSignal } = this.deps;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && !(await sleep(retryDelayMs * attempt, stopSignal))) return 'cancelled';
      if (this.bot.webhook !== hook || stopSignal.aborted) return 'cancelled';
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(hook.secretToken ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {}),
          },
          body: JSON.stringify(update),
          signal: AbortSignal.any([stopSignal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
        });
        const body = await res.text();
        if (res.ok) {
          if (body) this.deps.onReply(this.bot, body);
          return 'delivered';
        }
        this.recordError(hook, `Wrong response from the webhook: ${res.status} ${res.statusText}`);
      } catch (err) {
        if (stopSignal.aborted) return 'cancelled';
        this.recordError(hook, describeNetworkError(err));
      }
    }
    return 'failed';
  }

  private recordError(hook: WebhookConfig, message: string): void {
    hook.lastErrorDate = Math.floor(Date.now() / 1000);
    hook.lastErrorMessage = message;
  }
}

/** Telegram's wording for webhook connection failures. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'Connection refused';
  if ((err as Error).name === 'TimeoutError') return 'Read timeout expired';
  return 'Connection failed';
}

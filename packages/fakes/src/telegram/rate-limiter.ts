import type { RateLimits } from './types.ts';

/** Limits used when the options leave them out (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  globalPerSecond: 30,
  perChatPerSecond: 1,
  perChatBurst: 3,
  perGroupPerMinute: 20,
};

/**
 * A token bucket: a smoothed sliding window that allows `capacity` at once and refills at `perMs`.
 * Sends may overdraw it (an album of ten), which only lengthens the next wait.
 */
class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(capacity: number, perMs: number, now: number) {
    this.capacity = capacity;
    this.perMs = perMs;
    this.tokens = capacity;
    this.last = now;
  }

  /** Milliseconds until one token is available. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  take(count: number, now: number): void {
    this.refill(now);
    this.tokens -= count;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }
}

/** Per-bot sending limits: one global bucket plus one per chat. */
export class RateLimiter {
  private readonly limits: Required<RateLimits>;
  private readonly global: TokenBucket;
  private readonly chats = new Map<number, TokenBucket>();

  constructor(limits: RateLimits, now = Date.now()) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
    this.global = new TokenBucket(this.limits.globalPerSecond, this.limits.globalPerSecond / 1000, now);
  }

  /** Seconds to wait before sending to `chatId` (the 429's retry_after), or undefined if allowed now. */
  check(chatId: number, now = Date.now()): number | undefined {
    const waitMs = Math.max(this.global.waitMs(now), this.chat(chatId, now).waitMs(now));
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
  }

  /** Counts `count` messages sent to `chatId`. */
  record(chatId: number, count = 1, now = Date.now()): void {
    this.global.take(count, now);
    this.chat(chatId, now).take(count, now);
  }

  private chat(chatId: number, now: number): TokenBucket {
    let bucket = this.chats.get(chatId);
    if (!bucket) {
      const { perChatBurst, perChatPerSecond, perGroupPerMinute } = this.limits;
      bucket =
        chatId < 0
          ? new TokenBucket(perGroupPerMinute, perGroupPerMinute / 60_000, now)
          : new TokenBucket(perChatBurst, perChatPerSecond / 1000, now);
      this.chats.set(chatId, bucket);
    }
    return bucket;
  }
}

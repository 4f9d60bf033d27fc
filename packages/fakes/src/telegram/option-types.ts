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

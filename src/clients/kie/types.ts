import type { RateLimiter } from './rate-limiter.ts';

/** The five states KIE documents for recordInfo (kie-api.md §2). */
export type KieTaskState = 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';

/** Capped exponential backoff between attempts. */
export interface KieRetryOptions {
  /** Attempts in total, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** @default 500 */
  readonly baseDelayMs?: number;
  /** @default 8000 */
  readonly maxDelayMs?: number;
}

/** Options of `createKieClient`; the first five come from `config.kie`. */
export interface KieClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Connect, headers and body timeout of each attempt. */
  readonly timeoutMs: number;
  readonly createPer10s: number;
  readonly pollsPerSecond: number;
  /** @default `tg-genbot/<package version>` */
  readonly userAgent?: string;
  /** The createTask window; only tests shorten it. @default 10000 */
  readonly createWindowMs?: number;
  /** The recordInfo window. @default 1000 */
  readonly pollWindowMs?: number;
  readonly retry?: KieRetryOptions;
  /** Limiters shared with other clients of the same key; by default the client owns its own. */
  readonly limiters?: { readonly create: RateLimiter; readonly poll: RateLimiter };
}

/** A Market createTask request (§2). */
export interface KieCreateTaskRequest {
  readonly model: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly callBackUrl?: string;
}

/** Caller context of createTask: telemetry ids, cancellation and queue progress. */
export interface KieCreateContext {
  readonly generationId?: string;
  readonly userId?: string | number;
  readonly signal?: AbortSignal;
  /** Called with the 1-based position while waiting for the rate limiter ("you are #3 in line"). */
  readonly onQueuePosition?: (position: number) => void;
}

/** Caller context of recordInfo. */
export interface KiePollContext {
  /** The caller's poll count for this task, for the span. */
  readonly attempt?: number;
  readonly model?: string;
  readonly signal?: AbortSignal;
}

/** recordInfo `data`, parsed: JSON strings decoded, empty strings dropped, extra fields optional (§9 row 5). */
export interface KieTaskInfo {
  readonly taskId: string;
  readonly model: string;
  /** A documented state, or an unknown one reported as-is (treat it as still running, §9 row 4). */
  readonly state: KieTaskState | (string & {});
  /** True only for `success` and `fail`. */
  readonly done: boolean;
  readonly resultUrls?: readonly string[];
  readonly resultWaterMarkUrls?: readonly string[];
  readonly failCode?: string;
  readonly failMsg?: string;
  /** The original create request, decoded from the `param` JSON string. */
  readonly param?: unknown;
  /** Raw, unit uncertain (seconds?, §9 row 9). */
  readonly costTime?: number;
  readonly consumeCredits?: number;
  readonly remainedCredits?: number;
  readonly createTime?: number;
  readonly updateTime?: number;
  readonly completeTime?: number;
}

/** The KIE client: Market jobs and credits. */
export interface KieClient {
  createTask(request: KieCreateTaskRequest, ctx?: KieCreateContext): Promise<{ taskId: string }>;
  recordInfo(taskId: string, ctx?: KiePollContext): Promise<KieTaskInfo>;
  /** The account balance, or undefined when KIE answers in a shape we do not know (§9 row 12). */
  credits(signal?: AbortSignal): Promise<number | undefined>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

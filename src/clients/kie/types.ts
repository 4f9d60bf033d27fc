import type { Clock } from '../../clock.ts';
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

/** Options of `createKieClient`; the first five (and the upload host and callback key) come from `config.kie`. */
export interface KieClientOptions {
  readonly baseUrl: string;
  /** Host of the file-upload API (§1). @default 'https://kieai.redpandaai.co' */
  readonly uploadBaseUrl?: string;
  /** Folder on the upload host that user files go to. @default 'tg-genbot' */
  readonly uploadPath?: string;
  /** The callback HMAC key: the client only registers it as a secret, `verifyKieCallback` checks with it. */
  readonly callbackHmacKey?: string | undefined;
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
  /** The clock of the client's own limiters and of its queue-wait measure. @default systemClock */
  readonly clock?: Clock;
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
  /**
   * Awaited right before the request leaves (after the limiter, once per attempt): KIE has no
   * idempotency key, so from here on a failure may leave a task behind (§9 row 16) and the caller
   * records that first. A rejection ends the call unsent, with that error.
   */
  readonly onSending?: () => Promise<void>;
}

/**
 * A Suno generate request (§7). `input` carries `prompt` and the options (`instrumental`, `style`…); the
 * client sets `model`, `customMode` (default false) and `instrumental` (default false) itself.
 */
export interface KieMusicTaskRequest {
  /** Suno model name: V4, V4_5, V4_5PLUS, V4_5ALL, V5, V5_5. */
  readonly model: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** Suno requires one; without it the client sends SUNO_PLACEHOLDER_CALLBACK_URL and the caller polls. */
  readonly callBackUrl?: string;
}

/**
 * A Veo 3.1 generate request (kie-api.md §8). `input` carries `prompt` and the options under Veo's own
 * camelCase body keys (`aspectRatio`, `resolution`, `duration`); the client sends the user's photo
 * (`image_urls`, as the bot stores it) as `imageUrls`, a string `duration` as the integer Veo wants, and
 * picks `generationType` from whether there is a photo.
 */
export interface KieVideoTaskRequest {
  /** Veo model: veo3 (Quality), veo3_fast, veo3_lite. */
  readonly model: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly callBackUrl?: string;
}

/** Caller context of uploadFile; no file name or content goes on the span. */
export interface KieUploadOptions {
  /** Sent (sanitised, behind a random prefix) as the `fileName` form field. */
  readonly fileName: string;
  readonly mimeType: string;
  readonly signal?: AbortSignal;
  readonly generationId?: string;
  readonly userId?: string | number;
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
  /** What KIE charged for the task, in KIE credits: `consumeCredits`, or `creditsConsumed` (§5, §11). */
  readonly consumeCredits?: number;
  readonly remainedCredits?: number;
  readonly createTime?: number;
  readonly updateTime?: number;
  readonly completeTime?: number;
  /** Suno only: the raw record-info `status` behind `state` (PENDING, TEXT_SUCCESS…). */
  readonly sunoStatus?: string;
  /** Suno only: the tracks as record-info lists them (two per task, audio URLs set once ready). */
  readonly tracks?: readonly KieSunoTrack[];
  /** Veo only: the raw record-info `successFlag` behind `state` (0 running, 1 success, 2 / 3 failed). */
  readonly veoSuccessFlag?: number;
}

/** One Suno track (`response.sunoData[]`, §7); empty strings dropped. */
export interface KieSunoTrack {
  readonly id: string;
  readonly audioUrl?: string;
  readonly streamAudioUrl?: string;
  readonly imageUrl?: string;
  readonly title?: string;
  readonly tags?: string;
  /** Seconds. */
  readonly duration?: number;
}

/** The KIE client: Market jobs, Suno music, Veo video, file upload and credits. */
export interface KieClient {
  createTask(request: KieCreateTaskRequest, ctx?: KieCreateContext): Promise<{ taskId: string }>;
  recordInfo(taskId: string, ctx?: KiePollContext): Promise<KieTaskInfo>;
  /** Suno POST /api/v1/generate; shares the create limiter (it is a new generation, §4). */
  createMusicTask(request: KieMusicTaskRequest, ctx?: KieCreateContext): Promise<{ taskId: string }>;
  /** Suno GET /api/v1/generate/record-info, normalised to the Market shape (see parse-suno-task-info.ts). */
  musicRecordInfo(taskId: string, ctx?: KiePollContext): Promise<KieTaskInfo>;
  /** Veo 3.1 POST /api/v1/veo/generate; shares the create limiter (§4). */
  createVideoTask(request: KieVideoTaskRequest, ctx?: KieCreateContext): Promise<{ taskId: string }>;
  /** Veo 3.1 GET /api/v1/veo/record-info, normalised to the Market shape (see parse-veo-task-info.ts). */
  videoRecordInfo(taskId: string, ctx?: KiePollContext): Promise<KieTaskInfo>;
  /**
   * Uploads a user file to KIE's upload host and returns its public URL for `image_urls` (§1), so KIE
   * never sees a Telegram file URL (it contains the bot token). KIE keeps it 24 h to 3 days (§9 row 8).
   */
  uploadFile(bytes: Uint8Array, options: KieUploadOptions): Promise<{ url: string }>;
  /** The account balance, or undefined when KIE answers in a shape we do not know (§9 row 12). */
  credits(signal?: AbortSignal): Promise<number | undefined>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

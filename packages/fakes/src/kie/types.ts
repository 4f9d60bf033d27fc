/** The five task states KIE documents for recordInfo (§2); the fake never emits others (§9 row 4). */
export type KieTaskState = 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';

/** Suno record-info `status` values (§7). */
export type SunoStatus =
  | 'PENDING'
  | 'TEXT_SUCCESS'
  | 'FIRST_SUCCESS'
  | 'SUCCESS'
  | 'CREATE_TASK_FAILED'
  | 'GENERATE_AUDIO_FAILED'
  | 'CALLBACK_EXCEPTION'
  | 'SENSITIVE_WORD_ERROR';

/** Endpoints that `failNext` can inject a body code into; `fileStreamUpload` is the upload host's (§1). */
export type KieEndpoint =
  | 'createTask'
  | 'recordInfo'
  | 'generate'
  | 'generateRecordInfo'
  /** Veo 3.1's POST /api/v1/veo/generate and GET /api/v1/veo/record-info (§8). */
  | 'veoGenerate'
  | 'veoRecordInfo'
  | 'credit'
  | 'fileStreamUpload';

/**
 * An answer `faultNext` puts in place of an endpoint's own. The endpoint's handler still runs first (a
 * create makes and charges its task, a poll counts), as when KIE did the work and its answer was
 * garbled or lost on the way back (§9 rows 2, 14, 16).
 */
export type KieFault =
  /** HTTP `httpStatus` (default 200) with a body that is not JSON, e.g. a proxy's HTML error page. */
  | { readonly kind: 'not-json'; readonly httpStatus?: number; readonly body?: string }
  /** HTTP 200 and code 200, but `data` is not an object (null by default): no task id, no task info. */
  | { readonly kind: 'bad-data'; readonly data?: unknown }
  /** The endpoint's own answer, `delayMs` (real, unscaled) late: past the client's timeout. */
  | { readonly kind: 'slow'; readonly delayMs: number };

/** How callbacks for a task are delivered (§9 rows 10–11). */
export type CallbackMode = 'normal' | 'none' | 'duplicate' | 'unsigned' | 'bad-signature' | 'late';

/** Which API made a task: Market jobs, Suno or Veo 3.1. */
export type FakeTaskApi = 'market' | 'suno' | 'veo';

/** Kind of result file a task produces; decides extension and Content-Type. */
export type ResultKind = 'image' | 'video' | 'audio';

/** How the next task(s) for a model behave. */
export interface TaskBehaviour {
  /** `hang` stays in `generating` forever. */
  outcome: 'success' | 'fail' | 'hang';
  /** Time spent in each running state before `timeScale`. @default { waiting: 1000, queuing: 2000, generating: 5000 } */
  stateDurationsMs?: { waiting?: number; queuing?: number; generating?: number };
  /**
   * @default '500' (Suno: a status name such as 'SENSITIVE_WORD_ERROR' picks that status; Veo: the
   * numeric `errorCode` and callback code, 400 / 422 / 500 / 501, default 501)
   */
  failCode?: string;
  /** Veo: a failure reports `successFlag` 3 (created, failed upstream) instead of 2. @default false */
  upstreamFailure?: boolean;
  /** @default 'Internal server error' */
  failMsg?: string;
  /** @default guessed from the model name */
  resultKind?: ResultKind;
  /** Accept the task at once but answer createTask/generate this much later, unscaled (§9 row 16). */
  slowCreateMs?: number;
  /** @default 'normal' */
  callback?: CallbackMode;
  /** Apply to this many tasks, then fall back; without it the behaviour sticks. */
  times?: number;
}

/** Options of `createKieFake`. */
export interface KieFakeOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Base of the result-file URLs when the bot reaches the fake by another name (e.g. in Docker). @default baseUrl */
  publicUrl?: string;
  /** @default 'kie-test-key' */
  apiKey?: string;
  /** Multiplies every state duration and callback retry delay. @default 1 */
  timeScale?: number;
  /** @default 'body-code' */
  transport?: 'body-code' | 'mirror';
  /** @default { createPer10s: 20, recordInfoPerSecond: 10 } */
  rateLimits?: { createPer10s: number; recordInfoPerSecond: number } | false;
  /**
   * Epoch milliseconds as the rate limits see them (task timelines keep the wall clock): a test that
   * moves its client's clock itself passes the same clock here. @default Date.now
   */
  rateLimitClock?: () => number;
  /** @default 10000 */
  credits?: number;
  /** When set, callbacks carry X-Webhook-Timestamp / X-Webhook-Signature (§5). */
  webhookHmacKey?: string;
  /** @default 'msg' */
  messageKey?: 'msg' | 'message';
  /** Reject API calls without a browser-like User-Agent with a bare 403 `error code: 1010`. @default false */
  requireUserAgent?: boolean;
  /** Result files answer 404 this many (real, unscaled, possibly fractional) seconds after completion. */
  resultExpirySeconds?: number;
  /** Uploaded files answer 404 this many (real, unscaled) seconds after the upload (§9 row 8). */
  uploadExpirySeconds?: number;
  /** Re-sends after the first delivery attempt. @default 3 */
  callbackRetries?: number;
  /** @default 15000 */
  callbackTimeoutMs?: number;
  /** The key finished tasks report their cost under: §5's, or the `creditsConsumed` of §11. @default 'consumeCredits' */
  creditsKey?: 'consumeCredits' | 'creditsConsumed';
}

/** A task as the fake sees it; a snapshot taken when `tasks()` was called. */
export interface FakeTask {
  readonly id: string;
  readonly api: FakeTaskApi;
  readonly model: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The create request body as received. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly state: KieTaskState;
  readonly createdAt: number;
  readonly completedAt?: number;
  readonly callBackUrl?: string;
  /** Number of record-info calls that reached this task. */
  readonly polls: number;
  readonly behaviour: Readonly<TaskBehaviour>;
  readonly resultUrls: readonly string[];
  /** KIE credits the task costs (model-catalog.ts, from §10's prices and the task's input). */
  readonly price: number;
}

/** A file received on POST /api/file-stream-upload; the fake serves it at `url`. */
export interface FakeUpload {
  /** `uploadPath/fileName`. */
  readonly filePath: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size: number;
  /** A copy of the stored bytes. */
  readonly bytes: Buffer;
  readonly uploadedAt: number;
  /** The `downloadUrl` the upload answered with. */
  readonly url: string;
}

/** One HTTP exchange, recorded when it arrived and completed when it ended. */
export interface KieRequestRecord {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Path with the query string. */
  readonly url: string;
  readonly at: number;
  status: number;
  code?: number;
  aborted?: boolean;
  endedAt?: number;
}

/** Payload of the `task` event: a task was created or changed state. */
export interface KieTaskEvent {
  readonly taskId: string;
  readonly state: KieTaskState;
  readonly sunoStatus?: SunoStatus;
}

/** Payload of the `callback` event: one delivery attempt finished. */
export interface KieCallbackEvent {
  readonly taskId: string;
  readonly url: string;
  readonly attempt: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Receiver's HTTP status, absent on a network error or timeout. */
  readonly status?: number;
  readonly error?: string;
}

/** Events of the fake: `request` fires when an exchange ends, `task` on creation and each state change. */
export interface KieFakeEvents {
  request: KieRequestRecord;
  task: KieTaskEvent;
  callback: KieCallbackEvent;
}

/** Controls and observations of a running fake KIE server. */
export interface KieFake {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly baseUrl: string;
  readonly port: number;
  script(model: string, behaviour: TaskBehaviour): void;
  failNext(
    endpoint: KieEndpoint,
    code: number,
    opts?: { times?: number; httpStatus?: number; msg?: string },
  ): void;
  /** The next `times` (default 1) calls of `endpoint` get `fault` instead of (or after) their answer. */
  faultNext(endpoint: KieEndpoint, fault: KieFault, opts?: { times?: number }): void;
  tasks(): ReadonlyArray<FakeTask>;
  /** Files uploaded so far, newest version of each path. */
  uploads(): ReadonlyArray<FakeUpload>;
  requests(): ReadonlyArray<Readonly<KieRequestRecord>>;
  /** Current account balance. */
  credits(): number;
  setCredits(n: number): void;
  on<K extends keyof KieFakeEvents>(event: K, listener: (e: KieFakeEvents[K]) => void): void;
  off<K extends keyof KieFakeEvents>(event: K, listener: (e: KieFakeEvents[K]) => void): void;
}

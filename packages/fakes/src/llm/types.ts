/** A chat message as the fake reads it; `content` may be a string or OpenAI content parts. */
export interface ChatMessage {
  role: string;
  content?: unknown;
}

/** What the fake parsed from a chat-completions request; handed to `latencyMs` functions. */
export interface LlmChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  readonly body: Readonly<Record<string, unknown>>;
}

/** HTTP statuses a `status` fault can produce. */
export type LlmFaultStatus = 400 | 401 | 402 | 403 | 408 | 429 | 500 | 502 | 503;

/** A fault for the next call(s): each kind is one way OpenRouter fails (llm-api.md §2–§5). */
export type LlmFault =
  | {
      kind: 'status';
      status: LlmFaultStatus;
      retryAfter?: number;
      message?: string;
      times?: number;
      /** The error comes after this delay (calls sent together are then all in flight when it lands). */
      delayMs?: number;
    }
  /** Answers normally: queued before another fault, it picks which call that fault hits (e.g. the 3rd). */
  | { kind: 'pass'; times?: number }
  /** HTTP 200 whose body (or stream, after some content) is an `error` object. */
  | { kind: 'error-in-200'; times?: number }
  /** HTTP 200 with partial content and `finish_reason: "error"`. */
  | { kind: 'finish-error'; times?: number }
  /** HTTP 200 with empty content. */
  | { kind: 'empty'; times?: number }
  /** HTTP 200 with a truncated JSON body (or SSE chunk). */
  | { kind: 'malformed'; times?: number }
  /** Never answers; the request stays open until the client gives up or the fake stops. */
  | { kind: 'hang'; times?: number };

/** Options of `createLlmFake`. */
export interface LlmFakeOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** @default 'llm-test-key' */
  apiKey?: string;
  /** Delay before the answer (stream: before the first content chunk). @default 0 */
  latencyMs?: number | ((req: LlmChatRequest) => number);
  /** Calls after the first `calls` authenticated ones get 402 (credits exhausted). */
  failAfter?: { calls: number; status: 402 };
  /** Delay between SSE content chunks. @default 5 */
  streamChunkDelayMs?: number;
  /** Interval of `: OPENROUTER PROCESSING` comments while a stream waits for its first token. @default 1000 */
  keepAliveIntervalMs?: number;
  /** The top-level `provider` of responses. @default 'FakeProvider' */
  provider?: string;
}

/** One chat-completions call as the fake saw it; the object is updated until the exchange ends. */
export interface LlmRequestRecord {
  /** Generation id (`gen-…`), also sent as `X-Generation-Id`. */
  readonly id: string;
  readonly path: string;
  readonly startedAt: number;
  endedAt?: number;
  status?: number;
  /** True when the client went away before the answer was complete. */
  aborted: boolean;
  /** The client's TCP port: equal ports on sequential calls mean a reused keep-alive connection. */
  readonly remotePort?: number | undefined;
  model: string;
  /** Total characters of all message contents. */
  messagesChars: number;
  stream: boolean;
  /** The injected fault kind (or `status:NNN` / `failAfter`) that answered this call, if any. */
  fault?: string;
}

/** Events of the fake: `request` when a call arrives, `abort` when its client leaves early, `end` when it closes. */
export interface LlmFakeEvents {
  request: LlmRequestRecord;
  abort: LlmRequestRecord;
  end: LlmRequestRecord;
}

/** Controls and observations of a running fake OpenAI-compatible (OpenRouter-flavoured) server. */
export interface LlmFake {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://127.0.0.1:PORT/api/v1`, the OpenRouter-style base URL an OpenAI-compatible client takes. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  inject(fault: LlmFault): void;
  /** Replaces the `failAfter` option from now on; `undefined` stops the 402s. */
  setFailAfter(failAfter: LlmFakeOptions['failAfter']): void;
  /** Replaces the `latencyMs` option for calls that arrive from now on. */
  setLatency(latencyMs: LlmFakeOptions['latencyMs']): void;
  requests(): ReadonlyArray<Readonly<LlmRequestRecord>>;
  inFlight(): number;
  maxConcurrency(): number;
  /** Authenticated chat calls so far (what `failAfter` counts). */
  calls(): number;
  /** Sum of `usage.cost` of successful calls, as `/key` reports it. */
  usage(): number;
  on<K extends keyof LlmFakeEvents>(event: K, listener: (e: LlmFakeEvents[K]) => void): void;
  off<K extends keyof LlmFakeEvents>(event: K, listener: (e: LlmFakeEvents[K]) => void): void;
}

import type { Attributes } from '@opentelemetry/api';

/** Capped exponential backoff between attempts; a `Retry-After` from the server wins. */
export interface LlmRetryOptions {
  /** Attempts in total, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** @default 500 */
  readonly baseDelayMs?: number;
  /** @default 8000 */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this gives up instead of waiting. @default 30000 */
  readonly maxRetryAfterMs?: number;
}

/** Options of `createLlmClient`; most come from `config.llm`. */
export interface LlmClientOptions {
  /** OpenAI-compatible API root, e.g. `https://openrouter.ai/api/v1`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The model every call uses unless the request names another. */
  readonly model: string;
  /** `gen_ai.provider.name` (OpenRouter is not a well-known value, llm-api.md §9). @default 'openrouter' */
  readonly providerName?: string;
  /** Per-attempt deadline: connect, headers and the whole body. */
  readonly timeoutMs: number;
  readonly retry?: LlmRetryOptions;
  /** Puts prompts and completions on spans (`gen_ai.input.messages` / `output.messages`). @default false */
  readonly captureContent?: boolean;
  /** @default `tg-genbot/<package version>` */
  readonly userAgent?: string;
}

/** One chat message; only text content is used by this bot. */
export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** A non-streaming chat completion request. */
export interface LlmChatRequest {
  readonly messages: readonly LlmMessage[];
  /** Upper bound of the completion; a 402 may also mean "too many for the balance" (llm-api.md §4). */
  readonly maxTokens?: number;
  readonly temperature?: number;
  /** @default the client's model */
  readonly model?: string;
}

/** Caller context: cancellation and the span attributes that tie the call to its job. */
export interface LlmCallContext {
  /** Aborting cancels the request in flight and any retry wait; the call rejects with LlmAbortError. */
  readonly signal?: AbortSignal;
  /** Extra attributes of the `chat {model}` span (enduser.id, protocol.job.id, …). */
  readonly attributes?: Attributes;
}

/** Token counts and the provider's charge (`usage`, llm-api.md §6). */
export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Provider credits; undefined when the provider does not report it. */
  readonly cost: number | undefined;
}

/** A successful completion. */
export interface LlmChatResult {
  /** Generation id (`gen-…` on OpenRouter). */
  readonly id: string | undefined;
  /** The model that answered (may differ from the requested one behind a router). */
  readonly model: string;
  readonly content: string;
  readonly finishReason: string | undefined;
  readonly usage: LlmUsage;
  /** OpenRouter's top-level `provider`: the upstream that served the call. */
  readonly upstreamProvider: string | undefined;
  /** HTTP attempts it took. */
  readonly attempts: number;
}

/** An OpenAI-compatible chat completions client (undici, keep-alive, retries, GenAI spans and metrics). */
export interface LlmClient {
  /** The default model. */
  readonly model: string;
  chat(request: LlmChatRequest, ctx?: LlmCallContext): Promise<LlmChatResult>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

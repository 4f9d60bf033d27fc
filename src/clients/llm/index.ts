/** OpenAI-compatible chat completions client (llm-api.md): OpenRouter by default, any compatible base URL. */
export { abortReason, createLlmClient } from './client.ts';
export {
  LlmAbortError,
  LlmApiError,
  type LlmApiErrorCode,
  type LlmErrorBody,
  LlmHttpError,
  type LlmHttpErrorCode,
  LlmInsufficientCreditsError,
  LlmResponseError,
  type LlmResponseErrorCode,
  toLlmApiError,
  toLlmHttpError,
} from './errors.ts';
export { isRetryableStatus } from './llm-status.ts';
export { type ParsedCompletion, parseCompletion, readErrorBody } from './parse-completion.ts';
export {
  type LlmRetryPolicy,
  llmRetryDelayMs,
  parseRetryAfter,
  resolveLlmRetryPolicy,
} from './retry-policy.ts';
export type * from './types.ts';

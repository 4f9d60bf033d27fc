import { z } from 'zod';
import { booleanFlag, httpUrl, milliseconds, optionalText, positiveInt, text } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** LLM base used when LLM_BASE_URL is not set: OpenRouter's OpenAI-compatible API (llm-api.md §1). */
export const LLM_BASE_URL_DEFAULT = 'https://openrouter.ai/api/v1';
/** Model used when LLM_MODEL is not set. */
export const LLM_MODEL_DEFAULT = 'openai/gpt-4o-mini';

/** The LLM client behind protocols (src/clients/llm; .env.example "LLM"). */
export const llmConfig = {
  /** The LLM behind protocols; `apiKey` undefined means protocols are unavailable. */
  llm: z
    .object({
      /** OpenRouter (or any OpenAI-compatible) key; never echoed in problems. */
      apiKey: fromEnv('LLM_API_KEY', optionalText()),
      /** OpenAI-compatible API root. @default LLM_BASE_URL_DEFAULT ('https://openrouter.ai/api/v1') */
      baseUrl: fromEnv('LLM_BASE_URL', httpUrl(LLM_BASE_URL_DEFAULT)),
      /** @default LLM_MODEL_DEFAULT ('openai/gpt-4o-mini') */
      model: fromEnv('LLM_MODEL', text(LLM_MODEL_DEFAULT)),
      /** `gen_ai.provider.name` on spans and metrics. @default 'openrouter' */
      providerName: fromEnv('LLM_PROVIDER_NAME', text('openrouter')),
      /** Per-attempt timeout of one call. @default 120000 */
      timeoutMs: fromEnv('LLM_TIMEOUT_MS', milliseconds(120_000)),
      /** Attempts per call, the first included (402 and 4xx are never retried). @default 3 */
      maxAttempts: fromEnv('LLM_MAX_ATTEMPTS', positiveInt(3)),
      /** Puts prompts and completions on spans (they may hold personal data). @default false */
      captureContent: fromEnv('LLM_CAPTURE_CONTENT', booleanFlag('false')),
    })
    .readonly(),
};

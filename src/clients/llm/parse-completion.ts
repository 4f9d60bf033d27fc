import { type LlmErrorBody, LlmResponseError, toLlmApiError } from './errors.ts';
import type { LlmUsage } from './types.ts';

/** The parts of a chat completion the client uses. */
export interface ParsedCompletion {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly content: string;
  readonly finishReason: string | undefined;
  readonly usage: LlmUsage;
  readonly upstreamProvider: string | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads OpenRouter's `error` object (llm-api.md §2); `code` may be a number or, in streams, a string. */
export function readErrorBody(error: unknown): LlmErrorBody {
  if (!isRecord(error)) return {};
  const metadata = isRecord(error.metadata) ? error.metadata : {};
  const availability = isRecord(error.availability) ? error.availability : undefined;
  const code = typeof error.code === 'number' || typeof error.code === 'string' ? error.code : undefined;
  return {
    code,
    message: str(error.message),
    errorType: str(metadata.error_type),
    limitSource: str(metadata.limit_source),
    availabilityRetryable: typeof availability?.retryable === 'boolean' ? availability.retryable : undefined,
  };
}

/**
 * Turns one HTTP exchange into a completion or the error it means: a non-2xx status, an `error`
 * member inside a 200, `finish_reason: "error"`, a body that is not JSON, or an empty answer (§5).
 */
export function parseCompletion(
  status: number,
  text: string,
  retryAfterMs: number | undefined,
): ParsedCompletion {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (status >= 200 && status < 300) throw new LlmResponseError('llm.bad_response', 'body is not JSON');
    // A proxy's HTML error page: the status is all there is.
    throw toLlmApiError(status, {}, retryAfterMs);
  }
  const envelope = isRecord(body) ? body : {};
  if (status < 200 || status > 299) throw toLlmApiError(status, readErrorBody(envelope.error), retryAfterMs);
  if (envelope.error !== undefined && envelope.error !== null) {
    throw toLlmApiError(status, readErrorBody(envelope.error), retryAfterMs);
  }
  const choice = Array.isArray(envelope.choices) ? envelope.choices[0] : undefined;
  if (!isRecord(choice)) throw new LlmResponseError('llm.bad_response', 'no choices');
  const finishReason = str(choice.finish_reason);
  const message = isRecord(choice.message) ? choice.message : {};
  const content = typeof message.content === 'string' ? message.content : '';
  if (finishReason === 'error') throw new LlmResponseError('llm.finish_error', 'finish_reason is "error"');
  if (content.trim() === '') throw new LlmResponseError('llm.empty_completion', 'empty content');
  const usage = isRecord(envelope.usage) ? envelope.usage : {};
  return {
    id: str(envelope.id),
    model: str(envelope.model),
    content,
    finishReason,
    usage: {
      inputTokens: num(usage.prompt_tokens) ?? 0,
      outputTokens: num(usage.completion_tokens) ?? 0,
      cost: num(usage.cost),
    },
    upstreamProvider: str(envelope.provider),
  };
}

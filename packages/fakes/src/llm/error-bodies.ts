import type { LlmFaultStatus } from './types.ts';

/** An error response: HTTP status, OpenRouter error body (§2) and extra headers. */
export interface ErrorResponse {
  readonly status: number;
  readonly body: { error: { code: number; message: string; metadata?: Record<string, unknown> } };
  readonly headers: Record<string, string>;
}

/** Context an error body may quote. */
export interface ErrorContext {
  readonly model: string;
  readonly provider: string;
  readonly lastUserText: string;
  readonly retryAfter?: number;
  readonly message?: string;
}

/** Message of the 402 OpenRouter sends when credits run out (OpenAPI example, §4). */
export const INSUFFICIENT_CREDITS = 'Insufficient credits. Add more using https://openrouter.ai/credits';

const RATE_LIMIT = 20;

// At most 100 characters, cut in the middle with '...' (moderation metadata, §2).
function flaggedInput(text: string): string {
  if (text.length <= 100) return text;
  return `${text.slice(0, 48)}...${text.slice(-49)}`;
}

function error(
  status: number,
  message: string,
  metadata?: Record<string, unknown>,
  headers = {},
): ErrorResponse {
  return { status, body: { error: { code: status, message, ...(metadata && { metadata }) } }, headers };
}

/** Builds the error OpenRouter would send with `status`. */
export function errorResponse(status: LlmFaultStatus | 402, ctx: ErrorContext): ErrorResponse {
  const msg = ctx.message;
  const retryAfter = ctx.retryAfter;
  switch (status) {
    case 400:
      return error(400, msg ?? 'Invalid request', { error_type: 'invalid_request' });
    case 401:
      return error(401, msg ?? 'No auth credentials found', { error_type: 'authentication' });
    case 402:
      return error(402, msg ?? INSUFFICIENT_CREDITS, {
        error_type: 'payment_required',
        limit_source: 'openrouter_credits',
      });
    case 403:
      return error(
        403,
        msg ??
          `${ctx.model} requires moderation on ${ctx.provider}. Your input was flagged for "harassment".`,
        {
          reasons: ['harassment'],
          flagged_input: flaggedInput(ctx.lastUserText),
          provider_name: ctx.provider,
          model_slug: ctx.model,
        },
      );
    case 408:
      return error(408, msg ?? 'Request timed out');
    case 429: {
      const seconds = retryAfter ?? 1;
      return error(
        429,
        msg ?? `Rate limit exceeded: limit_rpm/${ctx.model}`,
        { error_type: 'rate_limit_exceeded' },
        {
          'Retry-After': String(seconds),
          'X-RateLimit-Limit': String(RATE_LIMIT),
          'X-RateLimit-Remaining': '0',
          // OpenRouter sends the reset time as epoch milliseconds.
          'X-RateLimit-Reset': String(Date.now() + seconds * 1000),
        },
      );
    }
    case 500:
      return error(500, msg ?? 'Internal Server Error');
    case 502:
      return error(502, msg ?? 'Provider returned error', {
        error_type: 'provider_unavailable',
        provider_name: ctx.provider,
        raw: 'upstream connect error or disconnect/reset before headers',
      });
    case 503:
      return error(
        503,
        msg ?? 'No available model provider that meets your routing requirements',
        { error_type: 'provider_overloaded' },
        retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
      );
  }
}

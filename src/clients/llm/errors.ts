import { AppError } from '../../errors/app-error.ts';
import { redact } from '../../telemetry/redact.ts';
import { isRetryableStatus, isUnavailableStatus } from './llm-status.ts';

/** `llm.<HTTP status or body code>`, except the terminal 402 which gets a name alerts and dashboards match. */
export type LlmApiErrorCode = 'llm.insufficient_credits' | `llm.${string}`;

/** Transport failures: no answer, or not within the timeout. */
export type LlmHttpErrorCode = 'llm.network' | 'llm.timeout';

/** A 200 whose completion cannot be used (llm-api.md §5). */
export type LlmResponseErrorCode = 'llm.bad_response' | 'llm.empty_completion' | 'llm.finish_error';

const MAX_TEXT = 200;
const clip = (text: string): string => redact(text).slice(0, MAX_TEXT);

/** What the provider said in its `error` object (llm-api.md §2). */
export interface LlmErrorBody {
  /** `error.code`: a number equal to the HTTP status, or a string inside streams. */
  readonly code?: number | string | undefined;
  readonly message?: string | undefined;
  /** `metadata.error_type`, a stable typed code in newer OpenRouter answers. */
  readonly errorType?: string | undefined;
  /** `metadata.limit_source` of a 402. */
  readonly limitSource?: string | undefined;
  /** `error.availability.retryable`: when present it decides (§2). */
  readonly availabilityRetryable?: boolean | undefined;
}

/** The API answered with an error: a non-2xx status, or an `error` object inside a 200 (§2, §5). */
export class LlmApiError extends AppError {
  override readonly name: string = 'LlmApiError';
  override readonly code: LlmApiErrorCode;
  readonly httpStatus: number;
  /** `error.code` from the body, or the HTTP status when there is none. */
  readonly errorCode: number | string;
  readonly errorType: string | undefined;
  /** True when the error came inside an HTTP 200 (generation failed after it started). */
  readonly inBody: boolean;
  /** The server's `Retry-After`, in ms. */
  readonly retryAfterMs: number | undefined;
  readonly limitSource: string | undefined;
  readonly availabilityRetryable: boolean | undefined;
  /** The provider's message, secrets scrubbed; for logs only, never for decisions. */
  readonly msg: string;

  constructor(
    httpStatus: number,
    body: LlmErrorBody,
    options: { retryAfterMs?: number | undefined; code?: LlmApiErrorCode; userMessageKey?: string } = {},
  ) {
    const errorCode = body.code ?? httpStatus;
    const code: LlmApiErrorCode = options.code ?? `llm.${codeSuffix(errorCode)}`;
    const msg = clip(body.message ?? '');
    const status = typeof errorCode === 'number' ? errorCode : httpStatus;
    // A string code only occurs inside a 200, for a generation that broke mid-way: worth one more try.
    const retryable =
      body.availabilityRetryable ??
      (status === 402
        ? isTransient402(body, options.retryAfterMs)
        : typeof errorCode === 'string' || isRetryableStatus(status));
    super(`LLM call failed with ${code} (HTTP ${httpStatus}): ${msg}`, {
      code,
      userMessageKey:
        options.userMessageKey ??
        (status === 403
          ? 'error-llm-rejected'
          : isUnavailableStatus(status)
            ? 'error-unavailable'
            : 'error-generic'),
      retryable: code !== 'llm.insufficient_credits' && retryable,
      details: {
        http_status: httpStatus,
        llm_error_code: String(errorCode),
        llm_error_type: body.errorType,
        llm_in_body: httpStatus >= 200 && httpStatus < 300,
        llm_msg: msg,
      },
    });
    this.code = code;
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.errorType = body.errorType;
    this.inBody = httpStatus >= 200 && httpStatus < 300;
    this.retryAfterMs = options.retryAfterMs;
    this.limitSource = body.limitSource;
    this.availabilityRetryable = body.availabilityRetryable;
    this.msg = msg;
  }
}

/**
 * HTTP 402 without `Retry-After`: the account or key is out of credits. Never retried; the job stops
 * at once, the user is told the service is unavailable and admins are alerted (llm-api.md §4).
 */
export class LlmInsufficientCreditsError extends LlmApiError {
  override readonly name = 'LlmInsufficientCreditsError';
  declare readonly code: 'llm.insufficient_credits';
  constructor(body: LlmErrorBody) {
    super(402, body, { code: 'llm.insufficient_credits', userMessageKey: 'error-unavailable' });
  }
}

/** The request never completed: connection failure or the per-attempt timeout. */
export class LlmHttpError extends AppError {
  override readonly name = 'LlmHttpError';
  override readonly code: LlmHttpErrorCode;
  constructor(code: LlmHttpErrorCode, cause?: unknown) {
    super(code === 'llm.timeout' ? 'LLM call timed out' : 'LLM call failed: network error', {
      code,
      userMessageKey: 'error-unavailable',
      retryable: true,
      cause,
    });
    this.code = code;
  }
}

/** HTTP 200 with a body that is not a usable completion: not JSON, no choices, empty, or finish_reason "error". */
export class LlmResponseError extends AppError {
  override readonly name = 'LlmResponseError';
  override readonly code: LlmResponseErrorCode;
  constructor(code: LlmResponseErrorCode, detail: string) {
    super(`LLM completion unusable (${code}): ${clip(detail)}`, {
      code,
      userMessageKey: 'error-unavailable',
      retryable: true,
      details: { llm_detail: clip(detail) },
    });
    this.code = code;
  }
}

/** The caller aborted the call (its signal fired); not a failure of the call itself. */
export class LlmAbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'llm.aborted';
  /** The signal's reason. */
  readonly reason: unknown;
  constructor(reason: unknown) {
    super('LLM call aborted by the caller');
    this.reason = reason;
  }
}

/** A low-cardinality code part: the number, or a short snake_case word; anything else is `error`. */
function codeSuffix(code: number | string): string {
  if (typeof code === 'number' && Number.isInteger(code)) return String(code);
  if (typeof code === 'string' && /^[a-z0-9_]{1,40}$/.test(code)) return code;
  return 'error';
}

/** The in-flight-budget 402 passes by itself; every other 402 needs a top-up (llm-api.md §4). */
function isTransient402(body: LlmErrorBody, retryAfterMs: number | undefined): boolean {
  return retryAfterMs !== undefined || body.limitSource === 'openrouter_in_flight_budget';
}

/**
 * Builds the error for an `error` object (or a bare non-2xx status). A 402 is terminal unless it is
 * the transient in-flight-budget kind or comes with `Retry-After` (llm-api.md §4, practical rule).
 */
export function toLlmApiError(httpStatus: number, body: LlmErrorBody, retryAfterMs?: number): LlmApiError {
  const status = typeof body.code === 'number' ? body.code : httpStatus;
  if (status === 402 && !isTransient402(body, retryAfterMs)) return new LlmInsufficientCreditsError(body);
  return new LlmApiError(httpStatus, body, { retryAfterMs });
}

// Errors raised before any byte reached the server (and timeouts): both are safe to resend here,
// because a chat completion has no side effect on our side besides the provider's own charge.
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Wraps a thrown transport error (undici / socket) into an LlmHttpError. */
export function toLlmHttpError(error: unknown): LlmHttpError {
  const errno = (error as { code?: unknown } | null)?.code;
  return new LlmHttpError(
    typeof errno === 'string' && TIMEOUTS.has(errno) ? 'llm.timeout' : 'llm.network',
    error,
  );
}

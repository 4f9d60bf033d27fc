import { AppError } from '../../errors/app-error.ts';
import { redact } from '../../telemetry/redact.ts';
import { isUnavailableKieCode, kieRetryKind } from './kie-codes.ts';

/** The KIE operation that failed; low-cardinality, safe for details and logs. */
export type KieEndpoint =
  | 'createTask'
  | 'recordInfo'
  | 'credit'
  /** Suno's POST /api/v1/generate (kie-api.md §7). */
  | 'generate'
  /** Suno's GET /api/v1/generate/record-info. */
  | 'generateRecordInfo'
  /** Veo 3.1's POST /api/v1/veo/generate (kie-api.md §8). */
  | 'veoGenerate'
  /** Veo 3.1's GET /api/v1/veo/record-info. */
  | 'veoRecordInfo'
  /** POST /api/file-stream-upload on the upload host (§1). */
  | 'fileUpload';

/** `kie.<body code>`, except 402 which gets a name the billing code can match. */
export type KieApiErrorCode = 'kie.insufficient_credits' | `kie.${number}`;

/** Transport failures: no answer, too slow, or an answer that is not KIE's JSON envelope. */
export type KieHttpErrorCode = 'kie.network' | 'kie.timeout' | 'kie.bad_response';

const MAX_TEXT = 200;

const clip = (text: string, max = MAX_TEXT): string => redact(text).slice(0, max);

const isClientErrorStatus = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500;

/** KIE answered, with a non-2xx HTTP status or a body `code` other than 200 (kie-api.md §9 row 2). */
export class KieApiError extends AppError {
  override readonly name: string = 'KieApiError';
  override readonly code: KieApiErrorCode;
  /** The body `code`, or the HTTP status when the body carries none. */
  readonly kieCode: number;
  readonly httpStatus: number;
  readonly endpoint: KieEndpoint;
  /** KIE's message (`msg ?? message`, §9 row 1), secrets scrubbed; never used for decisions. */
  readonly msg: string;

  constructor(endpoint: KieEndpoint, kieCode: number, httpStatus: number, msg: string, cause?: unknown) {
    const code: KieApiErrorCode = kieCode === 402 ? 'kie.insufficient_credits' : `kie.${kieCode}`;
    const safeMsg = clip(msg);
    super(`KIE ${endpoint} failed with code ${kieCode}: ${safeMsg}`, {
      code,
      userMessageKey: isUnavailableKieCode(kieCode) ? 'error-unavailable' : 'error-generic',
      retryable: kieRetryKind(kieCode) !== 'never',
      details: { kie_endpoint: endpoint, kie_code: kieCode, http_status: httpStatus, kie_msg: safeMsg },
      cause,
    });
    this.code = code;
    this.kieCode = kieCode;
    this.httpStatus = httpStatus;
    this.endpoint = endpoint;
    this.msg = safeMsg;
  }
}

/** Body code 501: the generation failed and only a new task can help (§3). */
export class KieTaskFailedError extends KieApiError {
  override readonly name = 'KieTaskFailedError';
}

/** The request never completed: connect failure, timeout, or a non-JSON body such as Cloudflare's 1010. */
export class KieHttpError extends AppError {
  override readonly name = 'KieHttpError';
  override readonly code: KieHttpErrorCode;
  readonly endpoint: KieEndpoint;
  /** Whether the request may have reached KIE; a sent createTask may have made a task (§9 row 16). */
  readonly sent: boolean;
  /** HTTP status of a non-JSON answer. */
  readonly httpStatus: number | undefined;
  /** The first characters of a non-JSON body, secrets scrubbed. */
  readonly bodyExcerpt: string | undefined;

  constructor(
    code: KieHttpErrorCode,
    endpoint: KieEndpoint,
    options: {
      sent: boolean;
      idempotent: boolean;
      httpStatus?: number;
      bodyExcerpt?: string;
      cause?: unknown;
    },
  ) {
    const excerpt = options.bodyExcerpt === undefined ? undefined : clip(options.bodyExcerpt, 120);
    const what = code === 'kie.timeout' ? 'timed out' : code === 'kie.network' ? 'network error' : 'not JSON';
    const status = options.httpStatus === undefined ? '' : ` (HTTP ${options.httpStatus})`;
    super(`KIE ${endpoint} ${what}${status}`, {
      code,
      userMessageKey: 'error-unavailable',
      // Resend only what is safe. A garbled 2xx or a proxy's 5xx page passes; a non-JSON 4xx (Cloudflare
      // blocking our User-Agent, §9 row 14) will not change on a resend, so it is final for this call.
      retryable:
        code === 'kie.bad_response'
          ? options.idempotent && !isClientErrorStatus(options.httpStatus)
          : !options.sent || options.idempotent,
      details: {
        kie_endpoint: endpoint,
        sent: options.sent,
        http_status: options.httpStatus,
        body_excerpt: excerpt,
      },
      cause: options.cause,
    });
    this.code = code;
    this.endpoint = endpoint;
    this.sent = options.sent;
    this.httpStatus = options.httpStatus;
    this.bodyExcerpt = excerpt;
  }
}

/**
 * Whether a failed create may still have made a task at KIE (§2, §9 row 16): the request left and no
 * answer said no. A timeout or a dropped connection after sending, a 2xx that is not KIE's envelope or
 * has no task id, a proxy's non-JSON 5xx (the origin may have acted). Not: anything raised before
 * sending (connect refused, the limiter), KIE's own envelope with a code (it refused), or a non-JSON
 * 4xx (Cloudflare stopped the request before KIE). Such a create must not be sent again.
 */
export function mayHaveCreatedTask(error: unknown): boolean {
  if (!(error instanceof KieHttpError) || !error.sent) return false;
  return error.code !== 'kie.bad_response' || !isClientErrorStatus(error.httpStatus);
}

/** Builds the error for a parsed KIE envelope that is not a success. */
export function toKieApiError(
  endpoint: KieEndpoint,
  httpStatus: number,
  body: { code?: unknown; msg?: unknown; message?: unknown },
): KieApiError {
  const bodyCode = typeof body.code === 'number' ? body.code : undefined;
  // HTTP 429 with body code 200 (or none) still means throttled: trust whichever says "failure".
  const kieCode = bodyCode !== undefined && bodyCode !== 200 ? bodyCode : httpStatus;
  const raw = body.msg ?? body.message;
  const msg = typeof raw === 'string' ? raw : '';
  return kieCode === 501
    ? new KieTaskFailedError(endpoint, kieCode, httpStatus, msg)
    : new KieApiError(endpoint, kieCode, httpStatus, msg);
}

// Errors raised before a byte of the request left: resending cannot create a second task.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
]);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Wraps a thrown transport error (undici / socket) into a KieHttpError. */
export function toKieHttpError(endpoint: KieEndpoint, error: unknown, idempotent: boolean): KieHttpError {
  const errno = (error as { code?: unknown } | null)?.code;
  const code = typeof errno === 'string' ? errno : '';
  return new KieHttpError(TIMEOUTS.has(code) ? 'kie.timeout' : 'kie.network', endpoint, {
    sent: !NOT_SENT.has(code),
    idempotent,
    cause: error,
  });
}

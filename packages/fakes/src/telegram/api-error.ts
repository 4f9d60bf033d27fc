/** Parameters Telegram attaches to some errors. */
export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** A Bot API error answer (`ok: false`) raised by a method handler. */
export class ApiError extends Error {
  readonly errorCode: number;
  readonly description: string;
  readonly parameters: ResponseParameters | undefined;

  constructor(errorCode: number, description: string, parameters?: ResponseParameters) {
    super(description);
    this.name = 'ApiError';
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
  }

  /** The JSON body Telegram sends for this error. */
  toJSON(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(reason: string): ApiError {
  return new ApiError(400, `Bad Request: ${reason}`);
}

/**
 * A string parameter that is not valid UTF-8: raw bytes that are not, or a lone surrogate (a JSON
 * `\ud83d` escape, or a JS string cut inside an emoji).
 */
export function notUtf8(): ApiError {
  return badRequest('strings must be encoded in UTF-8');
}

/** 429 with `retry_after` in whole seconds (at least 1). */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const n = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
}

/** 403 for a user who blocked the bot. */
export function blockedByUser(): ApiError {
  return new ApiError(403, 'Forbidden: bot was blocked by the user');
}

/** 401 for a malformed or unknown token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized');
}

/** 404 for unknown methods and paths. */
export function notFound(): ApiError {
  return new ApiError(404, 'Not Found');
}

/** The 409 getUpdates gets while a webhook is set. */
export function webhookConflict(): ApiError {
  return new ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  );
}

/** The 409 a pending getUpdates gets when another one replaces it. */
export function pollConflict(): ApiError {
  return new ApiError(
    409,
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  );
}

/** 5xx as the Bot API server reports upstream trouble. */
export function serverError(status: number): ApiError {
  return new ApiError(status, status === 502 ? 'Bad Gateway' : 'Internal Server Error');
}

/** The callback/pre-checkout query answer that came too late or names no query. */
export function queryTooOld(): ApiError {
  return badRequest('query is too old and response timeout expired or query ID is invalid');
}

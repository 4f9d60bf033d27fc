import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import { Pool } from 'undici';
import type { Clock } from '../../clock.ts';
import { ATTR_ERROR_TYPE, ATTR_KIE_QUEUE_WAIT_MS } from '../../telemetry/attributes.ts';
import { type KieEndpoint, KieHttpError, toKieApiError, toKieHttpError } from './errors.ts';
import type { KieApiName, KieClientMetrics, KieOperation } from './kie-client-metrics.ts';
import { kieErrorType } from './kie-span.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { isRecord } from './read-fields.ts';
import { type RetryPolicy, retryDelayMs } from './retry-policy.ts';

/** One logical KIE call; `send` may make several attempts of it. */
export interface KieCall {
  readonly operation: KieOperation;
  readonly api: KieApiName;
  readonly endpoint: KieEndpoint;
  readonly method: 'GET' | 'POST';
  /** Path and query, below the host's base path. */
  readonly path: string;
  /** A JSON body. */
  readonly json?: unknown;
  /** A ready multipart body (uploads); sent to the upload host. */
  readonly multipart?: { readonly body: Uint8Array; readonly contentType: string };
  /** Whether resending after the request left cannot duplicate anything (GETs, uploads under one name). */
  readonly idempotent: boolean;
  readonly signal: AbortSignal | undefined;
  readonly onQueuePosition?: (position: number) => void;
  /**
   * Awaited before each attempt leaves, after the limiter admitted it: the last moment the caller can
   * record that the request may now reach KIE. A rejection ends the call unsent, with that error.
   */
  readonly beforeSend?: () => Promise<void>;
  /** Gets the total limiter wait and one `retry` event per resend. */
  readonly span?: Span;
}

/** Settings of `createKieHttp`. */
export interface KieHttpOptions {
  readonly baseUrl: string;
  readonly uploadBaseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly policy: RetryPolicy;
  /** Limiters and their windows; operations without one (credit, upload) are not limited (§4). */
  readonly limiters: {
    readonly create: RateLimiter;
    readonly poll: RateLimiter;
    readonly createWindowMs: number;
    readonly pollWindowMs: number;
  };
  readonly metrics: KieClientMetrics;
  /** Measures the limiter wait (the limiters' own clock, so a test's time shows in it). */
  readonly clock: Clock;
}

/** Sends KIE calls: auth, User-Agent, timeouts, envelope check, limiter and the retry table. */
export interface KieHttp {
  /** Resolves with the envelope's `data`; rejects with KieApiError / KieHttpError / the abort reason. */
  send(call: KieCall): Promise<unknown>;
  close(): Promise<void>;
}

const MAX_BODY_EXCERPT = 120;

/** A keep-alive pool and the base path of one KIE host. */
function hostOf(baseUrl: string, timeoutMs: number): { pool: Pool; prefix: string } {
  const base = new URL(baseUrl);
  const pool = new Pool(base.origin, {
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });
  return { pool, prefix: base.pathname.replace(/\/+$/, '') };
}

/** Creates the transport shared by every operation of one client. */
export function createKieHttp(options: KieHttpOptions): KieHttp {
  const api = hostOf(options.baseUrl, options.timeoutMs);
  const upload = hostOf(options.uploadBaseUrl, options.timeoutMs);
  const baseHeaders = {
    authorization: `Bearer ${options.apiKey}`,
    accept: 'application/json',
    'user-agent': options.userAgent,
  };
  const { limiters, metrics, policy, clock } = options;

  /** One attempt: the HTTP exchange and the envelope check. Returns `data`. */
  const attemptOnce = async (call: KieCall): Promise<unknown> => {
    const host = call.multipart ? upload : api;
    let status: number;
    let text: string;
    try {
      const res = await host.pool.request({
        method: call.method,
        path: `${host.prefix}${call.path}`,
        headers: {
          ...baseHeaders,
          'content-type': call.multipart?.contentType ?? 'application/json',
        },
        ...(call.json !== undefined && { body: JSON.stringify(call.json) }),
        ...(call.multipart && { body: call.multipart.body }),
        ...(call.signal && { signal: call.signal }),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      if (call.signal?.aborted) throw error;
      throw toKieHttpError(call.endpoint, error, call.idempotent);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    // Not KIE's envelope: e.g. Cloudflare's bare 403 "error code: 1010" (§9 row 14).
    if (!isRecord(body) || typeof body.code !== 'number') {
      throw new KieHttpError('kie.bad_response', call.endpoint, {
        sent: true,
        idempotent: call.idempotent,
        httpStatus: status,
        bodyExcerpt: text.slice(0, MAX_BODY_EXCERPT),
      });
    }
    // Failure when either the HTTP status or the body code says so (§9 row 2).
    if (status < 200 || status > 299 || body.code !== 200) throw toKieApiError(call.endpoint, status, body);
    return body.data;
  };

  const limiterOf = (operation: KieOperation) =>
    operation === 'create'
      ? { limiter: limiters.create, windowMs: limiters.createWindowMs }
      : operation === 'poll'
        ? { limiter: limiters.poll, windowMs: limiters.pollWindowMs }
        : undefined;

  /** Attempts until success or the retry table says stop; every attempt goes through the limiter. */
  const send = async (call: KieCall): Promise<unknown> => {
    const limited = limiterOf(call.operation);
    // Unlimited calls back off on a 429 by the poll window: KIE names no window for them.
    const windowMs = limited?.windowMs ?? limiters.pollWindowMs;
    let waitedMs = 0;
    for (let attempt = 1; ; attempt += 1) {
      let release: (() => void) | undefined;
      if (limited) {
        const queuedAt = clock.now().getTime();
        release = await limited.limiter.acquire(call.signal, call.onQueuePosition);
        const waited = clock.now().getTime() - queuedAt;
        waitedMs += waited;
        metrics.queueWait(call.operation, waited);
        call.span?.setAttribute(ATTR_KIE_QUEUE_WAIT_MS, waitedMs);
      }
      if (call.beforeSend) {
        try {
          await call.beforeSend();
        } catch (error) {
          // The caller's own failure: nothing was sent, and it is not a KIE error to count or retry.
          release?.();
          throw error;
        }
      }
      try {
        return await attemptOnce(call);
      } catch (error) {
        if (call.signal?.aborted) throw error;
        metrics.apiError(call.operation, call.api, kieErrorType(error));
        const delay = retryDelayMs(error, attempt, policy, windowMs);
        if (delay === undefined) throw error;
        // Free the slot before backing off: a sleeping retry must not hold up the queue.
        release?.();
        call.span?.addEvent('retry', { attempt, delay_ms: delay, [ATTR_ERROR_TYPE]: kieErrorType(error) });
        await sleep(delay, undefined, call.signal ? { signal: call.signal } : undefined);
      } finally {
        release?.();
      }
    }
  };

  return {
    send,
    async close() {
      await Promise.all([api.pool.close(), upload.pool.close()]);
    },
  };
}

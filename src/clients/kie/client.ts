import { setTimeout as sleep } from 'node:timers/promises';
import { type Attributes, type Histogram, metrics, type Span, SpanKind } from '@opentelemetry/api';
import { Pool } from 'undici';
import { AppError } from '../../errors/app-error.ts';
import {
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_KIE_CODE,
  ATTR_KIE_MODEL,
  ATTR_KIE_OPERATION,
  ATTR_KIE_POLL_ATTEMPT,
  ATTR_KIE_QUEUE_WAIT_MS,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  INSTRUMENTATION_SCOPE,
  METRIC_KIE_QUEUE_WAIT,
  SPAN_KIE_TASK_CREATE,
  SPAN_KIE_TASK_POLL,
} from '../../telemetry/attributes.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { getTracer, markSpanError } from '../../telemetry/tracing.ts';
import { KieApiError, type KieEndpoint, KieHttpError, toKieApiError, toKieHttpError } from './errors.ts';
import { parseCredits, parseTaskInfo } from './parse-task-info.ts';
import { RateLimiter } from './rate-limiter.ts';
import { type RetryPolicy, resolveRetryPolicy, retryDelayMs } from './retry-policy.ts';
import type { KieClient, KieClientOptions } from './types.ts';
import { KIE_USER_AGENT } from './user-agent.ts';

type Operation = 'create' | 'poll' | 'credit';

interface Call {
  readonly operation: Operation;
  readonly endpoint: KieEndpoint;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly signal: AbortSignal | undefined;
  readonly onQueuePosition?: (position: number) => void;
  /** Receives the total time spent waiting for the limiter, for the span. */
  readonly span?: Span;
}

const MAX_BODY_EXCERPT = 120;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Creates the KIE Market client (kie-api.md §2–§4, §6); create one per process and key. */
export function createKieClient(options: KieClientOptions): KieClient {
  if (!options.apiKey) throw new Error('createKieClient: apiKey is required (set KIE_API_KEY)');
  // Scrubbed from every log line and span from now on, whoever prints it.
  registerSecret(options.apiKey);
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': options.userAgent ?? KIE_USER_AGENT,
  };
  const createWindowMs = options.createWindowMs ?? 10_000;
  const pollWindowMs = options.pollWindowMs ?? 1000;
  const limiters = options.limiters ?? {
    create: new RateLimiter({ limit: options.createPer10s, windowMs: createWindowMs }),
    poll: new RateLimiter({ limit: options.pollsPerSecond, windowMs: pollWindowMs }),
  };
  const policy: RetryPolicy = resolveRetryPolicy(options.retry);
  const queueWait = createQueueWaitHistogram();

  const recordWait = (operation: 'create' | 'poll', ms: number): void => {
    try {
      queueWait?.record(ms / 1000, { [ATTR_KIE_OPERATION]: operation });
    } catch {
      // Telemetry never fails a generation.
    }
  };

  /** One attempt: the HTTP exchange and the envelope check. Returns `data`. */
  const attemptOnce = async (call: Call): Promise<unknown> => {
    const idempotent = call.method === 'GET';
    let status: number;
    let text: string;
    try {
      const res = await pool.request({
        method: call.method,
        path: `${prefix}${call.path}`,
        headers,
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
        ...(call.signal && { signal: call.signal }),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      if (call.signal?.aborted) throw error;
      throw toKieHttpError(call.endpoint, error, idempotent);
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
        idempotent,
        httpStatus: status,
        bodyExcerpt: text.slice(0, MAX_BODY_EXCERPT),
      });
    }
    // Failure when either the HTTP status or the body code says so (§9 row 2).
    if (status < 200 || status > 299 || body.code !== 200) throw toKieApiError(call.endpoint, status, body);
    return body.data;
  };

  /** Attempts until success or the retry table says stop; every attempt goes through the limiter. */
  const send = async (call: Call): Promise<unknown> => {
    const limiter =
      call.operation === 'create' ? limiters.create : call.operation === 'poll' ? limiters.poll : undefined;
    const windowMs = call.operation === 'create' ? createWindowMs : pollWindowMs;
    let waitedMs = 0;
    for (let attempt = 1; ; attempt += 1) {
      let release: (() => void) | undefined;
      if (limiter && (call.operation === 'create' || call.operation === 'poll')) {
        const queuedAt = Date.now();
        release = await limiter.acquire(call.signal, call.onQueuePosition);
        const waited = Date.now() - queuedAt;
        waitedMs += waited;
        recordWait(call.operation, waited);
        call.span?.setAttribute(ATTR_KIE_QUEUE_WAIT_MS, waitedMs);
      }
      try {
        return await attemptOnce(call);
      } catch (error) {
        if (call.signal?.aborted) throw error;
        const delay = retryDelayMs(error, attempt, policy, windowMs);
        if (delay === undefined) throw error;
        // Free the slot before backing off: a sleeping retry must not hold up the queue.
        release?.();
        call.span?.addEvent('retry', { attempt, delay_ms: delay, [ATTR_ERROR_TYPE]: errorType(error) });
        await sleep(delay, undefined, call.signal ? { signal: call.signal } : undefined);
      } finally {
        release?.();
      }
    }
  };

  return {
    createTask(request, ctx = {}) {
      const attributes: Attributes = {
        [ATTR_KIE_MODEL]: request.model,
        ...(ctx.generationId !== undefined && { [ATTR_BOT_GENERATION_ID]: ctx.generationId }),
        ...(ctx.userId !== undefined && { [ATTR_ENDUSER_ID]: String(ctx.userId) }),
      };
      return inSpan(SPAN_KIE_TASK_CREATE, attributes, ctx.signal, async (span) => {
        const data = await send({
          operation: 'create',
          endpoint: 'createTask',
          method: 'POST',
          path: '/api/v1/jobs/createTask',
          body: {
            model: request.model,
            input: request.input,
            ...(request.callBackUrl && { callBackUrl: request.callBackUrl }),
          },
          signal: ctx.signal,
          ...(ctx.onQueuePosition && { onQueuePosition: ctx.onQueuePosition }),
          span,
        });
        const taskId = isRecord(data) ? data.taskId : undefined;
        if (typeof taskId !== 'string' || taskId === '') {
          // Code 200 without a task id: a task may exist anyway, so this is never retried.
          throw new KieHttpError('kie.bad_response', 'createTask', {
            sent: true,
            idempotent: false,
            httpStatus: 200,
          });
        }
        span.setAttribute(ATTR_KIE_TASK_ID, taskId);
        return { taskId };
      });
    },

    recordInfo(taskId, ctx = {}) {
      const attributes: Attributes = {
        [ATTR_KIE_TASK_ID]: taskId,
        ...(ctx.attempt !== undefined && { [ATTR_KIE_POLL_ATTEMPT]: ctx.attempt }),
        ...(ctx.model !== undefined && { [ATTR_KIE_MODEL]: ctx.model }),
      };
      return inSpan(SPAN_KIE_TASK_POLL, attributes, ctx.signal, async (span) => {
        const data = await send({
          operation: 'poll',
          endpoint: 'recordInfo',
          method: 'GET',
          path: `/api/v1/jobs/recordInfo?taskId=${encodeURIComponent(taskId)}`,
          signal: ctx.signal,
          span,
        });
        if (!isRecord(data)) {
          throw new KieHttpError('kie.bad_response', 'recordInfo', {
            sent: true,
            idempotent: true,
            httpStatus: 200,
          });
        }
        const info = parseTaskInfo(data, taskId);
        // Unknown states are reported as-is; the caller keeps polling until its deadline (§9 row 4).
        span.setAttribute(ATTR_KIE_TASK_STATE, info.state);
        if (info.model) span.setAttribute(ATTR_KIE_MODEL, info.model);
        return info;
      });
    },

    async credits(signal) {
      const data = await send({
        operation: 'credit',
        endpoint: 'credit',
        method: 'GET',
        path: '/api/v1/chat/credit',
        signal,
      });
      return parseCredits(data);
    },

    async close() {
      await pool.close();
    },
  };
}

/** error.type: the AppError code, else the class name (never the message). */
function errorType(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** A CLIENT span that is active while fn runs, so undici's own spans become its children. */
function inSpan<T>(
  name: string,
  attributes: Attributes,
  signal: AbortSignal | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return getTracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      // An abort is the caller's decision, not a failure (STYLE.md §6).
      if (!signal?.aborted) {
        const extra = error instanceof KieApiError ? { [ATTR_KIE_CODE]: error.kieCode } : undefined;
        markSpanError(span, error, errorType(error), extra);
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

function createQueueWaitHistogram(): Histogram | undefined {
  try {
    return metrics.getMeter(INSTRUMENTATION_SCOPE).createHistogram(METRIC_KIE_QUEUE_WAIT, {
      unit: 's',
      description: 'Time a KIE call waited for the client-side rate limiter',
      advice: { explicitBucketBoundaries: [0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60] },
    });
  } catch {
    return undefined;
  }
}

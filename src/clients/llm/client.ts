import { setTimeout as sleep } from 'node:timers/promises';
import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { Agent } from 'undici';
import { AppError } from '../../errors/app-error.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LLM_ABORT_REASON,
  ATTR_LLM_ATTEMPTS,
  ATTR_LLM_COST,
  ATTR_LLM_UPSTREAM_PROVIDER,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  EVENT_LLM_ABORTED,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
} from '../../telemetry/attributes.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { getTracer, markSpanError } from '../../telemetry/tracing.ts';
import { KIE_USER_AGENT } from '../kie/user-agent.ts';
import { LlmAbortError, LlmHttpError, toLlmHttpError } from './errors.ts';
import { createLlmMetrics } from './llm-metrics.ts';
import { type ParsedCompletion, parseCompletion } from './parse-completion.ts';
import { llmRetryDelayMs, parseRetryAfter, resolveLlmRetryPolicy } from './retry-policy.ts';
import type { LlmCallContext, LlmChatRequest, LlmClient, LlmClientOptions, LlmMessage } from './types.ts';

/** Creates the chat completions client; create one per process and key (it owns a keep-alive pool). */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  if (!options.apiKey) throw new Error('createLlmClient: apiKey is required (set LLM_API_KEY)');
  // Scrubbed from every log line and span from now on, whoever prints it.
  registerSecret(options.apiKey);
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const path = `${base.pathname.replace(/\/+$/, '')}/chat/completions`;
  const serverPort = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  const provider = options.providerName ?? 'openrouter';
  const policy = resolveLlmRetryPolicy(options.retry);
  const metrics = createLlmMetrics();
  // Keep-alive connections are reused across segments; the per-attempt deadline below bounds each call.
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': options.userAgent ?? KIE_USER_AGENT,
  };

  /** One HTTP exchange under its own deadline; the caller's abort wins over every other outcome. */
  const attemptOnce = async (body: string, signal: AbortSignal | undefined): Promise<ParsedCompletion> => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await agent.request({ origin, path, method: 'POST', headers, body, signal: combined });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (error) {
      if (signal?.aborted) throw new LlmAbortError(signal.reason);
      if (deadline.aborted) throw new LlmHttpError('llm.timeout', error);
      throw toLlmHttpError(error);
    }
    return parseCompletion(status, text, parseRetryAfter(retryAfter));
  };

  /** Attempts until success, a final error, or the caller's abort (which also cuts a backoff short). */
  const send = async (body: string, signal: AbortSignal | undefined, span: Span) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const completion = await attemptOnce(body, signal);
        return { completion, attempts: attempt };
      } catch (error) {
        if (error instanceof LlmAbortError) throw error;
        const delay = llmRetryDelayMs(error, attempt, policy);
        if (delay === undefined) throw error;
        span.addEvent('retry', { attempt, delay_ms: delay, [ATTR_ERROR_TYPE]: errorType(error) });
        try {
          await sleep(delay, undefined, signal ? { signal } : undefined);
        } catch {
          throw new LlmAbortError(signal?.reason);
        }
      }
    }
  };

  return {
    model: options.model,

    chat(request: LlmChatRequest, ctx: LlmCallContext = {}) {
      const model = request.model ?? options.model;
      const common: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
        [ATTR_GEN_AI_PROVIDER_NAME]: provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: model,
        [ATTR_SERVER_ADDRESS]: base.hostname,
        [ATTR_SERVER_PORT]: serverPort,
      };
      const attributes: Attributes = {
        ...common,
        ...(request.maxTokens !== undefined && { [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: request.maxTokens }),
        ...ctx.attributes,
      };
      if (options.captureContent) attributes[ATTR_GEN_AI_INPUT_MESSAGES] = messagesJson(request.messages);
      const body = JSON.stringify({
        model,
        messages: request.messages,
        ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
        ...(request.temperature !== undefined && { temperature: request.temperature }),
      });
      // Span name per GenAI conventions: `{operation} {request model}`; active so undici's span nests under it.
      return getTracer().startActiveSpan(
        `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${model}`,
        { kind: SpanKind.CLIENT, attributes },
        async (span) => {
          const started = performance.now();
          try {
            const { completion, attempts } = await send(body, ctx.signal, span);
            const responseModel = completion.model ?? model;
            const { inputTokens, outputTokens, cost } = completion.usage;
            span.setAttributes({
              [ATTR_GEN_AI_RESPONSE_MODEL]: responseModel,
              [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: inputTokens,
              [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outputTokens,
              [ATTR_LLM_ATTEMPTS]: attempts,
              ...(completion.id && { [ATTR_GEN_AI_RESPONSE_ID]: completion.id }),
              ...(completion.finishReason && {
                [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [completion.finishReason],
              }),
              // gen_ai.usage.cost: the key LLM observability tools read; llm.cost stays for our dashboards.
              ...(cost !== undefined && { [ATTR_LLM_COST]: cost, [ATTR_GEN_AI_USAGE_COST]: cost }),
              ...(completion.upstreamProvider && {
                [ATTR_LLM_UPSTREAM_PROVIDER]: completion.upstreamProvider,
              }),
            });
            if (options.captureContent) {
              span.setAttribute(
                ATTR_GEN_AI_OUTPUT_MESSAGES,
                messagesJson([{ role: 'assistant', content: completion.content }], completion.finishReason),
              );
            }
            const measured = { ...common, [ATTR_GEN_AI_RESPONSE_MODEL]: responseModel };
            metrics.duration((performance.now() - started) / 1000, measured);
            metrics.tokens(inputTokens, outputTokens, measured);
            if (cost !== undefined) {
              metrics.cost(cost, {
                [ATTR_GEN_AI_REQUEST_MODEL]: model,
                [ATTR_GEN_AI_PROVIDER_NAME]: provider,
              });
            }
            return {
              id: completion.id,
              model: responseModel,
              content: completion.content,
              finishReason: completion.finishReason,
              usage: completion.usage,
              upstreamProvider: completion.upstreamProvider,
              attempts,
            };
          } catch (error) {
            if (error instanceof LlmAbortError) {
              // The caller stopped the call (another segment failed, or shutdown): not an error of
              // this call, so the status stays UNSET and the reason is recorded (STYLE.md §6).
              recordAbort(span, error.reason);
            } else {
              const type = errorType(error);
              markSpanError(span, error, type);
              metrics.duration((performance.now() - started) / 1000, { ...common, [ATTR_ERROR_TYPE]: type });
            }
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },

    async close() {
      await agent.close();
    },
  };
}

/** error.type: the AppError code (e.g. `llm.insufficient_credits`), else the class name, never the message. */
function errorType(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}

/** The abort reason as a low-cardinality string: an AppError's code, a short string, or `aborted`. */
export function abortReason(reason: unknown): string {
  if (reason instanceof AppError) return reason.code;
  if (typeof reason === 'string' && reason.length <= 64) return reason;
  return 'aborted';
}

function recordAbort(span: Span, reason: unknown): void {
  try {
    const why = abortReason(reason);
    span.setAttribute(ATTR_LLM_ABORT_REASON, why);
    span.addEvent(EVENT_LLM_ABORTED, { [ATTR_LLM_ABORT_REASON]: why });
  } catch {
    // Telemetry never fails a call.
  }
}

/** GenAI conventions' message shape, as JSON (only when content capture is on). */
function messagesJson(messages: readonly LlmMessage[], finishReason?: string): string {
  return JSON.stringify(
    messages.map((m) => ({
      role: m.role,
      parts: [{ type: 'text', content: m.content }],
      ...(finishReason && { finish_reason: finishReason }),
    })),
  );
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LlmApiError,
  LlmHttpError,
  LlmInsufficientCreditsError,
  LlmResponseError,
  llmRetryDelayMs,
  parseCompletion,
  parseRetryAfter,
  resolveLlmRetryPolicy,
  toLlmApiError,
} from '../../../src/clients/llm/index.ts';

const policy = resolveLlmRetryPolicy({
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 300,
  maxRetryAfterMs: 2000,
});

describe('LLM retry table', () => {
  it('never retries a terminal 402, but retries the in-flight-budget 402 and one with Retry-After', () => {
    const terminal = toLlmApiError(402, { code: 402, message: 'Insufficient credits' });
    assert.ok(terminal instanceof LlmInsufficientCreditsError);
    assert.equal(llmRetryDelayMs(terminal, 1, policy), undefined);

    const budget = toLlmApiError(402, { code: 402, limitSource: 'openrouter_in_flight_budget' });
    assert.ok(!(budget instanceof LlmInsufficientCreditsError));
    assert.equal(budget.code, 'llm.402');
    assert.equal(llmRetryDelayMs(budget, 1, policy), 100);

    const later = toLlmApiError(402, { code: 402 }, 1500);
    assert.equal(later.code, 'llm.402');
    assert.equal(llmRetryDelayMs(later, 1, policy), 1500);
  });

  it('backs off exponentially up to the cap for 408/429/5xx, network errors, timeouts and bad completions', () => {
    for (const error of [
      toLlmApiError(408, {}),
      toLlmApiError(429, {}),
      toLlmApiError(500, {}),
      toLlmApiError(502, {}),
      toLlmApiError(503, {}),
      toLlmApiError(504, {}),
      new LlmHttpError('llm.network'),
      new LlmHttpError('llm.timeout'),
      new LlmResponseError('llm.empty_completion', 'empty'),
    ]) {
      assert.deepEqual(
        [1, 2, 3, 4].map((attempt) => llmRetryDelayMs(error, attempt, policy)),
        [100, 200, 300, undefined],
        error.code,
      );
    }
  });

  it('does not retry 400, 401, 403, 404 or an unknown error', () => {
    for (const status of [400, 401, 403, 404]) {
      assert.equal(llmRetryDelayMs(toLlmApiError(status, {}), 1, policy), undefined, String(status));
    }
    assert.equal(llmRetryDelayMs(new Error('boom'), 1, policy), undefined);
  });

  it('honours Retry-After up to the cap and lets availability.retryable decide', () => {
    assert.equal(llmRetryDelayMs(toLlmApiError(429, {}, 1200), 1, policy), 1200);
    assert.equal(llmRetryDelayMs(toLlmApiError(429, {}, 5000), 1, policy), undefined);
    assert.equal(llmRetryDelayMs(toLlmApiError(503, { availabilityRetryable: false }), 1, policy), undefined);
    assert.equal(llmRetryDelayMs(toLlmApiError(404, { availabilityRetryable: true }), 1, policy), 100);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0.5'), 500);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('parseCompletion', () => {
  const ok = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: 'gen-1',
      model: 'm',
      provider: 'P',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, cost: 0.5 },
      ...extra,
    });

  it('reads content, finish reason, usage and cost', () => {
    const c = parseCompletion(200, ok(), undefined);
    assert.deepEqual(c, {
      id: 'gen-1',
      model: 'm',
      content: 'hi',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 1, cost: 0.5 },
      upstreamProvider: 'P',
    });
  });

  it('turns an error member inside a 200 into an LlmApiError, string codes included', () => {
    const numeric = (() => {
      try {
        parseCompletion(200, JSON.stringify({ error: { code: 503, message: 'overloaded' } }), undefined);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(numeric instanceof LlmApiError);
    assert.equal(numeric.code, 'llm.503');
    assert.equal(numeric.inBody, true);
    assert.throws(
      () =>
        parseCompletion(200, JSON.stringify({ error: { code: 'server_error', message: 'x' } }), undefined),
      (e: unknown) => e instanceof LlmApiError && e.code === 'llm.server_error' && e.retryable,
    );
    assert.throws(
      () => parseCompletion(200, JSON.stringify({ error: { code: 'Weird Code!', message: 'x' } }), undefined),
      (e: unknown) => e instanceof LlmApiError && e.code === 'llm.error',
    );
  });

  it('rejects no choices, an HTML error page and a non-JSON 200', () => {
    assert.throws(
      () => parseCompletion(200, JSON.stringify({ choices: [] }), undefined),
      (e: unknown) => e instanceof LlmResponseError && e.code === 'llm.bad_response',
    );
    assert.throws(
      () => parseCompletion(502, '<html>Bad gateway</html>', undefined),
      (e: unknown) => e instanceof LlmApiError && e.code === 'llm.502' && e.retryable,
    );
    assert.throws(
      () => parseCompletion(200, '{"id":', undefined),
      (e: unknown) => e instanceof LlmResponseError && e.code === 'llm.bad_response',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LlmRequestRecord } from '@tg-genbot/fakes/llm';
import {
  LlmAbortError,
  LlmApiError,
  LlmHttpError,
  LlmInsufficientCreditsError,
  LlmResponseError,
} from '../../../src/clients/llm/index.ts';
import { ask, rejectionOf, TEST_LLM_KEY, TEST_MODEL, withLlm } from './llm-client-harness.ts';

describe('LLM client', () => {
  it('returns the completion with usage, cost, model and generation id', () =>
    withLlm({}, {}, async (fake, client) => {
      const result = await client.chat(ask('The team agreed to ship on Friday. Ann will write the notes.'));
      assert.match(result.content, /^Summary: The team agreed to ship on Friday\.\n/);
      assert.match(result.content, /^Action item: Ann will write the notes\.$/m);
      assert.equal(result.model, TEST_MODEL);
      assert.match(result.id ?? '', /^gen-/);
      assert.equal(result.finishReason, 'stop');
      assert.equal(result.upstreamProvider, 'FakeProvider');
      assert.equal(result.attempts, 1);
      assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
      assert.ok((result.usage.cost ?? 0) > 0);
      assert.equal(fake.requests().length, 1);
    }));

  it('reuses one keep-alive connection for sequential calls', () =>
    withLlm({}, {}, async (fake, client) => {
      for (let i = 0; i < 3; i++) {
        await client.chat(ask(`call ${i}`));
        // undici returns the socket to the pool just after the body promise settles.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const ports = new Set(fake.requests().map((r) => r.remotePort));
      assert.equal(fake.requests().length, 3);
      assert.equal(ports.size, 1, 'one client port: the connection was kept alive');
    }));

  it('never retries a 402: one request, LlmInsufficientCreditsError, code llm.insufficient_credits', () =>
    withLlm({ failAfter: { calls: 0, status: 402 } }, { retry: { maxAttempts: 5 } }, async (fake, client) => {
      const error = await rejectionOf(client.chat(ask('hi')));
      assert.ok(error instanceof LlmInsufficientCreditsError);
      assert.equal(error.code, 'llm.insufficient_credits');
      assert.equal(error.retryable, false);
      assert.equal(error.httpStatus, 402);
      assert.equal(error.userMessageKey, 'error-unavailable');
      assert.match(error.msg, /Insufficient credits/);
      assert.equal(fake.requests().length, 1);
    }));

  it('retries a 429 after its Retry-After, then succeeds', () =>
    withLlm({}, {}, async (fake, client) => {
      fake.inject({ kind: 'status', status: 429, retryAfter: 1 });
      const started = Date.now();
      const result = await client.chat(ask('hello'));
      const waited = Date.now() - started;
      assert.equal(result.attempts, 2);
      assert.ok(waited >= 950, `waited ${waited} ms, Retry-After was 1 s`);
      assert.deepEqual(
        fake.requests().map((r) => r.status),
        [429, 200],
      );
    }));

  it('gives up at once when Retry-After is longer than the cap', () =>
    withLlm({}, { retry: { maxRetryAfterMs: 500 } }, async (fake, client) => {
      fake.inject({ kind: 'status', status: 429, retryAfter: 30 });
      // Had it waited the 30 s, the retry would have succeeded: the error itself shows it gave up at once.
      const error = await rejectionOf(client.chat(ask('hello')));
      assert.ok(error instanceof LlmApiError);
      assert.equal(error.code, 'llm.429');
      assert.equal(error.retryAfterMs, 30_000);
      assert.equal(fake.requests().length, 1);
    }));

  for (const status of [408, 502, 503] as const) {
    it(`retries a ${status} with backoff, then succeeds`, () =>
      withLlm({}, {}, async (fake, client) => {
        fake.inject({ kind: 'status', status, times: 2 });
        const result = await client.chat(ask('hello'));
        assert.equal(result.attempts, 3);
        assert.deepEqual(
          fake.requests().map((r) => r.status),
          [status, status, 200],
        );
      }));
  }

  it('stops after maxAttempts with the last error', () =>
    withLlm({}, { retry: { maxAttempts: 2 } }, async (fake, client) => {
      fake.inject({ kind: 'status', status: 503, times: 5 });
      const error = await rejectionOf(client.chat(ask('hello')));
      assert.ok(error instanceof LlmApiError);
      assert.equal(error.code, 'llm.503');
      assert.equal(error.retryable, true);
      assert.equal(fake.requests().length, 2);
    }));

  for (const [status, key] of [
    [400, 'error-generic'],
    [401, 'error-unavailable'],
    [403, 'error-llm-rejected'],
  ] as const) {
    it(`does not retry a ${status} (user message ${key})`, () =>
      withLlm({}, { retry: { maxAttempts: 5 } }, async (fake, client) => {
        fake.inject({ kind: 'status', status });
        const error = await rejectionOf(client.chat(ask('hello')));
        assert.ok(error instanceof LlmApiError);
        assert.equal(error.code, `llm.${status}`);
        assert.equal(error.retryable, false);
        assert.equal(error.userMessageKey, key);
        assert.equal(fake.requests().length, 1);
      }));
  }

  it('treats an error inside a 200 as an error (retried, since 502 is transient)', () =>
    withLlm({}, { retry: { maxAttempts: 2 } }, async (fake, client) => {
      fake.inject({ kind: 'error-in-200', times: 2 });
      const error = await rejectionOf(client.chat(ask('hello')));
      assert.ok(error instanceof LlmApiError);
      assert.equal(error.code, 'llm.502');
      assert.equal(error.httpStatus, 200);
      assert.equal(error.inBody, true);
      assert.equal(fake.requests().length, 2);

      fake.inject({ kind: 'error-in-200' });
      assert.equal((await client.chat(ask('again'))).attempts, 2);
    }));

  for (const [kind, code] of [
    ['empty', 'llm.empty_completion'],
    ['malformed', 'llm.bad_response'],
    ['finish-error', 'llm.finish_error'],
  ] as const) {
    it(`rejects a ${kind} completion with ${code}`, () =>
      withLlm({}, { retry: { maxAttempts: 1 } }, async (fake, client) => {
        fake.inject({ kind });
        const error = await rejectionOf(client.chat(ask('Some text here.')));
        assert.ok(error instanceof LlmResponseError);
        assert.equal(error.code, code);
      }));
  }

  it('times out a hung request, and the fake sees it cancelled', () =>
    withLlm({}, { timeoutMs: 200, retry: { maxAttempts: 1 } }, async (fake, client) => {
      fake.inject({ kind: 'hang' });
      const aborted = new Promise<LlmRequestRecord>((resolve) => fake.on('abort', resolve));
      const started = Date.now();
      const error = await rejectionOf(client.chat(ask('are you there?')));
      const elapsed = Date.now() - started;
      assert.ok(error instanceof LlmHttpError);
      assert.equal(error.code, 'llm.timeout');
      // Not before the timeout (a lower bound on a real timer: load only makes it later).
      assert.ok(elapsed >= 190, `timed out after ${elapsed} ms`);
      const rec = await aborted;
      assert.equal(rec.fault, 'hang');
      assert.equal(rec.aborted, true);
    }));

  it('retries after a timeout and succeeds on the next attempt', () =>
    withLlm({}, { timeoutMs: 200 }, async (fake, client) => {
      fake.inject({ kind: 'hang' });
      const result = await client.chat(ask('second time lucky'));
      assert.equal(result.attempts, 2);
      assert.equal(fake.requests()[0]?.aborted, true);
    }));

  it('aborts an in-flight request at once when the caller aborts', () =>
    withLlm({ latencyMs: 5000 }, {}, async (fake, client) => {
      const ac = new AbortController();
      const aborted = new Promise<LlmRequestRecord>((resolve) => fake.on('abort', resolve));
      fake.on('request', () => setTimeout(() => ac.abort('stop'), 20));
      const error = await rejectionOf(client.chat(ask('slow'), { signal: ac.signal }));
      assert.ok(error instanceof LlmAbortError);
      assert.equal(error.reason, 'stop');
      const rec = await aborted;
      assert.equal(rec.aborted, true);
      assert.equal(rec.status, undefined, 'cancelled before its 5 s answer');
    }));

  it('aborts during a backoff without sending another request', () =>
    withLlm({}, { retry: { baseDelayMs: 5000, maxDelayMs: 5000 } }, async (fake, client) => {
      fake.inject({ kind: 'status', status: 502 });
      const ac = new AbortController();
      fake.on('end', () => setTimeout(() => ac.abort(), 20));
      // A backoff that ignored the abort would send a second request after 5 s before rejecting.
      const error = await rejectionOf(client.chat(ask('x'), { signal: ac.signal }));
      assert.ok(error instanceof LlmAbortError);
      assert.equal(fake.requests().length, 1);
    }));

  it('keeps the key out of error messages even when the provider echoes it', () =>
    withLlm({}, {}, async (fake, client) => {
      fake.inject({ kind: 'status', status: 400, message: `bad key ${TEST_LLM_KEY} here` });
      const error = await rejectionOf(client.chat(ask('x')));
      assert.ok(error instanceof LlmApiError);
      assert.ok(!error.message.includes(TEST_LLM_KEY));
      assert.ok(!JSON.stringify(error.details).includes(TEST_LLM_KEY));
    }));
});

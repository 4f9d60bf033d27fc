import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLlmFake, type LlmFake, type LlmRequestRecord } from '../../../packages/fakes/src/llm/index.ts';
import { ask, type Completion, chat } from './llm-test-client.ts';

describe('createLlmFake: injected faults', () => {
  let fake: LlmFake;
  before(async () => {
    fake = createLlmFake();
    await fake.start();
  });
  after(() => fake.stop());

  it('answers 429 with Retry-After and X-RateLimit-* headers, then recovers', async () => {
    fake.inject({ kind: 'status', status: 429, retryAfter: 7, times: 2 });
    const first = await chat(fake, ask('hi'));
    const second = await chat(fake, ask('hi'));
    const third = await chat(fake, ask('hi'));
    assert.deepEqual([first.status, second.status, third.status], [429, 429, 200]);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.equal(first.headers.get('x-ratelimit-limit'), '20');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(first.headers.get('x-ratelimit-reset')) > Date.now());
    assert.equal(((await first.json()) as { error: { code: number } }).error.code, 429);
    await Promise.all([second.text(), third.text()]);
  });

  it('answers 403 moderation errors with reasons and a flagged_input cut to 100 characters', async () => {
    fake.inject({ kind: 'status', status: 403 });
    const long = `${'a'.repeat(100)} middle ${'z'.repeat(100)}`;
    const r = await chat(fake, ask(long));
    assert.equal(r.status, 403);
    const { error } = (await r.json()) as { error: { code: number; metadata: Record<string, unknown> } };
    assert.equal(error.code, 403);
    assert.deepEqual(error.metadata.reasons, ['harassment']);
    const flagged = error.metadata.flagged_input as string;
    assert.equal(flagged.length, 100);
    assert.match(flagged, /^a+\.\.\.z+$/);
  });

  for (const status of [400, 401, 408, 500, 502, 503] as const) {
    it(`answers an injected ${status} with error.code ${status}`, async () => {
      fake.inject({ kind: 'status', status });
      const r = await chat(fake, ask('hi'));
      assert.equal(r.status, status);
      assert.equal(((await r.json()) as { error: { code: number } }).error.code, status);
    });
  }

  it('puts an error inside a 200', async () => {
    fake.inject({ kind: 'error-in-200' });
    const r = await chat(fake, ask('hi'));
    assert.equal(r.status, 200);
    const body = (await r.json()) as { error?: { code: number; message: string }; choices?: unknown };
    assert.equal(body.error?.code, 502);
    assert.equal(body.choices, undefined);
  });

  it('can finish with finish_reason "error", answer empty, or send malformed JSON', async () => {
    fake.inject({ kind: 'finish-error' });
    const partial = (await (await chat(fake, ask('One sentence here.'))).json()) as Completion;
    assert.equal(partial.choices[0]?.finish_reason, 'error');
    assert.ok((partial.choices[0]?.message.content ?? '').length > 0);

    fake.inject({ kind: 'empty' });
    const empty = (await (await chat(fake, ask('One sentence here.'))).json()) as Completion;
    assert.equal(empty.choices[0]?.message.content, '');
    assert.equal(empty.usage.completion_tokens, 0);

    fake.inject({ kind: 'malformed' });
    const bad = await chat(fake, ask('hi'));
    assert.equal(bad.status, 200);
    await assert.rejects(bad.json(), SyntaxError);
  });

  it('hangs until the client aborts, and records the abort', async () => {
    fake.inject({ kind: 'hang' });
    const aborted = new Promise<LlmRequestRecord>((resolve) => fake.on('abort', resolve));
    const ac = new AbortController();
    // Abort only once the fake has the request, so the abort happens while it hangs.
    const onRequest = (): void => void setTimeout(() => ac.abort(), 50);
    fake.on('request', onRequest);
    await assert.rejects(chat(fake, ask('are you there?'), { signal: ac.signal }), { name: 'AbortError' });
    fake.off('request', onRequest);
    const rec = await aborted;
    assert.equal(rec.aborted, true);
    assert.equal(rec.fault, 'hang');
    assert.equal(rec.status, undefined);
    assert.ok(rec.endedAt !== undefined && rec.endedAt >= rec.startedAt);
    assert.equal(fake.inFlight(), 0);
  });
});

describe('createLlmFake: concurrency and latency', () => {
  it('measures concurrent requests and aborts during latency', async () => {
    const fake = createLlmFake({ latencyMs: (req) => (req.messages.length > 1 ? 1000 : 100) });
    await fake.start();
    try {
      const started = Date.now();
      const answers = await Promise.all([1, 2, 3, 4].map((i) => chat(fake, ask(`client ${i}`))));
      assert.ok(Date.now() - started >= 95);
      assert.ok(answers.every((r) => r.status === 200));
      await Promise.all(answers.map((r) => r.json()));
      assert.equal(fake.maxConcurrency(), 4);
      assert.equal(fake.inFlight(), 0);

      const body = {
        model: 'm/x',
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
        ],
      };
      await assert.rejects(chat(fake, body, { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
      await new Promise((r) => setTimeout(r, 20));
      const rec = fake.requests().at(-1);
      assert.equal(rec?.aborted, true);
      assert.equal(rec?.messagesChars, 2);
      assert.ok(
        fake
          .requests()
          .slice(0, 4)
          .every((r) => r.aborted === false && r.status === 200),
      );
    } finally {
      await fake.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '../../../packages/fakes/src/llm/index.ts';
import { ask, type Completion, chat, sseLines } from './llm-test-client.ts';

const TEXT = 'Streaming should look like OpenRouter. It has comments, chunks and a final usage chunk.';

interface Chunk {
  id: string;
  object: string;
  choices: Array<{ delta: { content?: string; role?: string }; finish_reason: string | null }>;
  usage?: Completion['usage'];
  error?: { code: string | number; message: string };
}

function parseStream(text: string): { comments: string[]; chunks: Chunk[]; done: boolean } {
  const lines = sseLines(text);
  const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  return {
    comments: lines.filter((l) => l.startsWith(':')),
    chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk),
    done: data.at(-1) === '[DONE]',
  };
}

describe('createLlmFake: streaming', () => {
  let fake: LlmFake;
  before(async () => {
    fake = createLlmFake({ latencyMs: 60, keepAliveIntervalMs: 20, streamChunkDelayMs: 1 });
    await fake.start();
  });
  after(() => fake.stop());

  it('streams comment lines, content chunks, a usage chunk and [DONE], matching the non-streaming text', async () => {
    const res = await chat(fake, ask(TEXT, { stream: true }));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { comments, chunks, done } = parseStream(await res.text());
    assert.ok(comments.length >= 2);
    assert.ok(comments.every((c) => c === ': OPENROUTER PROCESSING'));
    assert.ok(done);
    assert.ok(
      chunks.every(
        (c) => c.id === res.headers.get('x-generation-id') && c.object === 'chat.completion.chunk',
      ),
    );
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    const finish = chunks.map((c) => c.choices[0]?.finish_reason).filter((f) => f);
    assert.deepEqual(finish, ['stop']);
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.equal(last?.usage?.completion_tokens, Math.ceil(text.length / 4));

    const plain = (await (await chat(fake, ask(TEXT))).json()) as Completion;
    assert.equal(text, plain.choices[0]?.message.content);
    assert.ok(chunks.length > 4, 'the text arrives in several chunks');
  });

  it('can send an error chunk after some content and end the stream', async () => {
    fake.inject({ kind: 'error-in-200' });
    const res = await chat(fake, ask(TEXT, { stream: true }));
    assert.equal(res.status, 200);
    const { chunks, done } = parseStream(await res.text());
    assert.equal(done, false);
    const last = chunks.at(-1);
    assert.equal(typeof last?.error?.message, 'string');
    assert.equal(last?.choices[0]?.finish_reason, 'error');
    assert.ok(
      chunks.slice(0, -1).some((c) => (c.choices[0]?.delta.content ?? '') !== ''),
      'content came first',
    );
  });

  it('can end with finish_reason "error" and still send usage and [DONE]', async () => {
    fake.inject({ kind: 'finish-error' });
    const { chunks, done } = parseStream(await (await chat(fake, ask(TEXT, { stream: true }))).text());
    assert.ok(done);
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === 'error'));
    assert.ok(chunks.at(-1)?.usage);
  });

  it('answers pre-stream rejections as plain JSON errors', async () => {
    fake.inject({ kind: 'status', status: 503, retryAfter: 2 });
    const res = await chat(fake, ask(TEXT, { stream: true }));
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, 503);
  });

  it('records a client that cancels mid-stream as aborted', async () => {
    const ac = new AbortController();
    const res = await chat(fake, ask(TEXT, { stream: true }), { signal: ac.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    ac.abort();
    await reader?.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const rec = fake.requests().at(-1);
    assert.equal(rec?.stream, true);
    assert.equal(rec?.aborted, true);
  });
});

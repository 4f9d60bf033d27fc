import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '../../../src/fakes/llm/index.ts';
import { ask, type Completion, chat } from './llm-test-client.ts';

const TEXT =
  'We met to plan the launch. We decided to ship on Friday. Anna will write the release notes. Who owns QA?';

describe('createLlmFake: non-streaming completions', () => {
  let fake: LlmFake;
  before(async () => {
    fake = createLlmFake();
    await fake.start();
  });
  after(() => fake.stop());

  it('answers deterministically with usage and the generation id header', async () => {
    const a = await chat(fake, ask(TEXT));
    const b = await chat(fake, ask(TEXT));
    const c = await chat(fake, ask('Something else entirely. Short.'));
    assert.equal(a.status, 200);
    const [ja, jb, jc] = (await Promise.all([a.json(), b.json(), c.json()])) as Completion[];
    assert.ok(ja && jb && jc);
    assert.equal(a.headers.get('x-generation-id'), ja.id);
    assert.match(ja.id, /^gen-/);
    assert.notEqual(ja.id, jb.id);
    assert.equal(ja.object, 'chat.completion');
    assert.equal(ja.provider, 'FakeProvider');
    assert.equal(ja.model, 'openai/gpt-4o-mini');
    assert.deepEqual(ja.choices, jb.choices);
    assert.notEqual(ja.choices[0]?.message.content, jc.choices[0]?.message.content);
    const content = ja.choices[0]?.message.content ?? '';
    assert.match(content, /We met to plan the launch\./);
    assert.match(content, /21 words, 4 sentences/);
    assert.equal(ja.choices[0]?.finish_reason, 'stop');
    assert.equal(ja.usage.prompt_tokens, Math.ceil(TEXT.length / 4));
    assert.equal(ja.usage.completion_tokens, Math.ceil(content.length / 4));
    assert.equal(ja.usage.total_tokens, ja.usage.prompt_tokens + ja.usage.completion_tokens);
    assert.ok(ja.usage.cost > 0);
    assert.deepEqual(ja.usage, jb.usage);
  });

  it('writes a Markdown protocol for synthesis requests', async () => {
    const bySystem = (await (
      await chat(fake, {
        model: 'm/x',
        messages: [
          { role: 'system', content: 'You write the final synthesis of the meeting notes.' },
          { role: 'user', content: [{ type: 'text', text: TEXT }] },
        ],
      })
    ).json()) as Completion;
    const protocol = bySystem.choices[0]?.message.content ?? '';
    for (const section of ['## Summary', '## Decisions', '## Action items', '## Open questions']) {
      assert.ok(protocol.includes(section), section);
    }
    assert.match(protocol, /- We decided to ship on Friday\./);
    assert.match(protocol, /- \[ \] Anna will write the release notes\./);
    assert.match(protocol, /- Who owns QA\?/);
    const byMetadata = (await (
      await chat(fake, ask(TEXT, { metadata: { kind: 'synthesis' } }))
    ).json()) as Completion;
    assert.match(byMetadata.choices[0]?.message.content ?? '', /^# Protocol/);
  });

  it('cuts the answer at max_tokens with finish_reason "length"', async () => {
    const r = (await (await chat(fake, ask(TEXT, { max_tokens: 3 }))).json()) as Completion;
    assert.equal(r.choices[0]?.finish_reason, 'length');
    assert.equal(r.usage.completion_tokens, 3);
  });

  it('rejects a bad key with 401 and a bad body with 400', async () => {
    const denied = await chat(fake, ask('hi'), { key: 'wrong' });
    assert.equal(denied.status, 401);
    assert.deepEqual(((await denied.json()) as { error: unknown }).error, {
      code: 401,
      message: 'No auth credentials found',
      metadata: { error_type: 'authentication' },
    });
    const empty = await chat(fake, { model: 'm/x', messages: [] });
    assert.equal(empty.status, 400);
    await empty.text();
  });

  it('also serves /v1/chat/completions and GET /api/v1/key', async () => {
    const alt = await fetch(`${fake.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer llm-test-key' },
      body: JSON.stringify(ask('Hello there.')),
    });
    assert.equal(alt.status, 200);
    await alt.json();
    const key = await fetch(`${fake.baseUrl}/key`, { headers: { Authorization: 'Bearer llm-test-key' } });
    const { data } = (await key.json()) as { data: Record<string, unknown> };
    assert.equal(data.label, 'fake');
    assert.equal(data.limit, null);
    assert.equal(data.is_free_tier, false);
    assert.equal(data.usage, fake.usage());
    assert.ok((data.usage as number) > 0);
  });
});

describe('createLlmFake: failAfter', () => {
  it('answers 402 to every call after the first N', async () => {
    const fake = createLlmFake({ failAfter: { calls: 2, status: 402 } });
    await fake.start();
    try {
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 4; i++) {
        const r = await chat(fake, ask(`call ${i}`));
        statuses.push(r.status);
        last = await r.json();
      }
      assert.deepEqual(statuses, [200, 200, 402, 402]);
      const error = (last as { error: { code: number; message: string } }).error;
      assert.equal(error.code, 402);
      assert.equal(error.message, 'Insufficient credits. Add more using https://openrouter.ai/credits');
      assert.equal(fake.requests().at(-1)?.fault, 'failAfter');
    } finally {
      await fake.stop();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLlmFake, type LlmFake } from '../../../packages/fakes/src/llm/index.ts';
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

  it('answers synthesis requests with the protocol JSON the bot asks for, drawn from the text', async () => {
    const bySystem = (await (
      await chat(fake, {
        model: 'm/x',
        messages: [
          { role: 'system', content: 'You write the final synthesis of the meeting notes.' },
          { role: 'user', content: [{ type: 'text', text: TEXT }] },
        ],
      })
    ).json()) as Completion;
    const protocol = JSON.parse(bySystem.choices[0]?.message.content ?? '');
    assert.deepEqual(protocol, {
      summary: 'We met to plan the launch.',
      decisions: ['We decided to ship on Friday.'],
      action_items: [{ task: 'Anna will write the release notes.', owner: null }],
      open_questions: ['Who owns QA?'],
    });
    const byMetadata = (await (
      await chat(fake, ask(TEXT, { metadata: { kind: 'synthesis' } }))
    ).json()) as Completion;
    assert.deepEqual(JSON.parse(byMetadata.choices[0]?.message.content ?? ''), protocol);
  });

  it('writes labelled notes of a part: summary, decisions, action items with owners, questions', async () => {
    const part = [
      'We met to plan the launch. Marketing joined late.',
      'Decision: move the launch to May.',
      'Action item: book the venue (owner: Dana)',
      'Ann: Action item: send the invitations (Ann)',
      'Can we afford a second venue?',
    ].join('\n');
    const notes = (await (await chat(fake, ask(part))).json()) as Completion;
    const lines = (notes.choices[0]?.message.content ?? '').split('\n');
    assert.deepEqual(lines.slice(0, -1), [
      'Summary: We met to plan the launch. Marketing joined late.',
      'Decision: Move the launch to May.',
      'Action item: Book the venue (owner: Dana)',
      'Action item: Send the invitations (owner: Ann)',
      'Question: Can we afford a second venue?',
    ]);
    assert.match(lines.at(-1) ?? '', /^Ref: [0-9a-f]{8} \(35 words, 6 sentences\)$/);

    const russian = [
      'Обсудили бюджет на квартал. Пришли все.',
      'Решение: перенести релиз на май.',
      'Задача: подготовить смету (ответственный: Борис).',
      'Кто подписывает договор?',
    ].join('\n');
    const ru = (await (await chat(fake, ask(russian))).json()) as Completion;
    assert.deepEqual((ru.choices[0]?.message.content ?? '').split('\n').slice(0, -1), [
      'Кратко: Обсудили бюджет на квартал. Пришли все.',
      'Решение: Перенести релиз на май.',
      'Задача: Подготовить смету (ответственный: Борис)',
      'Вопрос: Кто подписывает договор?',
    ]);
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

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1001:test-token-protocol';

describe('Telegram fake: HTTP protocol', () => {
  let fake: TelegramFake;
  const call = async (method: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
    fake.user({ id: 7, firstName: 'Ann', token: TOKEN });
  });
  after(() => fake.stop());

  it('answers getMe with the bot derived from the token', async () => {
    const { status, json } = await call('getMe');
    assert.equal(status, 200);
    assert.equal(json.ok, true);
    const me = json.result as Record<string, unknown>;
    assert.deepEqual(
      {
        id: me.id,
        is_bot: me.is_bot,
        first_name: me.first_name,
        username: me.username,
        can_join_groups: me.can_join_groups,
        can_read_all_group_messages: me.can_read_all_group_messages,
        supports_inline_queries: me.supports_inline_queries,
      },
      {
        id: 1001,
        is_bot: true,
        first_name: 'Sandbox Bot',
        username: 'sandbox_1001_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
    );
  });

  it('rejects a malformed token with 401 Unauthorized', async () => {
    const { status, json } = await call('getMe', {}, 'not-a-token');
    assert.equal(status, 401);
    assert.deepEqual(json, { ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('answers unknown methods and paths with 404 Not Found', async () => {
    const { status, json } = await call('sendTelepathy');
    assert.equal(status, 404);
    assert.deepEqual(json, { ok: false, error_code: 404, description: 'Not Found' });
    const res = await fetch(`${fake.apiRoot}/nothing`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { ok: false, error_code: 404, description: 'Not Found' });
  });

  it('accepts GET query parameters, urlencoded bodies and any method-name case', async () => {
    const viaGet = await fetch(`${fake.apiRoot}/bot${TOKEN}/SENDMESSAGE?chat_id=7&text=hello`);
    assert.equal(viaGet.status, 200);
    assert.equal(((await viaGet.json()) as { result: { text: string } }).result.text, 'hello');
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
    const viaForm = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '7', text: 'form', reply_markup: markup }),
    });
    const result = ((await viaForm.json()) as { result: Record<string, unknown> }).result;
    assert.deepEqual(result.reply_markup, JSON.parse(markup));
  });

  it('validates sendMessage parameters with Telegram wording', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ text: 'x' }, 400, 'Bad Request: chat_id is empty'],
      [{ chat_id: 7 }, 400, 'Bad Request: message text is empty'],
      [{ chat_id: 7, text: 'x'.repeat(4097) }, 400, 'Bad Request: message is too long'],
      [{ chat_id: 999, text: 'x' }, 400, 'Bad Request: chat not found'],
      [{ chat_id: '@somechannel', text: 'x' }, 400, 'Bad Request: chat not found'],
      [
        {
          chat_id: 7,
          text: 'x',
          reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'x'.repeat(65) }]] },
        },
        400,
        'Bad Request: BUTTON_DATA_INVALID',
      ],
      [
        { chat_id: 7, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: '' }]] } },
        400,
        'Bad Request: BUTTON_DATA_INVALID',
      ],
      [
        { chat_id: 7, text: 'x', reply_markup: { inline_keyboard: [{ text: 'A' }] } },
        400,
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
      ],
      [
        { chat_id: 7, text: 'a.b', parse_mode: 'MarkdownV2' },
        400,
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      ],
      [
        { chat_id: 7, text: 'x', reply_parameters: { message_id: 999 } },
        400,
        'Bad Request: message to be replied not found',
      ],
    ];
    for (const [body, status, description] of cases) {
      const res = await call('sendMessage', body);
      assert.deepEqual(
        res,
        { status, json: { ok: false, error_code: status, description } },
        JSON.stringify(body),
      );
    }
  });

  it('records every call with its parsed payload and outcome', async () => {
    await call('sendMessage', { chat_id: 7, text: 'recorded' });
    const last = fake.calls(TOKEN).at(-1);
    assert.equal(last?.method, 'sendMessage');
    assert.deepEqual(last?.payload, { chat_id: 7, text: 'recorded' });
    assert.deepEqual(last?.response, { ok: true });
    assert.ok(fake.calls('2002:other-token-xyz').length === 0);
    assert.ok(fake.calls().some((c) => c.token === 'not-a-token' && c.response.error_code === 401));
  });

  it('numbers messages per chat and dates them in Unix seconds', async () => {
    const first = await call('sendMessage', { chat_id: 7, text: 'one' });
    const second = await call('sendMessage', { chat_id: 7, text: 'two' });
    const a = first.json.result as { message_id: number; date: number };
    const b = second.json.result as { message_id: number; date: number };
    assert.equal(b.message_id, a.message_id + 1);
    assert.ok(Math.abs(a.date - Date.now() / 1000) < 5);
  });
});

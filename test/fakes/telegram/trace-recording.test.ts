import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  createTelegramFake,
  type TelegramFake,
  type TelegramFakeEvents,
} from '../../../packages/fakes/src/telegram/index.ts';
import { readRequestTrace } from '../../../packages/fakes/src/telegram/trace-headers.ts';

const TOKEN = '1007:test-token-traces';
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;

describe('Telegram fake: trace ids from the bot', () => {
  it('reads traceparent and the update id in baggage, and ignores invalid trace context', () => {
    assert.deepEqual(readRequestTrace({ traceparent: traceparent(TRACE_A) }), { traceId: TRACE_A });
    assert.deepEqual(
      readRequestTrace({
        traceparent: traceparent(TRACE_A),
        baggage: 'other=1, telegram.update.id=42;prop=x, more=2',
      }),
      { traceId: TRACE_A, updateId: 42 },
    );
    assert.deepEqual(
      readRequestTrace({ traceparent: traceparent(TRACE_A), baggage: 'telegram.update.id=abc' }),
      { traceId: TRACE_A },
    );
    assert.equal(readRequestTrace({}), undefined);
    assert.equal(readRequestTrace({ traceparent: traceparent('0'.repeat(32)) }), undefined);
    assert.equal(readRequestTrace({ traceparent: `ff-${TRACE_A}-00f067aa0ba902b7-01` }), undefined);
    assert.equal(readRequestTrace({ traceparent: 'garbage' }), undefined);
  });

  describe('over HTTP', () => {
    let fake: TelegramFake;
    afterEach(() => fake.stop());

    const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ ok: boolean; result: { message_id: number } }>);

    it('records the trace on calls, messages, edits, chat actions, callback answers and updates', async () => {
      fake = createTelegramFake({ rateLimits: false, defaultToken: TOKEN });
      await fake.start();
      const events: Array<TelegramFakeEvents['update-trace']> = [];
      const actions: Array<TelegramFakeEvents['chat-action']> = [];
      const answers: Array<TelegramFakeEvents['callback-answer']> = [];
      fake.on('update-trace', (e) => events.push(e));
      fake.on('chat-action', (e) => actions.push(e));
      fake.on('callback-answer', (e) => answers.push(e));
      const user = fake.user({ id: 77 });
      const update = await user.sendText('/start');
      const keyboard = { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] };
      const inUpdate = (traceId: string) => ({
        traceparent: traceparent(traceId),
        baggage: `telegram.update.id=${update.update_id}`,
      });

      await call('sendChatAction', { chat_id: 77, action: 'typing' }, inUpdate(TRACE_A));
      const sent = await call(
        'sendMessage',
        { chat_id: 77, text: 'menu', reply_markup: keyboard },
        inUpdate(TRACE_A),
      );
      // A later call naming the same update does not change its trace.
      await call('sendMessage', { chat_id: 77, text: 'more' }, inUpdate(TRACE_B));
      const messageId = sent.result.message_id;
      await call(
        'editMessageText',
        { chat_id: 77, message_id: messageId, text: 'edited', reply_markup: keyboard },
        { traceparent: traceparent(TRACE_B) },
      );
      await call('sendMessage', { chat_id: 77, text: 'untraced' });

      assert.deepEqual(events, [{ token: TOKEN, updateId: update.update_id, traceId: TRACE_A }]);
      assert.equal(fake.updateTrace(TOKEN, update.update_id), TRACE_A);
      assert.equal(actions[0]?.traceId, TRACE_A);
      const [menu, more, untraced] = user.messages();
      assert.deepEqual(menu?.traceIds, [TRACE_A, TRACE_B], 'sent in one trace, edited in another');
      assert.deepEqual(more?.traceIds, [TRACE_B]);
      assert.equal(untraced?.traceIds, undefined);
      const calls = fake.calls(TOKEN).filter((c) => c.method === 'sendMessage');
      assert.deepEqual(
        calls.map((c) => [c.traceId, c.updateId]),
        [
          [TRACE_A, update.update_id],
          [TRACE_B, update.update_id],
          [undefined, undefined],
        ],
      );

      const press = await user.pressButton({ text: 'Go' });
      const queryId = press.callback_query?.id as string;
      await call(
        'answerCallbackQuery',
        { callback_query_id: queryId, text: 'ok' },
        {
          traceparent: traceparent(TRACE_B),
          baggage: `telegram.update.id=${press.update_id}`,
        },
      );
      assert.equal(answers[0]?.traceId, TRACE_B);
      assert.equal(fake.updateTrace(TOKEN, press.update_id), TRACE_B);
    });
  });
});

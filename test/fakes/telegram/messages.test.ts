import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1004:test-token-messages';
const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

describe('Telegram fake: messages, edits and buttons', () => {
  let fake: TelegramFake;
  let nextUserId = 100;
  const call = async (method: string, body: unknown = {}) => {
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; result: Record<string, unknown>; description?: string };
  };
  const newUser = () => fake.user({ id: nextUserId++, firstName: 'Bea', username: 'bea', token: TOKEN });
  const keyboard = {
    inline_keyboard: [
      [
        { text: 'Yes', callback_data: 'yes' },
        { text: 'Site', url: 'https://example.com' },
      ],
    ],
  };

  before(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  it('shows what the bot sent in user.messages(), with parse_mode applied', async () => {
    const user = newUser();
    const sent = await call('sendMessage', {
      chat_id: user.id,
      text: '<b>Balance</b>: 5 &amp; more',
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });
    assert.equal(sent.ok, true);
    assert.equal(sent.result.text, 'Balance: 5 & more');
    assert.deepEqual(sent.result.entities, [{ type: 'bold', offset: 0, length: 7 }]);
    assert.deepEqual(sent.result.chat, { id: user.id, type: 'private', first_name: 'Bea', username: 'bea' });
    const [message] = user.messages();
    assert.equal(message?.text, 'Balance: 5 & more');
    assert.equal(message?.source, '<b>Balance</b>: 5 &amp; more');
    assert.equal(message?.parseMode, 'HTML');
    assert.deepEqual(message?.replyMarkup, keyboard);
    assert.equal(message?.editedCount, 0);
    assert.deepEqual(user.lastMessage(), message);
  });

  it('rejects an identical edit with "message is not modified"', async () => {
    const user = newUser();
    const sent = await call('sendMessage', { chat_id: user.id, text: 'Working…', reply_markup: keyboard });
    const id = sent.result.message_id;
    const same = await call('editMessageText', {
      chat_id: user.id,
      message_id: id,
      text: 'Working…',
      reply_markup: keyboard,
    });
    assert.deepEqual(same, { ok: false, error_code: 400, description: NOT_MODIFIED });
    const edited = await call('editMessageText', { chat_id: user.id, message_id: id, text: 'Done' });
    assert.equal(edited.ok, true);
    assert.equal(typeof edited.result.edit_date, 'number');
    assert.equal(edited.result.reply_markup, undefined, 'an edit without reply_markup removes the keyboard');
    assert.equal(user.lastMessage()?.editedCount, 1);
    const missing = await call('editMessageText', { chat_id: user.id, message_id: 999, text: 'x' });
    assert.equal(missing.description, 'Bad Request: message to edit not found');
    const markup = await call('editMessageReplyMarkup', {
      chat_id: user.id,
      message_id: id,
      reply_markup: keyboard,
    });
    assert.equal(markup.ok, true);
    assert.deepEqual(user.lastMessage()?.replyMarkup, keyboard);
  });

  it('deletes messages and reports missing ones', async () => {
    const user = newUser();
    const sent = await call('sendMessage', { chat_id: user.id, text: 'temporary' });
    assert.deepEqual(await call('deleteMessage', { chat_id: user.id, message_id: sent.result.message_id }), {
      ok: true,
      result: true,
    });
    assert.equal(user.messages()[0]?.deleted, true);
    assert.equal(user.lastMessage(), undefined);
    const again = await call('deleteMessage', { chat_id: user.id, message_id: sent.result.message_id });
    assert.equal(again.description, 'Bad Request: message to delete not found');
  });

  it('turns pressButton into a callback_query and records the answer', async () => {
    const user = newUser();
    const sent = await call('sendMessage', { chat_id: user.id, text: 'Sure?', reply_markup: keyboard });
    const update = await user.pressButton({ text: 'Yes' });
    const query = update.callback_query;
    assert.ok(query);
    assert.equal(query.data, 'yes');
    assert.equal(query.from.id, user.id);
    assert.equal(query.message?.message_id, sent.result.message_id);
    const answered = await call('answerCallbackQuery', {
      callback_query_id: query.id,
      text: 'Saved',
      show_alert: true,
    });
    assert.deepEqual(answered, { ok: true, result: true });
    assert.deepEqual(await user.waitForCallbackAnswer(query.id, 100), {
      queryId: query.id,
      text: 'Saved',
      showAlert: true,
    });
    assert.deepEqual(user.callbackAnswers(), [{ queryId: query.id, text: 'Saved', showAlert: true }]);
    const twice = await call('answerCallbackQuery', { callback_query_id: query.id });
    assert.equal(
      twice.description,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    await assert.rejects(user.pressButton({ text: 'Site' }), /has no callback_data/);
    await assert.rejects(user.pressButton({ data: 'nope' }), /no inline button matches \{ data: "nope" \}/);
  });

  it('records chat actions and rejects unknown ones', async () => {
    const user = newUser();
    assert.equal((await call('sendChatAction', { chat_id: user.id, action: 'typing' })).ok, true);
    assert.equal((await call('sendChatAction', { chat_id: user.id, action: 'dancing' })).ok, false);
    assert.deepEqual(user.chatActions(), ['typing']);
  });

  it('waitForMessage sees sends and edits after the last user action', async () => {
    const user = newUser();
    await call('sendMessage', { chat_id: user.id, text: 'old' });
    await user.sendText('/gen cat');
    const status = call('sendMessage', { chat_id: user.id, text: 'Generating…' });
    const first = await user.waitForMessage();
    assert.equal(first.text, 'Generating…');
    const id = (await status).result.message_id;
    setTimeout(() => void call('editMessageText', { chat_id: user.id, message_id: id, text: 'Done' }), 20);
    const done = await user.waitForMessage((m) => m.text === 'Done', { timeoutMs: 1000 });
    assert.equal(done.messageId, id);
    assert.equal(done.editedCount, 1);
  });

  it('waitForMessage fails with a list of what was received', async () => {
    const user = newUser();
    await call('sendMessage', { chat_id: user.id, text: 'something else', reply_markup: keyboard });
    await call('sendMessage', { chat_id: user.id, text: 'bad *markdown', parse_mode: 'MarkdownV2' });
    await assert.rejects(
      user.waitForMessage((m) => m.text === 'never', { timeoutMs: 50 }),
      (err: Error) => {
        assert.match(err.message, /no matching bot message in chat \d+ within 50 ms/);
        assert.match(err.message, /#1 "something else" \[Yes \| Site\]/);
        assert.match(err.message, /sendMessage: 400 Bad Request: can't parse entities/);
        return true;
      },
    );
  });

  it('user messages carry bot_command entities and edits become edited_message', async () => {
    const user = fake.user({ id: nextUserId++, languageCode: 'en', token: TOKEN });
    const command = await user.sendCommand('start', 'ref_42');
    assert.equal(command.message?.text, '/start ref_42');
    assert.deepEqual(command.message?.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);
    assert.equal(command.message?.from?.language_code, 'en');
    const edit = await user.editLastText('/start ref_43');
    assert.equal(edit.edited_message?.text, '/start ref_43');
    assert.equal(edit.edited_message?.message_id, command.message?.message_id);
    assert.ok(edit.update_id > command.update_id);
  });

  it('learns chats from delivered updates, so the bot may answer there', async () => {
    const user = newUser();
    const post = await user.deliverUpdate({
      channel_post: {
        message_id: 1,
        date: 0,
        chat: { id: -100500, type: 'channel', title: 'News' },
        text: 'post',
      },
    });
    assert.ok(post.update_id > 0);
    const reply = await call('sendMessage', { chat_id: -100500, text: 'noted' });
    assert.equal(reply.ok, true);
    assert.deepEqual(reply.result.chat, { id: -100500, type: 'channel', title: 'News' });
  });

  it('unblocks the bot when a blocked user writes again', async () => {
    const user = newUser();
    user.block();
    assert.equal((await call('sendMessage', { chat_id: user.id, text: 'x' })).ok, false);
    await user.sendText('/start');
    assert.equal((await call('sendMessage', { chat_id: user.id, text: 'x' })).ok, true);
  });

  it('emits events for a live UI', async () => {
    const user = newUser();
    const seen: string[] = [];
    const onMessage = (e: { message: { text?: string } }) => seen.push(`message:${e.message.text}`);
    const onCall = (e: { method: string }) => seen.push(`call:${e.method}`);
    fake.on('bot-message', onMessage);
    fake.on('api-call', onCall);
    await call('sendMessage', { chat_id: user.id, text: 'evented' });
    fake.off('bot-message', onMessage);
    fake.off('api-call', onCall);
    await call('sendMessage', { chat_id: user.id, text: 'unseen' });
    assert.deepEqual(seen, ['message:evented', 'call:sendMessage']);
  });

  it('stores and returns bot commands per scope', async () => {
    const commands = [{ command: 'start', description: 'Start' }];
    assert.equal((await call('setMyCommands', { commands })).ok, true);
    assert.deepEqual((await call('getMyCommands')).result, commands);
    const bad = await call('setMyCommands', { commands: [{ command: 'Bad-Name', description: 'x' }] });
    assert.equal(bad.description, 'Bad Request: BOT_COMMAND_INVALID');
  });
});

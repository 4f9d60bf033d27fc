import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1011:test-token-refusals';
const NOT_UTF8 = 'Bad Request: strings must be encoded in UTF-8';
const LONE = '\ud83d'; // the first half of 😀: what a UTF-16 cut through an emoji leaves

type Answer = { status: number; json: { ok: boolean; description?: string; result?: unknown } };

/** Telegram's refusals of bad strings and over-long texts, through the fake's HTTP API. */
describe('Telegram fake: refuses what Telegram refuses', () => {
  let fake: TelegramFake;
  let nextUserId = 500;
  const newUser = () => fake.user({ id: nextUserId++, token: TOKEN });
  const post = async (method: string, body: string | Uint8Array, contentType: string): Promise<Answer> => {
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: res.status, json: (await res.json()) as Answer['json'] };
  };
  // JSON.stringify writes a lone surrogate as a `\ud83d` escape, as grammY's JSON bodies would.
  const call = (method: string, body: unknown) => post(method, JSON.stringify(body), 'application/json');
  const refused = (description: string) => ({
    status: 400,
    json: { ok: false, error_code: 400, description },
  });
  const messageId = (answer: Answer) => (answer.json.result as { message_id: number }).message_id;
  const buttons = (text: string, data = 'ok') => ({ inline_keyboard: [[{ text, callback_data: data }]] });
  const photo = 'https://example.com/result.png';

  before(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
  });
  after(() => fake.stop());

  describe('strings that are not UTF-8', () => {
    it('refuses a lone surrogate in any string parameter of any method, and sends nothing', async () => {
      const user = newUser();
      const chat_id = user.id;
      const text = await call('sendMessage', { chat_id, text: 'plain', reply_markup: buttons('B') });
      const media = await call('sendPhoto', { chat_id, photo, caption: 'c' });
      const cases: Array<[string, Record<string, unknown>]> = [
        ['sendMessage', { chat_id, text: `cut ${LONE}` }],
        ['sendMessage', { chat_id, text: 'ok', reply_markup: buttons(`button ${LONE}`) }],
        ['sendMessage', { chat_id, text: 'ok', reply_markup: buttons('B', `data${LONE}`) }],
        ['sendPhoto', { chat_id, photo, caption: `caption ${LONE}` }],
        [
          'sendMediaGroup',
          {
            chat_id,
            media: [
              { type: 'photo', media: photo, caption: `album ${LONE}` },
              { type: 'photo', media: photo },
            ],
          },
        ],
        ['editMessageText', { chat_id, message_id: messageId(text), text: `edit ${LONE}` }],
        ['editMessageCaption', { chat_id, message_id: messageId(media), caption: `edit ${LONE}` }],
        ['editMessageReplyMarkup', { chat_id, message_id: messageId(text), reply_markup: buttons(LONE) }],
        [
          'sendInvoice',
          {
            chat_id,
            title: `T${LONE}`,
            description: 'd',
            payload: 'p',
            currency: 'XTR',
            prices: [{ label: 'x', amount: 1 }],
          },
        ],
      ];
      for (const [method, body] of cases) {
        assert.deepEqual(await call(method, body), refused(NOT_UTF8), `${method} ${JSON.stringify(body)}`);
      }
      assert.equal(user.messages().length, 2, 'nothing sent');
      assert.equal(user.messages()[0]?.text, 'plain', 'nothing edited');
      assert.equal(user.messages()[1]?.caption, 'c');
    });

    it('refuses a lone surrogate in a callback answer, leaving the query to be answered', async () => {
      const user = newUser();
      await call('sendMessage', { chat_id: user.id, text: 'Go?', reply_markup: buttons('Go', 'go') });
      const query = (await user.pressButton({ data: 'go' })).callback_query!;
      assert.deepEqual(
        await call('answerCallbackQuery', {
          callback_query_id: query.id,
          text: `x${LONE}`,
          show_alert: true,
        }),
        refused(NOT_UTF8),
      );
      assert.equal(
        (await call('answerCallbackQuery', { callback_query_id: query.id, text: 'ok' })).status,
        200,
      );
    });

    it('refuses bytes that are not UTF-8 in JSON, urlencoded, query and multipart requests', async () => {
      const user = newUser();
      const bad = Buffer.from([0xf0, 0x9f]); // the first two of 😀's four bytes
      const json = Buffer.concat([Buffer.from(`{"chat_id":${user.id},"text":"a`), bad, Buffer.from('"}')]);
      assert.deepEqual(await post('sendMessage', json, 'application/json'), refused(NOT_UTF8));

      const form = `chat_id=${user.id}&text=a%F0%9F`;
      assert.deepEqual(
        await post('sendMessage', form, 'application/x-www-form-urlencoded'),
        refused(NOT_UTF8),
      );
      const surrogate = `chat_id=${user.id}&text=%ED%A0%BD`; // a surrogate encoded as UTF-8 is not UTF-8
      assert.deepEqual(
        await post('sendMessage', surrogate, 'application/x-www-form-urlencoded'),
        refused(NOT_UTF8),
      );
      const viaGet = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage?chat_id=${user.id}&text=a%F0%9F`);
      assert.deepEqual({ status: viaGet.status, json: await viaGet.json() }, refused(NOT_UTF8));

      const boundary = 'b0undary';
      const part = (name: string, value: Buffer) =>
        Buffer.concat([
          Buffer.from(`--${boundary}\r\ncontent-disposition:form-data; name="${name}"\r\n\r\n`),
          value,
          Buffer.from('\r\n'),
        ]);
      const file = Buffer.from(
        `--${boundary}\r\ncontent-disposition:form-data; name="document"; filename="a.txt"\r\n\r\n\xff\xfe binary is fine\r\n`,
        'latin1',
      );
      const multipart = (caption: Buffer) =>
        Buffer.concat([
          part('chat_id', Buffer.from(String(user.id))),
          file,
          part('caption', caption),
          Buffer.from(`--${boundary}--\r\n`),
        ]);
      const type = `multipart/form-data; boundary=${boundary}`;
      assert.deepEqual(
        await post('sendDocument', multipart(Buffer.concat([Buffer.from('c'), bad])), type),
        refused(NOT_UTF8),
      );
      assert.equal(user.messages().length, 0, 'nothing sent');

      // The same requests with whole characters go through: only the bad bytes were refused.
      assert.equal((await post('sendDocument', multipart(Buffer.from('c 😀')), type)).status, 200);
      const whole = await post(
        'sendMessage',
        `chat_id=${user.id}&text=a%F0%9F%98%80`,
        'application/x-www-form-urlencoded',
      );
      assert.equal((whole.json.result as { text: string }).text, 'a😀');
      assert.deepEqual(
        user.messages().map((m) => m.caption ?? m.text),
        ['c 😀', 'a😀'],
      );
    });
  });

  describe('lengths, counted in UTF-16 units after entity parsing', () => {
    it('takes 4096 characters of text and refuses 4097, on send and on edit', async () => {
      const user = newUser();
      const chat_id = user.id;
      const emoji = '😀'.repeat(2048); // 4096 UTF-16 units
      const sent = await call('sendMessage', { chat_id, text: emoji });
      assert.equal(sent.status, 200);
      assert.deepEqual(
        await call('sendMessage', { chat_id, text: `${emoji}a` }),
        refused('Bad Request: message is too long'),
      );
      // Tags and entities are not counted; what they stand for is.
      const html = `<b>${'&amp;'.repeat(4096)}</b>`;
      assert.equal((await call('sendMessage', { chat_id, text: html, parse_mode: 'HTML' })).status, 200);
      assert.deepEqual(
        await call('sendMessage', { chat_id, text: `${html}x`, parse_mode: 'HTML' }),
        refused('Bad Request: message is too long'),
      );
      assert.deepEqual(
        await call('editMessageText', { chat_id, message_id: messageId(sent), text: `${emoji}!` }),
        refused('Bad Request: message is too long'),
      );
    });

    it('takes a 1024-character caption and refuses 1025 on every method that has one', async () => {
      const user = newUser();
      const chat_id = user.id;
      const ok = '👍🏽'.repeat(256); // 1024 UTF-16 units
      const over = `${ok}.`;
      const sent = await call('sendPhoto', { chat_id, photo, caption: ok });
      assert.equal(sent.status, 200);
      const tooLong = refused('Bad Request: message caption is too long');
      const cases: Array<[string, Record<string, unknown>]> = [
        ['sendPhoto', { chat_id, photo, caption: over }],
        ['sendVideo', { chat_id, video: 'https://example.com/v.mp4', caption: over }],
        ['sendAudio', { chat_id, audio: 'https://example.com/a.mp3', caption: over }],
        ['sendDocument', { chat_id, document: 'https://example.com/d.pdf', caption: over }],
        ['sendPhoto', { chat_id, photo, caption: `<i>${'x'.repeat(1025)}</i>`, parse_mode: 'HTML' }],
        [
          'sendMediaGroup',
          {
            chat_id,
            media: [
              { type: 'photo', media: photo },
              { type: 'photo', media: photo, caption: over },
            ],
          },
        ],
        ['editMessageCaption', { chat_id, message_id: messageId(sent), caption: over }],
      ];
      for (const [method, body] of cases) assert.deepEqual(await call(method, body), tooLong, method);
      assert.equal(
        (
          await call('sendPhoto', {
            chat_id,
            photo,
            caption: `<i>${'x'.repeat(1024)}</i>`,
            parse_mode: 'HTML',
          })
        ).status,
        200,
      );
    });

    it('refuses callback data over 64 bytes (not characters) on every method with a keyboard', async () => {
      const user = newUser();
      const chat_id = user.id;
      const fits = 'д'.repeat(32); // 32 characters, 64 bytes
      const over = 'д'.repeat(33); // 33 characters, 66 bytes
      const text = await call('sendMessage', { chat_id, text: 't', reply_markup: buttons('A', fits) });
      assert.equal(text.status, 200);
      const media = await call('sendPhoto', { chat_id, photo, reply_markup: buttons('A', fits) });
      const invalid = refused('Bad Request: BUTTON_DATA_INVALID');
      const markup = buttons('A', over);
      const cases: Array<[string, Record<string, unknown>]> = [
        ['sendMessage', { chat_id, text: 't', reply_markup: markup }],
        ['sendPhoto', { chat_id, photo, reply_markup: markup }],
        [
          'sendInvoice',
          {
            chat_id,
            title: 'T',
            description: 'd',
            payload: 'p',
            currency: 'XTR',
            prices: [{ label: 'x', amount: 1 }],
            reply_markup: markup,
          },
        ],
        ['editMessageText', { chat_id, message_id: messageId(text), text: 'edited', reply_markup: markup }],
        ['editMessageCaption', { chat_id, message_id: messageId(media), caption: 'c', reply_markup: markup }],
        ['editMessageReplyMarkup', { chat_id, message_id: messageId(text), reply_markup: markup }],
      ];
      for (const [method, body] of cases) assert.deepEqual(await call(method, body), invalid, method);
    });

    it('refuses a callback answer over 200 characters with MESSAGE_TOO_LONG, and takes 200', async () => {
      const user = newUser();
      await call('sendMessage', { chat_id: user.id, text: 'Go?', reply_markup: buttons('Go', 'go') });
      const query = (await user.pressButton({ data: 'go' })).callback_query!;
      const over = { callback_query_id: query.id, text: `${'😀'.repeat(100)}.`, show_alert: true };
      assert.deepEqual(await call('answerCallbackQuery', over), refused('Bad Request: MESSAGE_TOO_LONG'));
      assert.deepEqual(user.callbackAnswers(), [], 'not answered');
      const fits = { callback_query_id: query.id, text: '😀'.repeat(100), show_alert: true };
      assert.deepEqual(await call('answerCallbackQuery', fits), {
        status: 200,
        json: { ok: true, result: true },
      });
      assert.deepEqual(user.callbackAnswers(), [
        { queryId: query.id, text: '😀'.repeat(100), showAlert: true },
      ]);
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, type GrammyError, InputFile } from 'grammy';
import { createTelegramFake, type TelegramFake } from '../../../packages/fakes/src/telegram/index.ts';

const TOKEN = '1006:test-token-files';

/** A 40×30 PNG header is enough for the fake to read the size. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  const view = new DataView(bytes.buffer);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

describe('Telegram fake: files and media', () => {
  let fake: TelegramFake;
  let api: Api;
  const USER = 30;
  const download = async (filePath: string) => {
    const res = await fetch(`${fake.apiRoot}/file/bot${TOKEN}/${filePath}`);
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
  };

  before(async () => {
    fake = createTelegramFake({ rateLimits: false });
    await fake.start();
    api = new Api(TOKEN, { apiRoot: fake.apiRoot });
    fake.user({ id: USER, token: TOKEN });
  });
  after(() => fake.stop());

  it('takes a multipart upload from grammY and serves it back through getFile', async () => {
    const content = new TextEncoder().encode('%PDF-1.4 fake report');
    const message = await api.sendDocument(USER, new InputFile(content, 'report v1.pdf'), {
      caption: '<i>Your</i> report',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] },
    });
    assert.equal(message.document?.file_name, 'report v1.pdf');
    assert.equal(message.document?.mime_type, 'application/pdf');
    assert.equal(message.document?.file_size, content.byteLength);
    assert.equal(message.caption, 'Your report');
    assert.deepEqual(message.reply_markup, {
      inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]],
    });
    const payload = fake.calls(TOKEN).at(-1)?.payload;
    assert.deepEqual(payload?.document, {
      filename: 'report v1.pdf',
      size: content.byteLength,
      mimeType: 'application/octet-stream',
    });
    const file = await api.getFile(message.document!.file_id);
    assert.match(file.file_path ?? '', /^documents\/file_\d+\.pdf$/);
    assert.deepEqual(await download(file.file_path!), { status: 200, body: content });
    const [shown] = fake.user({ id: USER, token: TOKEN }).messages();
    assert.equal(shown?.media?.kind, 'document');
    assert.equal(shown?.media?.sentAs, 'upload');
    assert.equal(shown?.media?.fileId, message.document?.file_id);
  });

  it('lets the bot download a document the user sent', async () => {
    const user = fake.user({ id: USER, token: TOKEN });
    const update = await user.sendDocument({
      fileName: 'notes.txt',
      mimeType: 'text/plain',
      content: 'line 1\nline 2',
    });
    const doc = update.message?.document;
    assert.equal(doc?.file_name, 'notes.txt');
    const file = await api.getFile(doc!.file_id);
    const { body } = await download(file.file_path!);
    assert.equal(new TextDecoder().decode(body), 'line 1\nline 2');
    assert.equal((await download('documents/nope.txt')).status, 404);
    await assert.rejects(
      api.getFile('bogus'),
      (e: GrammyError) => e.description === 'Bad Request: invalid file_id',
    );
  });

  it('gives user photos and stickers real file objects', async () => {
    const user = fake.user({ id: USER, token: TOKEN });
    const photo = (await user.sendPhoto({ content: pngHeader(200, 100), caption: 'look' })).message;
    assert.deepEqual(
      photo?.photo?.map((s) => [s.width, s.height]),
      [
        [90, 45],
        [200, 100],
      ],
    );
    assert.equal(photo?.caption, 'look');
    const sticker = (await user.sendSticker()).message?.sticker;
    assert.equal(sticker?.type, 'regular');
    const file = await api.getFile(sticker!.file_id);
    assert.equal((await download(file.file_path!)).status, 200);
  });

  it('sends photos by upload in several sizes, and again by file_id', async () => {
    const message = await api.sendPhoto(USER, new InputFile(pngHeader(1600, 1200)));
    const sizes = message.photo ?? [];
    assert.deepEqual(
      sizes.map((s) => [s.width, s.height]),
      [
        [90, 68],
        [320, 240],
        [800, 600],
        [1600, 1200],
      ],
    );
    const again = await api.sendPhoto(USER, sizes.at(-1)!.file_id);
    assert.deepEqual(again.photo, sizes);
    const user = fake.user({ id: USER, token: TOKEN });
    assert.equal(user.lastMessage()?.media?.sentAs, 'file_id');
    await assert.rejects(
      api.sendVideo(USER, sizes[0]!.file_id),
      (e: GrammyError) => e.description === "Bad Request: can't use file of type Photo as Video",
    );
    await assert.rejects(
      api.sendDocument(USER, 'not-a-file-id'),
      (e: GrammyError) => e.description === 'Bad Request: wrong file identifier/HTTP URL specified',
    );
  });

  it('records media sent by URL and fails it on a url-fail fault', async () => {
    const user = fake.user({ id: USER, token: TOKEN });
    const video = await api.sendVideo(USER, 'https://cdn.example.com/out/clip.mp4', { duration: 5 });
    assert.equal(video.video?.file_name, 'clip.mp4');
    assert.equal(video.video?.duration, 5);
    assert.deepEqual(user.lastMessage()?.media, {
      kind: 'video',
      sentAs: 'url',
      url: 'https://cdn.example.com/out/clip.mp4',
      fileId: video.video?.file_id,
    });
    fake.faults.inject({ kind: 'url-fail', url: /broken/ });
    fake.faults.inject({
      kind: 'url-fail',
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    });
    await assert.rejects(
      api.sendPhoto(USER, 'https://cdn.example.com/broken.png'),
      (e: GrammyError) =>
        e.error_code === 400 && e.description === 'Bad Request: failed to get HTTP URL content',
    );
    await assert.rejects(
      api.sendAudio(USER, 'https://cdn.example.com/song.mp3'),
      (e: GrammyError) => e.description === 'Bad Request: wrong file identifier/HTTP URL specified',
    );
    const audio = await api.sendAudio(USER, 'https://cdn.example.com/song.mp3', { title: 'Song' });
    assert.equal(audio.audio?.title, 'Song');
  });

  it('sends an album with uploads as one media group', async () => {
    const messages = await api.sendMediaGroup(USER, [
      { type: 'photo', media: new InputFile(pngHeader(10, 10)), caption: 'first' },
      { type: 'photo', media: 'https://cdn.example.com/2.jpg' },
    ]);
    assert.equal(messages.length, 2);
    const groups = messages.map((m) => (m as { media_group_id?: string }).media_group_id);
    assert.ok(groups[0]);
    assert.equal(groups[0], groups[1]);
    assert.equal(messages[0]?.caption, 'first');
    assert.equal(messages[1]?.message_id, (messages[0]?.message_id ?? 0) + 1);
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { TelegramFake } from '@tg-genbot/fakes/telegram';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';

const TOKEN = '1000000003:PERSIST-test-token-0000000000';
// A 2×2 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** The sandbox's Telegram fake keeps its chats in its data dir (packages/fakes/src/telegram/fake-persistence.ts). */
describe('Telegram fake with a data dir', () => {
  let dir: string;
  const fakes: TelegramFake[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-fake-state-'));
  });
  afterEach(async () => {
    for (const fake of fakes.splice(0)) await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startFake(): Promise<TelegramFake> {
    const fake = createTelegramFake({ rateLimits: false, defaultToken: TOKEN, dataDir: dir, webChat: {} });
    fakes.push(fake);
    await fake.start();
    return fake;
  }
  const call = <T>(fake: TelegramFake, method: string, body: object) =>
    fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ ok: boolean; result: T }>);

  it('keeps users, messages with keyboards, files and pending updates; ids go on after a restart', async () => {
    const first = await startFake();
    const ann = first.user({ id: 42, firstName: 'Ann', languageCode: 'ru' });
    const hello = await ann.sendText('hello');
    const photo = await ann.sendPhoto({ content: PNG, caption: 'a pixel' });
    const menu = await call<{ message_id: number }>(first, 'sendMessage', {
      chat_id: 42,
      text: '<b>Menu</b>',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Help', callback_data: 'help' }]] },
    });
    assert.equal(menu.ok, true);
    const before = ann.messages();
    await first.stop();

    const second = await startFake();
    const again = second.user({ id: 42, firstName: 'Ann', languageCode: 'ru' });
    assert.deepEqual(again.messages(), before, 'the same bot messages, entities and keyboard included');
    // The updates the bot never fetched are still waiting for it, as Telegram keeps them.
    const pending = await call<Array<{ update_id: number }>>(second, 'getUpdates', { timeout: 0 });
    assert.deepEqual(
      pending.result.map((u) => u.update_id),
      [hello.update_id, photo.update_id],
    );
    // The photo's bytes survived: getFile and the download serve them.
    const fileId = photo.message?.photo?.at(-1)?.file_id ?? '';
    const file = await call<{ file_path: string }>(second, 'getFile', { file_id: fileId });
    const download = await fetch(`${second.apiRoot}/file/bot${TOKEN}/${file.result.file_path}`);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);
    // An old button is a normal press; new updates and messages get fresh ids.
    const press = await again.pressButton({ text: 'Help' });
    assert.equal(press.callback_query?.message?.message_id, menu.result.message_id);
    assert.ok(press.update_id > photo.update_id, `${press.update_id} > ${photo.update_id}`);
    const next = await again.sendText('after the restart');
    assert.ok(next.update_id > press.update_id);
    assert.equal(next.message?.message_id, menu.result.message_id + 1, 'message ids continue in the chat');
    assert.equal(next.message?.from?.language_code, 'ru');
  });

  it('saves changes soon after they happen, without waiting for stop', async () => {
    const fake = await startFake();
    await fake.user({ id: 7 }).sendText('remember me');
    const path = join(dir, 'state.json');
    const deadline = Date.now() + 5000;
    while (!(existsSync(path) && readFileSync(path, 'utf8').includes('remember me'))) {
      assert.ok(Date.now() < deadline, 'state.json was written within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp')).length, 0, 'no temp file left behind');
  });

  it('starts empty with a log line when the file is damaged, and keeps the damaged file aside', async (t) => {
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "core": {"users": [');
    const warnings: string[] = [];
    t.mock.method(console, 'warn', (message: string) => warnings.push(message));
    const fake = await startFake();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /could not read .*state\.json.*starting with no chats/);
    assert.ok(readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-')));
    const state = (await (await fetch(`${fake.apiRoot}/chat/api/state`)).json()) as { users: unknown[] };
    assert.deepEqual(state.users, []);
  });

  it('shows lost media as missing, not as an error, when a file is gone from the data dir', async () => {
    const first = await startFake();
    const update = await first.user({ id: 9 }).sendPhoto({ content: PNG });
    await first.stop();
    rmSync(join(dir, 'files'), { recursive: true });
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const second = await startFake();
      const fileId = update.message?.photo?.at(-1)?.file_id ?? '';
      const served = await fetch(`${second.apiRoot}/chat/api/files/${encodeURIComponent(fileId)}`);
      assert.equal(served.status, 404, 'the page shows its placeholder for a 404');
    } finally {
      console.warn = original;
    }
    assert.ok(warnings.some((w) => /missing/.test(w)));
  });
});

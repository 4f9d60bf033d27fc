import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake, type TelegramFake } from '@tg-genbot/fakes/telegram';
import type { Update } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, focused, launchChromium, naturalWidth, screenshot, until } from './browser.ts';

const TOKEN = '1009:test-token-rendering';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const USER = 9001;
// A 2×2 PNG.
// Real media (the KIE fake's samples): a body the browser cannot decode fires `error`, and the page
// rightly swaps the player for a "no longer available" note, which would race the checks below.
const MP3 = readFileSync(new URL('../../../packages/fakes/src/kie/assets/result.mp3', import.meta.url));
const MP4 = readFileSync(new URL('../../../packages/fakes/src/kie/assets/result.mp4', import.meta.url));
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * The page against a bare Telegram fake, with this test playing the bot over the Bot API: every
 * kind of message, entity, chat action and callback answer, exactly as chosen here.
 */
describe('web chat rendering in headless Chromium', { skip: chromiumSkipReason() }, () => {
  let fake: TelegramFake;
  let browser: Browser;
  let page: Page;
  before(async () => {
    fake = createTelegramFake({ rateLimits: false, defaultToken: TOKEN, webChat: {} });
    await fake.start();
    fake.user({ id: USER, firstName: 'Ren', languageCode: 'en', token: TOKEN });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    await page.goto(fake.webChatUrl ?? '');
    await page.locator('body[data-ready]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await fake?.stop();
  });

  /** A Bot API call as the bot makes it, inside a trace. */
  async function bot(
    method: string,
    body: Record<string, unknown> | FormData,
  ): Promise<{ message_id: number }> {
    const form = body instanceof FormData;
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/${method}`, {
      method: 'POST',
      headers: {
        traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
        ...(form ? {} : { 'content-type': 'application/json' }),
      },
      body: form ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { ok: boolean; result: { message_id: number }; description?: string };
    assert.ok(json.ok, `${method}: ${json.description}`);
    return json.result;
  }
  const upload = (field: string, name: string, type: string, content: Uint8Array | string) => {
    const form = new FormData();
    form.set('chat_id', String(USER));
    form.set(field, new Blob([content], { type }), name);
    return form;
  };
  const nextUpdate = () =>
    new Promise<Update>((resolve) => {
      const listener = (e: { update: Update }) => {
        fake.off('update', listener);
        resolve(e.update);
      };
      fake.on('update', listener);
    });

  it('formats text as Telegram does: entities, nesting, line breaks, links, spoilers, commands', async () => {
    const { message_id } = await bot('sendMessage', {
      chat_id: USER,
      parse_mode: 'HTML',
      text:
        '<b>bold <i>both</i></b> <u>under</u> <s>struck</s> <code>mono</code>\n' +
        '<pre><code class="language-ts">let x = 1;</code></pre>\n' +
        '<a href="https://example.org/docs">a link</a> <tg-spoiler>secret</tg-spoiler>\n' +
        '<blockquote>quoted</blockquote>',
    });
    const message = page.locator(`#msg-${message_id}`);
    const text = message.locator('.text');
    await text.waitFor();
    assert.equal(await text.locator('b').first().textContent(), 'bold both');
    assert.equal(await text.locator('b > i').textContent(), 'both');
    assert.equal(await text.locator('u').textContent(), 'under');
    assert.equal(await text.locator('s').textContent(), 'struck');
    assert.equal(await text.locator(':scope > code').textContent(), 'mono');
    assert.equal(await text.locator('pre > code.language-ts').textContent(), 'let x = 1;');
    const link = text.locator('a');
    assert.equal(await link.getAttribute('href'), 'https://example.org/docs');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await text.locator('blockquote').textContent(), 'quoted');
    const spoiler = text.locator('.spoiler');
    assert.equal(await spoiler.evaluate((el: unknown) => (el as { className: string }).className), 'spoiler');
    await spoiler.focus();
    await page.keyboard.press('Enter');
    assert.match((await spoiler.getAttribute('class')) ?? '', /revealed/);
    // Line breaks stay in the text, and the bubble shows them (pre-wrap), as Telegram does.
    assert.equal(await text.textContent(), 'bold both under struck mono\nlet x = 1;\na link secret\nquoted');
    assert.equal(
      await text.evaluate((el: unknown) => {
        const e = el as {
          ownerDocument: { defaultView: { getComputedStyle(e: unknown): { whiteSpace: string } } };
        };
        return e.ownerDocument.defaultView.getComputedStyle(e).whiteSpace;
      }),
      'pre-wrap',
    );
    assert.equal(await message.locator('a.trace').getAttribute('data-trace-id'), TRACE);

    // Markdown, and a command in the bot's text that sends itself when clicked.
    await bot('sendMessage', { chat_id: USER, parse_mode: 'MarkdownV2', text: '*strong* _slanted_ `x`' });
    const markdown = page.locator('.message.bot').last().locator('.text');
    await markdown.locator('b').getByText('strong').waitFor();
    assert.equal(await markdown.locator('i').textContent(), 'slanted');
    await bot('sendMessage', {
      chat_id: USER,
      text: 'Try /help now',
      entities: [{ type: 'bot_command', offset: 4, length: 5 }],
    });
    const sent = nextUpdate();
    await page.locator('.message.bot').last().getByRole('button', { name: '/help' }).click();
    assert.equal((await sent).message?.text, '/help');
    await page.locator('.message.user').last().getByText('/help').waitFor();
    await screenshot(page, '20-rendering-text');
  });

  it('shows photos, plays video and audio, offers documents; deleted messages go', async () => {
    const photo = await bot('sendPhoto', upload('photo', 'p.png', 'image/png', PNG));
    const image = page.locator(`#msg-${photo.message_id} img.photo`);
    await image.waitFor();
    await until('the photo is decoded', async () => (await naturalWidth(image)) === 2);
    const video = await bot('sendVideo', upload('video', 'clip.mp4', 'video/mp4', MP4));
    await page.locator(`#msg-${video.message_id} video[controls]`).waitFor();
    const audio = await bot('sendAudio', upload('audio', 'song.mp3', 'audio/mpeg', MP3));
    await page.locator(`#msg-${audio.message_id} audio[controls]`).waitFor();
    const doc = await bot('sendDocument', upload('document', 'report.txt', 'text/plain', 'the report'));
    const link = page.locator(`#msg-${doc.message_id} a.document`);
    await link.getByText('report.txt').waitFor();
    assert.equal(await link.getAttribute('download'), 'report.txt');
    const served = await fetch(new URL((await link.getAttribute('href')) ?? '', fake.webChatUrl));
    assert.equal(await served.text(), 'the report');
    await screenshot(page, '21-rendering-media');
    await bot('deleteMessage', { chat_id: USER, message_id: video.message_id });
    await page.locator(`#msg-${video.message_id}`).waitFor({ state: 'detached' });
  });

  it('shows chat actions, and callback answers as toasts or as an alert the keyboard can close', async () => {
    await bot('sendChatAction', { chat_id: USER, action: 'upload_photo' });
    const action = page.locator('#chat-action');
    await action.getByText('Sandbox Bot is sending photo…').waitFor();
    assert.equal(await action.locator('a.trace').getAttribute('data-trace-id'), TRACE);
    await bot('sendChatAction', { chat_id: USER, action: 'typing' });
    await action.getByText('Sandbox Bot is typing…').waitFor();
    const { message_id } = await bot('sendMessage', {
      chat_id: USER,
      text: 'Choose',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Save', callback_data: 'save' },
            { text: 'Drop', callback_data: 'drop' },
          ],
        ],
      },
    });
    await page.locator(`#msg-${message_id}`).waitFor();
    // A message ends the chat action.
    await page.locator('#chat-action:empty').waitFor({ state: 'attached', timeout: 2000 });

    const message = page.locator(`#msg-${message_id}`);
    let pressed = nextUpdate();
    await message.getByRole('button', { name: 'Save' }).click();
    await bot('answerCallbackQuery', {
      callback_query_id: (await pressed).callback_query?.id,
      text: 'Saved',
    });
    await page.locator('.toast').getByText('Saved').waitFor();

    pressed = nextUpdate();
    await message.getByRole('button', { name: 'Drop' }).focus();
    await page.keyboard.press('Enter');
    await bot('answerCallbackQuery', {
      callback_query_id: (await pressed).callback_query?.id,
      text: 'Really drop it?',
      show_alert: true,
    });
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Really drop it?').waitFor();
    assert.equal((await focused(page)).text, 'OK', 'the alert takes the focus');
    await screenshot(page, '22-rendering-alert');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await focused(page)).text, 'Drop', 'focus returns to the pressed button');
    await message.locator('.press').getByText('Drop').waitFor();
  });
});

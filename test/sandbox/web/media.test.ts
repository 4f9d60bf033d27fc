import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_KIE_API_KEY, SANDBOX_TOKEN } from '@tg-genbot/sandbox';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  chromiumSkipReason,
  createChatUser,
  lastBotMessage,
  launchChromium,
  newChatPage,
  screenshot,
  sendText,
  until,
} from './browser.ts';
import { startWebSandbox } from './web-sandbox.ts';

/** Generous: a task takes about a second at the test's KIE speed, plus the bot's polling. */
const GENERATION_TIMEOUT_MS = 60_000;

/** What the page knows about a media element: whether it decoded and how long it is. */
interface MediaState {
  readyState: number;
  duration: number;
  currentTime: number;
  error: number | null;
}

/** Plays a <video>/<audio> muted (headless Chromium allows that without a gesture) and reads its state. */
function playMuted(media: Locator): Promise<MediaState> {
  // Runs in the page; the tests' tsconfig has no DOM types, hence the loose element type.
  return media.evaluate(async (el: unknown) => {
    const m = el as {
      muted: boolean;
      play(): Promise<void>;
      readyState: number;
      duration: number;
      currentTime: number;
      error: { code: number } | null;
    };
    m.muted = true;
    await m.play().catch(() => undefined);
    return {
      readyState: m.readyState,
      duration: m.duration,
      currentTime: m.currentTime,
      error: m.error?.code ?? null,
    };
  });
}

describe('generated media in the web chat, in headless Chromium', { skip: chromiumSkipReason() }, () => {
  let web: Awaited<ReturnType<typeof startWebSandbox>>;
  let browser: Browser;
  before(async () => {
    web = await startWebSandbox();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.dispose();
  });

  const openAs = async (id: number, name: string): Promise<Page> =>
    createChatUser(await newChatPage(browser), web.sandbox.webChatUrl, { id, name });

  /** Starts a task on the sandbox's KIE fake and resolves with its first result URL once it succeeded. */
  async function kieResult(path: string, body: unknown, ext: string): Promise<string> {
    const res = await fetch(`${web.sandbox.kie.baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SANDBOX_KIE_API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { taskId } = ((await res.json()) as { data: { taskId: string } }).data;
    await until(
      `KIE task ${taskId} succeeded`,
      async () => web.sandbox.kie.tasks().some((t) => t.id === taskId && t.state === 'success'),
      GENERATION_TIMEOUT_MS,
    );
    return `${web.sandbox.kie.baseUrl}/files/${taskId}/0.${ext}`;
  }

  /** Sends a result URL the way the bot delivers one: the Bot API method with the URL as the file. */
  async function botSends(method: 'sendVideo' | 'sendAudio', chatId: number, field: string, url: string) {
    const res = await fetch(`http://127.0.0.1:${web.sandbox.telegram.port}/bot${SANDBOX_TOKEN}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, [field]: url }),
    });
    assert.equal(res.status, 200, await res.text());
  }

  it('shows a generated image as a decoded picture of the prompt, and plays video and music results', async () => {
    const id = 6101;
    const page = await openAs(id, 'Media');
    await sendText(page, '/balance');
    await lastBotMessage(page).getByRole('button', { name: /⭐/ }).first().click();
    await page
      .locator('.message.bot:has(.invoice)')
      .last()
      .getByRole('button', { name: /^Pay ⭐/ })
      .click();
    await page
      .locator('.message.bot')
      .filter({ hasText: /credits added|кредит/ })
      .last()
      .waitFor();

    // Menu → Generate → Images → Nano Banana → prompt → Confirm, as a user does it.
    await sendText(page, '/start');
    await lastBotMessage(page)
      .getByRole('button', { name: /Generate/ })
      .click();
    await lastBotMessage(page)
      .getByRole('button', { name: /Images/ })
      .click();
    await lastBotMessage(page)
      .getByRole('button', { name: /^Nano Banana · / })
      .click();
    await lastBotMessage(page)
      .getByText(/Send me a description/)
      .waitFor();
    await sendText(page, 'Рыжая лиса в снегу на рассвете — a red fox in the snow at dawn');
    await lastBotMessage(page)
      .getByRole('button', { name: /Confirm/ })
      .click();
    const photo = page.locator('.message.bot img.photo').last();
    await photo.waitFor({ timeout: GENERATION_TIMEOUT_MS });
    await until('the delivered photo is decoded', async () =>
      photo.evaluate((el: unknown) => (el as { complete: boolean; naturalWidth: number }).naturalWidth > 0),
    );
    const size = await photo.evaluate((el: unknown) => {
      const img = el as { naturalWidth: number; naturalHeight: number };
      return [img.naturalWidth, img.naturalHeight];
    });
    assert.deepEqual(size, [1024, 1024], 'the rendered prompt picture, not a 1×1 placeholder');
    await photo.scrollIntoViewIfNeeded();
    await screenshot(page, '30-media-image');

    const videoUrl = await kieResult(
      '/api/v1/veo/generate',
      { prompt: 'A dog in a park', model: 'veo3_fast' },
      'mp4',
    );
    await botSends('sendVideo', id, 'video', videoUrl);
    const video = page.locator('.message.bot video.media').last();
    await video.waitFor();
    let videoState: MediaState | undefined;
    await until('the video plays', async () => {
      videoState = await playMuted(video);
      return videoState.readyState >= 2 && videoState.duration > 0 && videoState.currentTime > 0;
    });
    assert.ok(videoState && videoState.duration > 3 && videoState.duration < 5, JSON.stringify(videoState));
    assert.equal(videoState?.error, null);
    await video.scrollIntoViewIfNeeded();
    await screenshot(page, '31-media-video');

    const song = {
      prompt: 'A calm song about the sea',
      customMode: false,
      instrumental: true,
      model: 'V4_5',
    };
    const audioUrl = await kieResult(
      '/api/v1/generate',
      { ...song, callBackUrl: `${web.sandbox.kie.baseUrl}/unused-callback` },
      'mp3',
    );
    await botSends('sendAudio', id, 'audio', audioUrl);
    const audio = page.locator('.message.bot audio.media').last();
    await audio.waitFor();
    let audioState: MediaState | undefined;
    await until('the track plays', async () => {
      audioState = await playMuted(audio);
      return audioState.readyState >= 2 && audioState.duration > 0 && audioState.currentTime > 0;
    });
    assert.ok(audioState && audioState.duration > 5 && audioState.duration < 7, JSON.stringify(audioState));
    await screenshot(page, '32-media-audio');
    await page.close();
  });
});

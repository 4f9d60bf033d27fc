import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { SANDBOX_TOKEN } from '@tg-genbot/sandbox';
import type { Update } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { setupTestTelemetry } from '../../support/otel.ts';
import {
  chromiumSkipReason,
  createChatUser,
  launchChromium,
  screenshot,
  sendText,
  until,
} from './browser.ts';

await setupTestTelemetry();
const { startWebSandbox } = await import('./web-sandbox.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

/** The chat as the page shows it: each message's id, side and text. */
async function shownMessages(page: Page): Promise<string[]> {
  return page
    .locator('.message')
    .evaluateAll((items) =>
      items.map(
        (li) =>
          `${li.id} ${li.classList.contains('bot') ? 'bot' : 'user'}: ${li.querySelector('.text')?.textContent ?? ''}`,
      ),
    );
}

/** Every update id the page shows (user messages and presses). */
async function shownUpdateIds(page: Page): Promise<number[]> {
  return page
    .locator('[data-update-id]')
    .evaluateAll((items) => items.map((e) => Number(e.getAttribute('data-update-id'))));
}

describe(`sandbox web chat: restart, sticker, admin (${DATABASE_KIND})`, {
  skip: chromiumSkipReason(),
}, () => {
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

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    return page;
  }

  const openAs = async (id: number, name: string): Promise<Page> =>
    createChatUser(await newPage(), web.sandbox.webChatUrl, { id, name });

  it("makes a fresh sandbox's first web-chat user an admin and says so", async () => {
    const page = await newPage();
    await page.goto(web.sandbox.webChatUrl);
    await page.locator('body[data-ready]').waitFor();
    assert.deepEqual(
      web.sandbox.config.adminIds,
      [1001],
      'ADMIN_IDS was not set: the first user is the admin',
    );
    await page.locator('#user-select:has(option[value="1001"]:checked)').waitFor();
    const note = page.locator('#admin-note');
    await note.getByText('You are the admin').waitFor();
    await note.getByRole('button', { name: '/admin' }).click();
    await page.locator('.message.user').getByText('/admin').waitFor();
    await page
      .locator('.message.bot')
      .last()
      .getByRole('button', { name: /Totals/ })
      .waitFor();
    await screenshot(page, 'restart-01-admin-note');

    // Another user is no admin: no note for them.
    await page.getByText('New user').click();
    await page.getByLabel('Id', { exact: true }).fill('6009');
    await page.getByLabel('Name', { exact: true }).fill('Guest');
    await page.getByRole('button', { name: 'Create and switch' }).click();
    await page.locator('#user-select:has(option[value="6009"]:checked)').waitFor();
    await until('the note is hidden', async () => !(await note.isVisible()));
    await page.close();
  });

  it('sends a sticker as a proper sticker message and shows stickers (user- and bot-sent) at emoji size', async () => {
    const page = await openAs(6002, 'Stella');
    const updates: Update[] = [];
    const onUpdate = (e: { update: Update }) => updates.push(e.update);
    web.sandbox.telegram.on('update', onUpdate);
    await page.locator('#stickers summary').click();
    await page.getByRole('button', { name: 'Send sticker 🔥' }).click();
    const mine = page.locator('.message.user .sticker').last();
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-emoji'), '🔥');
    assert.equal(await mine.textContent(), '🔥');
    web.sandbox.telegram.off('update', onUpdate);
    const sticker = updates.find((u) => u.message?.sticker)?.message?.sticker;
    assert.ok(sticker, 'the bot got a sticker message');
    assert.match(sticker.file_id, /^CAAC/);
    assert.ok(sticker.file_unique_id.length > 0);
    assert.deepEqual(
      {
        type: sticker.type,
        width: sticker.width,
        height: sticker.height,
        is_animated: sticker.is_animated,
        is_video: sticker.is_video,
        emoji: sticker.emoji,
      },
      { type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '🔥' },
    );

    // The bot sends one back (by file_id, with an emoji of its own).
    const answer = await fetch(`${web.sandbox.telegram.apiRoot}/bot${SANDBOX_TOKEN}/sendSticker`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 6002, sticker: sticker.file_id, emoji: '🎉' }),
    });
    assert.equal(answer.status, 200);
    const theirs = page.locator('.message.bot .sticker[data-emoji="🎉"]');
    await theirs.waitFor();
    for (const shown of [mine, theirs]) {
      const box = await shown.boundingBox();
      assert.ok(box && box.height > 30 && box.height < 160, `emoji-sized: ${JSON.stringify(box)}`);
    }
    await screenshot(page, 'restart-02-stickers');
    await page.close();
  });

  it('survives a restart under the open page: same chat, old buttons work, new updates get fresh ids', async () => {
    const page = await openAs(6001, 'Rita');
    await sendText(page, '/start');
    const menu = page.locator('.message.bot').last();
    await menu.getByText('Hi, Rita!').waitFor();
    await menu.getByRole('button', { name: /Help/ }).waitFor();
    const menuId = (await menu.getAttribute('id')) ?? '';
    await sendText(page, '/help');
    await page.locator('.message.bot').nth(1).getByText('What I can do').waitFor();
    await page.locator('.message.user a.trace').nth(1).waitFor();
    const before = await shownMessages(page);
    const idsBefore = await shownUpdateIds(page);
    assert.equal(before.length, 4, before.join('\n'));
    await screenshot(page, 'restart-03-before');

    await web.restart(async () => {
      // The event stream dropped: the page says so while the sandbox is away.
      await page.locator('#connection').getByText('Disconnected — reconnecting…').waitFor();
      await screenshot(page, 'restart-04-disconnected');
    });
    // Back by itself: the same conversation, notice gone.
    await page.locator('body[data-connected="true"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#connection').isVisible(), false);
    assert.deepEqual(await shownMessages(page), before);
    // The traces of the user's messages were kept too.
    assert.equal(await page.locator('.message.user a.trace').count(), 2);

    // A button of a message from before the restart: a normal press the bot answers (an edit).
    await page.locator(`#${menuId}`).getByRole('button', { name: /Help/ }).click();
    await page.locator(`#${menuId}`).getByText('What I can do').waitFor();
    await page.locator(`#${menuId} .press`).getByText(/Help/).waitFor();

    // A new message: an update id above every earlier one (the bot's inbox would drop a reused id).
    await sendText(page, '/start');
    const fresh = page.locator('.message.user').last();
    await fresh.getByText('/start').waitFor();
    const freshId = Number(await fresh.getAttribute('data-update-id'));
    assert.ok(
      idsBefore.every((id) => freshId > id),
      `${freshId} after ${idsBefore.join(', ')}`,
    );
    await page.locator('.message.bot').last().getByText('Hi, Rita!').waitFor();
    const ids = (await shownMessages(page)).map((m) => Number(m.split(' ')[0]?.slice('msg-'.length)));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'message ids keep increasing',
    );
    assert.equal(new Set(ids).size, ids.length, 'no message id reused');
    assert.equal(await page.locator('.toast.error').count(), 0, 'no error shown');
    await screenshot(page, 'restart-05-after');
    await page.close();
  });

  it('a press on a message the fake does not have shows a neutral note, no developer error', async () => {
    const page = await openAs(6003, 'Ned');
    await sendText(page, '/start');
    await page.locator('.message.bot').last().getByRole('button', { name: /Help/ }).waitFor();
    const answer = await fetch(new URL('chat/api/press', web.sandbox.webChatUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 6003, messageId: 99_999, data: 'x' }),
    });
    assert.equal(answer.status, 409);
    assert.deepEqual(await answer.json(), { error: 'This message is no longer available.' });
    // The page shows what the server says, as a neutral toast (a keyboard the fake no longer has).
    await page.route('**/chat/api/press', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: '{"error":"This message is no longer available."}',
      }),
    );
    await page.locator('.message.bot').last().locator('.key').first().click();
    await page.locator('.toast').getByText('This message is no longer available.').waitFor();
    assert.equal(await page.locator('.toast.error').count(), 0, 'neutral, not an error');
    await page.close();
  });
});

describe('web chat at phone width', { skip: chromiumSkipReason() }, () => {
  const token = '1000000002:PHONE-layout-token-000000000';
  let fake: ReturnType<typeof createTelegramFake>;
  let browser: Browser;
  before(async () => {
    // Layout only: the fake and its web chat, no bot (nothing answers, nothing is rate limited).
    fake = createTelegramFake({ rateLimits: false, defaultToken: token, webChat: {} });
    await fake.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await fake?.stop();
  });

  const botSays = (chatId: number, text: string) =>
    fetch(`${fake.apiRoot}/bot${token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, text }),
    }).then((r) => assert.equal(r.status, 200));

  /** The composer and its message box lie inside the viewport, and nothing scrolls sideways. */
  async function assertComposerOnScreen(page: Page, what: string): Promise<void> {
    const viewport = page.viewportSize() ?? { width: 0, height: 0 };
    for (const selector of ['#composer', '#text', '#composer button[type="submit"]']) {
      const box = await page.locator(selector).boundingBox();
      assert.ok(box, `${selector} is shown (${what})`);
      assert.ok(
        box.y >= 0 &&
          box.x >= 0 &&
          box.y + box.height <= viewport.height + 0.5 &&
          box.x + box.width <= viewport.width + 0.5,
        `${selector} inside ${viewport.width}×${viewport.height} (${what}): ${JSON.stringify(box)}`,
      );
    }
    const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(scrollWidth) <= viewport.width, `no sideways scroll (${what}): ${String(scrollWidth)}`);
  }

  for (const [width, height] of [
    [375, 667],
    [360, 640],
  ] as const) {
    it(`keeps the message box on screen at ${width}×${height}, after 50 messages and a long one, and with the keyboard up`, async () => {
      const chatId = 7000 + width;
      const user = fake.user({ id: chatId, firstName: `Phone ${width}` });
      const context = await browser.newContext({
        viewport: { width, height },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
      await page.goto(fake.webChatUrl ?? '');
      await page.locator('body[data-ready]').waitFor();
      await page.locator('#user-select').selectOption(String(chatId));
      await page.locator(`#user-select:has(option[value="${chatId}"]:checked)`).waitFor();
      await assertComposerOnScreen(page, 'empty chat');

      for (let i = 1; i <= 25; i++) {
        await user.sendText(`message ${i} from the user`);
        await botSays(chatId, `answer ${i} from the bot`);
      }
      await page.locator('.message').nth(49).waitFor();
      await assertComposerOnScreen(page, '50 messages');
      await screenshot(page, `phone-${width}-50-messages`);

      await botSays(chatId, `A long answer: ${'lorem ipsum dolor sit amet '.repeat(140)}`.slice(0, 4000));
      await user.sendText(`A long paste ${'consectetur adipiscing elit '.repeat(140)}`.slice(0, 4000));
      await page.locator('.message').nth(51).waitFor();
      await assertComposerOnScreen(page, 'a long message');
      // A long draft in the box does not push it off the screen either.
      await page.locator('#text').fill('line\n'.repeat(40));
      await assertComposerOnScreen(page, 'a long draft');
      await screenshot(page, `phone-${width}-long-message`);

      // The on-screen keyboard takes about half the screen: the layout shrinks, the box stays.
      await page.setViewportSize({ width, height: Math.round(height / 2) });
      await page.locator('#text').focus();
      await assertComposerOnScreen(page, 'keyboard up');
      await screenshot(page, `phone-${width}-keyboard-up`);

      // The fault switches are a panel opened from the header, closed again the same way.
      await page.setViewportSize({ width, height });
      assert.equal(await page.locator('#faults').isVisible(), false);
      await page.getByRole('button', { name: 'Faults' }).click();
      await page.getByLabel('Telegram answers 429').waitFor();
      await page.getByRole('button', { name: 'Faults' }).click();
      await until('the panel is closed', async () => !(await page.locator('#faults').isVisible()));
      await context.close();
    });
  }
});

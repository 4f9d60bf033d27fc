import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { setupTestTelemetry } from '../../support/otel.ts';
import {
  chromiumSkipReason,
  createChatUser,
  focused,
  lastBotMessage,
  launchChromium,
  naturalWidth,
  newChatPage,
  screenshot,
  sendText,
  switchIsOn,
  until,
} from './browser.ts';

// Telemetry first, then the app: the bot then sends real trace ids with its Bot API calls.
const otel = await setupTestTelemetry();
const { startWebSandbox, TEST_GRAFANA_URL } = await import('./web-sandbox.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

// A 2×2 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

describe(`web chat in headless Chromium (${DATABASE_KIND})`, { skip: chromiumSkipReason() }, () => {
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

  /** A fresh page (no remembered user) as a new user created through the page's form. */
  const openAs = async (id: number, name: string, language: 'en' | 'ru'): Promise<Page> =>
    createChatUser(await newChatPage(browser, { width: 1280, height: 900 }), web.sandbox.webChatUrl, {
      id,
      name,
      language,
    });
  const exportedTraceIds = () => new Set(otel.spans.getFinishedSpans().map((s) => s.spanContext().traceId));

  it('sends /start, shows the menu, presses a button and shows the edited message, each with its trace', async () => {
    const page = await openAs(5001, 'Ada', 'en');
    await sendText(page, '/start');
    const menu = lastBotMessage(page);
    await menu.getByText('Hi, Ada!').waitFor();
    for (const button of [/Generate/, /Balance and top-up/, /Help/, /Language/])
      await menu.getByRole('button', { name: button }).waitFor();
    // The user's message shows the trace of the update it produced, the menu the trace that sent it.
    const start = page.locator('.message.user').last();
    await start.locator('a.trace').waitFor();
    const startTrace = await start.locator('a.trace').getAttribute('data-trace-id');
    assert.equal(await menu.locator('a.trace').getAttribute('data-trace-id'), startTrace);
    const href = (await menu.locator('a.trace').getAttribute('href')) ?? '';
    assert.ok(href.startsWith(`${TEST_GRAFANA_URL}/explore?`), href);
    assert.ok(href.includes(encodeURIComponent(startTrace ?? '-')), 'the link opens that trace');
    assert.ok(exportedTraceIds().has(startTrace ?? ''), 'the trace id is one the bot exported');
    await screenshot(page, '01-start-menu');

    const id = await menu.getAttribute('id');
    await menu.getByRole('button', { name: /Help/ }).click();
    const edited = page.locator(`#${id}`);
    await edited.getByText('What I can do').waitFor();
    await edited.locator('.edited').waitFor();
    assert.equal(await page.locator('.message.bot').count(), 1, 'edited in place, not a new message');
    const press = edited.locator('.press');
    await press.getByText(/Help/).waitFor();
    await press.locator('a.trace').waitFor();
    const pressTrace = await press.locator('a.trace').getAttribute('data-trace-id');
    assert.notEqual(pressTrace, startTrace, 'the press is its own update, with its own trace');
    assert.deepEqual(
      await edited
        .locator('.meta a.trace')
        .evaluateAll((links) => links.map((a) => a.getAttribute('data-trace-id'))),
      [startTrace, pressTrace],
      'sent in the /start trace, edited in the press trace',
    );
    // Line breaks and entities as Telegram shows them: the title is bold, the text keeps its lines.
    assert.equal(await edited.locator('.text b').first().textContent(), 'What I can do');
    assert.match((await edited.locator('.text').innerText()) ?? '', /What I can do\n\/start/);
    await screenshot(page, '02-help-edited');
    await page.close();
  });

  it('works with the keyboard alone: Tab order, Enter to send, buttons, visible focus, fault switches', async () => {
    const page = await openAs(5002, 'Kim', 'en');
    // A fresh load (the page remembers the user) puts keyboard navigation at the top of the page.
    await page.reload();
    await page.locator('#user-select:has(option[value="5002"]:checked)').waitFor();
    const order: string[] = [];
    for (let i = 0; i < 10 && (await focused(page)).id !== 'text'; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      order.push(f.id || f.text);
    }
    assert.equal(order.at(-1), 'text', `the message box is reachable by Tab: ${order.join(' → ')}`);
    assert.ok(order.indexOf('user-select') < order.indexOf('text'), 'user picker first, then the chat');
    await page.keyboard.type('/start');
    await page.keyboard.press('Enter');
    await lastBotMessage(page).getByText('Hi, Kim!').waitFor();
    assert.equal(await page.locator('#text').inputValue(), '', 'Enter sent the message');
    assert.equal((await focused(page)).id, 'text', 'focus stays in the message box');

    // Back from the message box into the menu's buttons.
    let f = await focused(page);
    for (let i = 0; i < 8 && !/Language/.test(f.text); i++) {
      await page.keyboard.press('Shift+Tab');
      f = await focused(page);
    }
    assert.match(f.text, /Language/);
    assert.equal(f.tag, 'BUTTON');
    assert.notEqual(f.outlineStyle, 'none', 'focus is visible');
    assert.ok(f.outlineWidth >= 2, `focus ring ${f.outlineWidth}px`);
    await screenshot(page, '03-keyboard-focus-on-button');
    await page.keyboard.press('Enter');
    await lastBotMessage(page).getByText('Choose your language:').waitFor();
    f = await focused(page);
    assert.equal(f.tag, 'BUTTON', 'focus stays on a button of the edited message');
    assert.equal(f.inMessage, await lastBotMessage(page).getAttribute('id'));
    // Pick Русский (above Back) with the keyboard; the answer to the press is a toast.
    for (let i = 0; i < 4 && !/Русский/.test(f.text); i++) {
      await page.keyboard.press('Shift+Tab');
      f = await focused(page);
    }
    assert.match(f.text, /Русский/);
    await page.keyboard.press('Enter');
    await page
      .locator('.toast')
      .getByText(/русский/i)
      .waitFor();
    await lastBotMessage(page)
      .locator('.text')
      .getByText(/Язык переключён/)
      .waitFor();

    // The fault switches are checkboxes: Tab to one, Space toggles it on the server.
    for (let i = 0; i < 40 && f.switchId !== 'telegram-429'; i++) {
      await page.keyboard.press('Tab');
      f = await focused(page);
    }
    assert.equal(f.switchId, 'telegram-429');
    assert.notEqual(f.outlineStyle, 'none');
    await page.keyboard.press('Space');
    await until('the 429 switch is on', () => switchIsOn(web.sandbox.webChatUrl, 'telegram-429'));
    await screenshot(page, '04-keyboard-fault-switch');
    await page.keyboard.press('Space');
    await until(
      'the 429 switch is off',
      async () => !(await switchIsOn(web.sandbox.webChatUrl, 'telegram-429')),
    );
    await page.close();
  });

  it('keeps users apart, each in their language', async () => {
    const page = await openAs(5003, 'Bo', 'ru');
    await sendText(page, '/start');
    await lastBotMessage(page).getByText('Привет, Bo!').waitFor();
    await openAsExisting(page, 5001);
    await lastBotMessage(page).getByText('What I can do').waitFor();
    assert.equal(await page.getByText('Привет, Bo!').count(), 0, "Bo's chat is not in Ada's");
    await screenshot(page, '05-other-user');
    await openAsExisting(page, 5003);
    await lastBotMessage(page).getByText('Привет, Bo!').waitFor();
    await page.close();
  });

  async function openAsExisting(page: Page, id: number): Promise<void> {
    await page.locator('#user-select').selectOption(String(id));
    await page.locator(`#user-select:has(option[value="${id}"]:checked)`).waitFor();
  }

  it('sends a photo and a text document, and pays a Stars invoice with the Pay button', async () => {
    const page = await openAs(5004, 'Pat', 'en');
    await page
      .locator('#photo-input')
      .setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PNG });
    const photo = page.locator('.message.user img.photo').last();
    await photo.waitFor();
    await until('the photo is shown', async () => (await naturalWidth(photo)) === 2);
    await page.locator('#text').fill('my notes');
    await page.locator('#document-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('line one\nline two\n'),
    });
    const doc = page.locator('.message.user a.document').last();
    await doc.getByText('notes.txt').waitFor();
    await page.locator('.message.user').last().getByText('my notes').waitFor();
    const body = await (
      await fetch(new URL((await doc.getAttribute('href')) ?? '', web.sandbox.webChatUrl))
    ).text();
    assert.equal(body, 'line one\nline two\n');

    await sendText(page, '/balance');
    const packs = lastBotMessage(page);
    await packs.getByText('Top up with Telegram Stars:').waitFor();
    await packs
      .getByRole('button', { name: /credits · \d+ ⭐/ })
      .first()
      .click();
    const invoice = page.locator('.message.bot:has(.invoice)').last();
    const pay = invoice.getByRole('button', { name: /^Pay ⭐ \d+$/ });
    await pay.waitFor();
    await screenshot(page, '06-invoice');
    await pay.click();
    await page.locator('.toast').getByText('Payment approved').waitFor();
    await page
      .locator('.message.user .service')
      .getByText(/^You paid ⭐ \d+$/)
      .waitFor();
    await lastBotMessage(page)
      .getByText(/credits added/)
      .waitFor();
    await invoice.locator('.press.pay a.trace').waitFor();
    await screenshot(page, '07-paid');
    await page.close();
  });

  it('Telegram 429s switched on from the page: the bot retries and the conversation goes on', async () => {
    const page = await openAs(5005, 'Rex', 'en');
    await page.getByLabel('Telegram answers 429').check();
    await until('the 429 switch is on', () => switchIsOn(web.sandbox.webChatUrl, 'telegram-429'));
    await sendText(page, '/help');
    await lastBotMessage(page).getByText('What I can do').waitFor({ timeout: 15_000 });
    const limited = web.sandbox.telegram.calls().filter((c) => c.response.error_code === 429);
    assert.ok(limited.length > 0, 'the bot met a 429');
    await page.getByLabel('Telegram answers 429').uncheck();
    await screenshot(page, '08-after-429');
    await page.close();
  });
});

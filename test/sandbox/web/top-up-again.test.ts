import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumSkipReason,
  createChatUser,
  lastBotMessage,
  launchChromium,
  newChatPage,
  screenshot,
  sendText,
} from './browser.ts';

const { startWebSandbox } = await import('./web-sandbox.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

/** Generous: a task takes about a second at the test's KIE speed, plus the bot's polling. */
const GENERATION_TIMEOUT_MS = 60_000;

describe(`top-up from a short confirmation, then Again, in headless Chromium (${DATABASE_KIND})`, {
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

  const openAs = async (id: number, name: string): Promise<Page> =>
    createChatUser(await newChatPage(browser), web.sandbox.webChatUrl, { id, name });

  it('Top up → pay → Continue → the same confirmation with the new balance → delivered; Again → confirmed', async () => {
    const page = await openAs(6101, 'TopUp');
    await sendText(page, '/start');
    await lastBotMessage(page)
      .getByRole('button', { name: /Generate/ })
      .click();
    await lastBotMessage(page)
      .getByRole('button', { name: /Images/ })
      .click();
    await lastBotMessage(page)
      .getByRole('button', { name: /^Nano Banana · \d+ cr$/ })
      .click();
    await lastBotMessage(page)
      .getByText(/Send me a description/)
      .waitFor();
    await sendText(page, 'a paper boat on a puddle');
    const short = lastBotMessage(page);
    await short.getByText(/but your balance is 0/).waitFor();
    await screenshot(page, '20-short-confirmation');

    await short.getByRole('button', { name: /Top up/ }).click();
    const packs = lastBotMessage(page);
    await packs.getByRole('button', { name: /^100 credits · 50 ⭐$/ }).click();
    await page
      .locator('.message.bot:has(.invoice)')
      .last()
      .getByRole('button', { name: /^Pay ⭐/ })
      .click();
    const receipt = page
      .locator('.message.bot')
      .filter({ hasText: /credits added/ })
      .last();
    await receipt.waitFor();
    const receiptId = await receipt.getAttribute('id');
    await screenshot(page, '21-paid-with-continue');
    await receipt.getByRole('button', { name: /Continue/ }).click();

    // The receipt turned into the confirmation, with the new balance; Confirm charges as usual.
    const confirmation = page.locator(`#${receiptId}`);
    await confirmation.getByText(/balance 100 → 92/).waitFor();
    await confirmation.getByText(/a paper boat on a puddle/).waitFor();
    await screenshot(page, '22-confirmation-after-top-up');
    await confirmation.getByRole('button', { name: /Confirm · 8 cr/ }).click();
    const done = page
      .locator('.message.bot')
      .filter({ hasText: /done in/ })
      .last();
    await done.waitFor({ timeout: GENERATION_TIMEOUT_MS });
    await page.locator('.message.bot img.photo').last().waitFor({ timeout: GENERATION_TIMEOUT_MS });
    await screenshot(page, '23-delivered-with-again');

    await done.getByRole('button', { name: /Again/ }).click();
    const again = page
      .locator('.message.bot')
      .filter({ hasText: /a paper boat on a puddle/ })
      .filter({ has: page.getByRole('button', { name: /Confirm · 8 cr/ }) })
      .last();
    await again.getByText(/balance 92 → 84/).waitFor();
    await screenshot(page, '24-again-confirmation');
    await again.getByRole('button', { name: /Confirm · 8 cr/ }).click();
    await page
      .locator('.message.bot')
      .filter({ hasText: /done in/ })
      .nth(1)
      .waitFor({ timeout: GENERATION_TIMEOUT_MS });
    await screenshot(page, '25-again-delivered');
    await page.close();
  });
});

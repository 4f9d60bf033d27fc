import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { setupTestTelemetry } from '../../support/otel.ts';
import {
  chromiumSkipReason,
  createChatUser,
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
await setupTestTelemetry();
const { startWebSandbox } = await import('./web-sandbox.ts');
const { DATABASE_KIND } = await import('../../support/test-database.ts');

/** Generous: a task takes about a second at the test's KIE speed, plus the bot's polling. */
const GENERATION_TIMEOUT_MS = 60_000;

describe(`a generation in the web chat, in headless Chromium (${DATABASE_KIND})`, {
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

  /** Buys the first Stars pack with the invoice's Pay button. */
  async function topUp(page: Page): Promise<void> {
    await sendText(page, '/balance');
    await lastBotMessage(page)
      .getByRole('button', { name: /credits · \d+ ⭐/ })
      .first()
      .click();
    await page
      .locator('.message.bot:has(.invoice)')
      .last()
      .getByRole('button', { name: /^Pay ⭐/ })
      .click();
    await lastBotMessage(page)
      .getByText(/credits added/)
      .waitFor();
  }

  /** Main menu → Generate → Images → Nano Banana → prompt → Confirm; returns the Confirm press's trace id. */
  async function generate(page: Page, prompt: string): Promise<string> {
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
    await sendText(page, prompt);
    const draft = lastBotMessage(page);
    const confirm = draft.getByRole('button', { name: /Confirm · \d+ cr/ });
    await confirm.waitFor();
    const draftId = await draft.getAttribute('id');
    await confirm.click();
    const press = page.locator(`#${draftId} .press`).filter({ hasText: /Confirm/ });
    await press.locator('a.trace').waitFor();
    return (await press.locator('a.trace').getAttribute('data-trace-id')) ?? '';
  }

  it('runs one image generation to the delivered photo, all in the trace of the Confirm press', async () => {
    const page = await openAs(6001, 'Gen');
    await topUp(page);
    const confirmTrace = await generate(page, 'a red fox in the snow');
    await screenshot(page, '10-generation-confirmed');
    const photo = page.locator('.message.bot img.photo').last();
    await photo.waitFor({ timeout: GENERATION_TIMEOUT_MS });
    // The KIE fake's result, loaded through the web chat: a real image the browser decoded.
    await until('the delivered photo is decoded', async () => (await naturalWidth(photo)) > 0);
    await page.getByText(/done in/).waitFor({ timeout: GENERATION_TIMEOUT_MS });
    const delivered = page.locator('.message.bot:has(img.photo)').last();
    const traces = await delivered
      .locator('a.trace')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-trace-id')));
    assert.ok(
      traces.includes(confirmTrace),
      `photo traces ${traces} include the Confirm trace ${confirmTrace}`,
    );
    await screenshot(page, '11-generation-delivered');
    await page.close();
  });

  it('a KIE failure switched on from the page ends in a refund message with its error reference', async () => {
    const page = await openAs(6002, 'Fail');
    await topUp(page);
    await page.getByLabel('KIE tasks fail').check();
    try {
      await until('the KIE switch is on', () => switchIsOn(web.sandbox.webChatUrl, 'kie-fail'));
      const confirmTrace = await generate(page, 'a fox that will not be drawn');
      const refund = page
        .locator('.message.bot')
        .filter({ hasText: /credits were returned to your balance/ })
        .last();
      await refund.waitFor({ timeout: GENERATION_TIMEOUT_MS });
      const text = await refund.locator('.text').innerText();
      const ref = /ref ([0-9a-f]{8})/.exec(text)?.[1];
      assert.ok(ref, `an error reference in: ${text}`);
      // The reference is the start of the generation's trace id: what on-call pastes into Grafana.
      assert.equal(ref, confirmTrace.slice(0, 8));
      const traces = await refund
        .locator('a.trace')
        .evaluateAll((links) => links.map((a) => a.getAttribute('data-trace-id')));
      assert.ok(traces.includes(confirmTrace), `refund message traces ${traces}`);
      await screenshot(page, '12-kie-failure-refund');
    } finally {
      await page.getByLabel('KIE tasks fail').uncheck();
      await page.close();
    }
  });
});

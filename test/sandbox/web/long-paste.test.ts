import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createBillingService } from '../../../src/services/billing/billing.service.ts';
import {
  chromiumSkipReason,
  createChatUser,
  launchChromium,
  newChatPage,
  screenshot,
  until,
} from './browser.ts';
import { startWebSandbox } from './web-sandbox.ts';

const { DATABASE_KIND } = await import('../../support/test-database.ts');

/** About 10,000 characters of meeting notes: a client sends them as three messages. */
function minutes(chars: number): string {
  const lines: string[] = [];
  for (let n = 1; lines.join('\n').length < chars; n++) {
    lines.push(
      `Topic ${n} was discussed. Decision: adopt option ${n}. Action item: Ann prepares the budget for topic ${n}. Who signs off on topic ${n}?`,
    );
  }
  return lines.join('\n').slice(0, chars).trimEnd();
}

describe(`a 10,000-character paste in the web chat, in headless Chromium (${DATABASE_KIND})`, {
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
  const quotes = (page: Page) => page.locator('.message.bot').filter({ hasText: /Price: \d+ credits/ });

  it('arrives as three messages → one quote → Confirm → one charge', async () => {
    const id = 4242;
    const page = await openAs(id, 'Paster');
    await page.locator('#text').fill('/start');
    await page.locator('#text').press('Enter');
    await page
      .locator('.message.bot')
      .last()
      .getByText(/Protocol/)
      .first()
      .waitFor();
    const billing = createBillingService(web.sandbox.app.database.db);
    await billing.topUp(id, 100, { idempotencyKey: `paste-${id}` });

    const text = minutes(10_000);
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
    await until(
      'the paste shows as three messages',
      async () => (await page.locator('.message.user').count()) === 4,
    );
    const sizes = await page
      .locator('.message.user')
      .evaluateAll((items) =>
        items
          .slice(1)
          .map((li) => li.querySelector('.text')?.textContent?.length ?? li.textContent?.length ?? 0),
      );
    assert.equal(sizes.length, 3);
    assert.ok(
      sizes.every((n) => n > 0 && n <= 4096 + 40),
      `each part fits one message: ${sizes}`,
    );

    const quote = quotes(page).filter({ hasText: /Received as 3 messages/ });
    await quote.waitFor({ timeout: 20_000 });
    assert.equal(await quotes(page).count(), 1, 'one quote for the three parts');
    await screenshot(page, 'long-paste-quote');

    const before = await billing.balance(id);
    assert.equal(before, 100, 'nothing charged for the quote');
    const price = Number(/Price: (\d+) credits/.exec((await quote.textContent()) ?? '')?.[1]);
    assert.ok(price > 0);
    await quote.getByRole('button', { name: /Confirm/ }).click();
    await page
      .locator('.message.bot')
      .filter({ hasText: /📋 Protocol/ })
      .last()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'long-paste-protocol');
    assert.equal(await billing.balance(id), before - price, 'one charge, the quoted price');
    const charges = await web.sandbox.app.database.db
      .selectFrom('ledger_entries')
      .select('amount')
      .where('user_id', '=', id)
      .where('amount', '<', 0)
      .execute();
    assert.deepEqual(
      charges.map((c) => c.amount),
      [-price],
    );
  });
});

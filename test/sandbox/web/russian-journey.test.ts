import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LOCALES_DIR } from '../../../src/bot/i18n.ts';
import { setupTestTelemetry } from '../../support/otel.ts';
import {
  chromiumSkipReason,
  lastBotMessage,
  launchChromium,
  naturalWidth,
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

const CATALOG_PATH = new URL('../../../catalog/catalog.json', import.meta.url);

/** A locale file's messages: key → value, continuation lines and all. */
function ftlMessages(lang: string): Map<string, string> {
  const messages = new Map<string, string>();
  let key: string | undefined;
  for (const line of readFileSync(`${LOCALES_DIR}/${lang}.ftl`, 'utf8').split('\n')) {
    const start = /^([a-z][a-z0-9-]*)\s*=(.*)$/.exec(line);
    if (start?.[1]) {
      key = start[1];
      messages.set(key, start[2] ?? '');
    } else if (key && /^\s/.test(line)) messages.set(key, `${messages.get(key)}\n${line}`);
    else key = undefined;
  }
  return messages;
}

/** Latin words of a text, lower case; Fluent syntax ($variables, [variant] keys) and HTML tags left out. */
function latinWords(text: string): string[] {
  const prose = text
    .replace(/\$[\w-]+/g, ' ')
    .replace(/\*?\[[^\]\n]*\]/g, ' ')
    .replace(/<[^>\n]*>/g, ' ');
  return (prose.match(/[A-Za-z]+/g) ?? []).map((w) => w.toLowerCase());
}

/** Every `{ en, ru }` pair of the catalog (titles, descriptions, option labels). */
function catalogPairs(value: unknown): Array<{ en: string; ru: string }> {
  if (Array.isArray(value)) return value.flatMap(catalogPairs);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own =
    typeof record.en === 'string' && typeof record.ru === 'string'
      ? [record as { en: string; ru: string }]
      : [];
  return [...own, ...Object.values(record).flatMap(catalogPairs)];
}

/**
 * The words only the English texts use: from every en.ftl message (and catalog text) whose Russian
 * differs, less any word the Russian texts use too (Telegram, Stars, Nano Banana, ref, txt…). One of
 * them in a message to a Russian user is a message (or part of one) rendered in English.
 */
function englishOnlyWords(): Set<string> {
  const en = ftlMessages('en');
  const ru = ftlMessages('ru');
  assert.ok(en.size > 100 && ru.size > 100, 'both locales parsed');
  const pairs = [
    ...[...en].map(([key, value]) => ({ en: value, ru: ru.get(key) ?? '' })),
    ...catalogPairs(JSON.parse(readFileSync(CATALOG_PATH, 'utf8'))),
  ];
  const russian = new Set(pairs.flatMap((p) => latinWords(p.ru)));
  const words = new Set(pairs.filter((p) => p.en !== p.ru).flatMap((p) => latinWords(p.en)));
  for (const word of russian) words.delete(word);
  return words;
}

const ENGLISH_ONLY = englishOnlyWords();

/** The form of «кредит» Russian uses after `n`, as Intl.PluralRules('ru') categorises it. */
const RU_PLURAL = new Intl.PluralRules('ru');
function credits(n: number): string {
  const form = { one: 'кредит', few: 'кредита', many: 'кредитов', other: 'кредита' }[
    RU_PLURAL.select(n) as 'one' | 'few' | 'many' | 'other'
  ];
  return `${n} ${form}`;
}
/** «вернулся» agrees with «1 кредит» (and 21, 101…), «вернулось» with the rest. */
const returned = (n: number) => (RU_PLURAL.select(n) === 'one' ? 'вернулся' : 'вернулось');

/** One state of a bot message the page showed: its text (<code> left out), codes and buttons. */
interface SeenMessage {
  id: string;
  text: string;
  codes: string[];
  keys: string[];
  invoice: boolean;
}

/**
 * Records every state of every bot message the page shows (transient status edits included) and
 * every callback answer (toast or alert) in `window.__seenBotMessages`. A string: the tests' tsconfig has no DOM types.
 */
const RECORD_BOT_MESSAGES = `(() => {
  const seen = new Map();
  window.__seenBotMessages = seen;
  const record = () => {
    for (const li of document.querySelectorAll('#messages .message.bot')) {
      const shown = li.querySelector('.text');
      const prose = shown ? shown.cloneNode(true) : undefined;
      for (const code of prose ? prose.querySelectorAll('code') : []) code.remove();
      const parts = [
        ...[...li.querySelectorAll('.invoice-title, .invoice-description')].map((e) => e.textContent),
        prose ? prose.textContent : '',
      ];
      const entry = {
        id: li.id,
        text: parts.filter(Boolean).join('\\n').trim(),
        codes: shown ? [...shown.querySelectorAll('code')].map((c) => c.textContent) : [],
        keys: [...li.querySelectorAll('.keyboard .key')].map((k) => k.textContent.trim()),
        invoice: li.querySelector('.invoice') !== null,
      };
      seen.set(JSON.stringify(entry), entry);
    }
    // The bot's callback answers: toasts (their trace link left out) and alerts.
    const answers = [...document.querySelectorAll('#toasts .toast')].map((t) => t.firstChild.textContent);
    if (document.getElementById('alert').open) answers.push(document.getElementById('alert-text').textContent);
    for (const text of answers) {
      const entry = { id: 'answer', text: text.trim(), codes: [], keys: [], invoice: false };
      seen.set(JSON.stringify(entry), entry);
    }
  };
  record();
  new MutationObserver(record).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
  });
})()`;

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** Why `shown` is not Russian (Latin words of the English texts, no Cyrillic), or undefined. */
function notRussian(shown: string): string | undefined {
  if (!CYRILLIC.test(shown)) return 'no Cyrillic';
  const english = latinWords(shown).filter((w) => ENGLISH_ONLY.has(w));
  return english.length ? `English words: ${[...new Set(english)].join(', ')}` : undefined;
}

describe(`a Russian-speaking user's generation journey in the web chat (${DATABASE_KIND})`, {
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

  /** Every bot message state and callback answer the page has shown so far is Russian, buttons too. */
  async function assertAllRussian(page: Page, step: string): Promise<SeenMessage[]> {
    const seen = (await page.evaluate('[...window.__seenBotMessages.values()]')) as SeenMessage[];
    assert.ok(seen.length > 0, `${step}: the bot said something`);
    const problems: string[] = [];
    for (const message of seen) {
      // The fake's Telegram client saying the Stars payment went through (no bot text).
      if (message.id === 'answer' && message.text === 'Payment approved') continue;
      const why = notRussian(message.text);
      if (why) problems.push(`${message.id} text (${why}): ${message.text}`);
      for (const key of message.keys) {
        // The Pay button under an invoice is drawn by the Telegram client (the bot sends no keyboard
        // with its invoice); the fake's client is English. Everything else is the bot's.
        if (message.invoice && /^Pay ⭐/.test(key)) continue;
        const whyKey = notRussian(key);
        if (whyKey) problems.push(`${message.id} button (${whyKey}): ${key}`);
      }
    }
    assert.deepEqual(problems, [], `${step}: every bot text and button is Russian`);
    return seen;
  }

  /** The model's price from the catalog: what the confirmation must quote and charge. */
  const nanoBananaPrice = (): number => {
    const catalog = JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as {
      models: Array<{ id: string; prices: Array<{ credits: number }> }>;
    };
    const price = catalog.models.find((m) => m.id === 'nano-banana')?.prices[0]?.credits;
    assert.ok(price, 'Nano Banana is in the catalog');
    return price;
  };

  /** Kinds → Картинки → Nano Banana → prompt → Подтвердить; returns the press's trace id. */
  async function generateFromKinds(
    page: Page,
    prompt: string,
    balance: number,
    step: string,
  ): Promise<string> {
    const price = nanoBananaPrice();
    await lastBotMessage(page).getByText('Что будем создавать?').waitFor();
    await lastBotMessage(page).getByRole('button', { name: 'Картинки' }).click();
    await lastBotMessage(page)
      .getByRole('button', { name: `Nano Banana · ${price} кр.`, exact: true })
      .click();
    await lastBotMessage(page)
      .getByText(/Пришлите описание/)
      .waitFor();
    await sendText(page, prompt);
    const draft = lastBotMessage(page);
    const confirm = draft.getByRole('button', { name: `✅ Подтвердить · ${price} кр.`, exact: true });
    await confirm.waitFor();
    const shown = await draft.locator('.text').innerText();
    assert.ok(shown.includes(prompt), `the confirmation quotes the prompt: ${shown}`);
    assert.ok(
      shown.includes(`💰 Цена: ${credits(price)} · баланс ${balance} → ${balance - price}`),
      `the confirmation prices it in Russian: ${shown}`,
    );
    await assertAllRussian(page, `${step}: the confirmation`);
    await screenshot(page, `ru-journey-${step}-confirmation`);
    const draftId = await draft.getAttribute('id');
    await confirm.click();
    const press = page.locator(`#${draftId} .press`).filter({ hasText: /Подтвердить/ });
    await press.locator('a.trace').waitFor();
    return (await press.locator('a.trace').getAttribute('data-trace-id')) ?? '';
  }

  /** The buttons under a generation's final status message. */
  async function assertAfterButtons(page: Page, messageId: string): Promise<void> {
    const keys = await page.locator(`#${messageId} .keyboard .key`).allInnerTexts();
    assert.deepEqual(
      keys.map((k) => k.trim()),
      ['🔁 Ещё раз', '✨ Новая', '🏠 Меню'],
    );
  }

  it('from /start through the menu and a Stars top-up to a delivered picture, then a failure with its refund, all in Russian', async () => {
    const price = nanoBananaPrice();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    await page.goto(web.sandbox.webChatUrl);
    await page.locator('body[data-ready]').waitFor();
    // A new user whose Telegram is in Russian (language_code ru) and who never used /language.
    await page.getByText('New user').click();
    await page.getByLabel('Id', { exact: true }).fill('6201');
    await page.getByLabel('Name', { exact: true }).fill('Маша');
    await page.getByLabel('Language', { exact: true }).selectOption('ru');
    await page.getByRole('button', { name: 'Create and switch' }).click();
    await page.locator('#user-select:has(option[value="6201"]:checked)').waitFor();
    assert.match(await page.locator('#user-select option:checked').innerText(), /\(6201, ru\)/);
    await page.evaluate(RECORD_BOT_MESSAGES);

    // /start: the greeting and the main menu.
    await sendText(page, '/start');
    const menu = lastBotMessage(page);
    await menu.getByText('Привет, Маша!').waitFor();
    await menu.getByRole('button', { name: '🎨 Создать' }).waitFor();
    await assertAllRussian(page, '/start');
    await screenshot(page, 'ru-journey-01-start');

    // Menu → Баланс → a Stars pack → the invoice → paid.
    await menu.getByRole('button', { name: '💰 Баланс и пополнение' }).click();
    await menu.getByText(`Ваш баланс: ${credits(0)}`).waitFor();
    const pack = menu.getByRole('button', { name: /^\d+ кредит\p{L}* · \d+ ⭐$/u }).first();
    const packLabel = (await pack.innerText()).trim();
    const packCredits = Number(/^\d+/.exec(packLabel)?.[0]);
    assert.ok(packLabel.startsWith(`${credits(packCredits)} · `), `pack button plural: ${packLabel}`);
    await assertAllRussian(page, 'the balance');
    await screenshot(page, 'ru-journey-02-balance');
    await pack.click();
    const invoice = page.locator('.message.bot:has(.invoice)').last();
    await invoice.locator('.invoice-title').getByText(credits(packCredits), { exact: true }).waitFor();
    await assertAllRussian(page, 'the invoice');
    await screenshot(page, 'ru-journey-03-invoice');
    await invoice.getByRole('button', { name: /^Pay ⭐/ }).click();
    const receipt = page
      .locator('.message.bot')
      .filter({ hasText: /Начислен/ })
      .last();
    await receipt.waitFor();
    assert.equal(
      (await receipt.locator('.text').innerText()).trim(),
      `✅ ${RU_PLURAL.select(packCredits) === 'one' ? 'Начислен' : 'Начислено'} ${credits(packCredits)}. Ваш баланс: ${packCredits}.`,
    );
    await assertAllRussian(page, 'the receipt');
    await screenshot(page, 'ru-journey-04-paid');

    // /start → Создать → the first generation, delivered.
    await sendText(page, '/start');
    await lastBotMessage(page).getByText('Привет, Маша!').waitFor();
    await lastBotMessage(page).getByRole('button', { name: '🎨 Создать' }).click();
    const prompt = 'рыжая лиса в снегу';
    const firstTrace = await generateFromKinds(page, prompt, packCredits, '05');
    const photo = page.locator('.message.bot img.photo').last();
    await photo.waitFor({ timeout: GENERATION_TIMEOUT_MS });
    await until('the delivered photo is decoded', async () => (await naturalWidth(photo)) > 0);
    const delivered = page
      .locator('.message.bot')
      .filter({ hasText: /готово за/ })
      .last();
    await delivered.getByRole('button', { name: '🏠 Меню' }).waitFor({ timeout: GENERATION_TIMEOUT_MS });
    const deliveredText = (await delivered.locator('.text').innerText()).trim();
    assert.match(deliveredText, /^✅ Nano Banana: готово за \d+:\d\d · (.+)$/);
    assert.ok(deliveredText.endsWith(` · ${credits(price)}`), `price in Russian: ${deliveredText}`);
    const caption = (
      await page.locator('.message.bot:has(img.photo)').last().locator('.text').innerText()
    ).trim();
    assert.ok(caption.includes(prompt), `the photo's caption quotes the prompt: ${caption}`);
    const deliveredId = (await delivered.getAttribute('id')) ?? '';
    await assertAfterButtons(page, deliveredId);
    const traces = await delivered
      .locator('a.trace')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-trace-id')));
    assert.ok(traces.includes(firstTrace), `the status is in the Confirm trace ${firstTrace}: ${traces}`);
    await assertAllRussian(page, 'the delivered result');
    await screenshot(page, 'ru-journey-06-delivered');

    // ✨ Новая → the second generation, which KIE fails: refunded.
    await page.getByLabel('KIE tasks fail').check();
    try {
      await until('the KIE switch is on', () => switchIsOn(web.sandbox.webChatUrl, 'kie-fail'));
      await page.locator(`#${deliveredId}`).getByRole('button', { name: '✨ Новая' }).click();
      const balance = packCredits - price;
      const secondTrace = await generateFromKinds(page, 'лиса, которую не нарисуют', balance, '07');
      const failed = page
        .locator('.message.bot')
        .filter({ hasText: /❌ Nano Banana:/ })
        .last();
      await failed.getByRole('button', { name: '🏠 Меню' }).waitFor({ timeout: GENERATION_TIMEOUT_MS });
      const lines = (await failed.locator('.text').innerText()).split('\n').map((l) => l.trim());
      // The cause in plain words: the provider failed, the prompt is fine, try later.
      assert.equal(
        lines[0],
        '❌ Nano Banana: сервис генерации дал сбой на своей стороне. С вашим запросом всё в порядке: попробуйте ещё раз через несколько минут.',
      );
      // What was refunded and the new balance, both with the plural Russian uses for the number.
      assert.equal(
        lines[1],
        `↩️ На баланс ${returned(price)} ${credits(price)}, теперь на нём ${credits(balance)}.`,
      );
      // The reference: tap-to-copy <code>, the start of the generation's trace id.
      const codes = await failed.locator('.text code').allInnerTexts();
      assert.deepEqual(codes, [secondTrace.slice(0, 8)]);
      assert.equal(lines.at(-1), `код ${secondTrace.slice(0, 8)}`);
      await assertAfterButtons(page, (await failed.getAttribute('id')) ?? '');
      await assertAllRussian(page, 'the failure');
      await screenshot(page, 'ru-journey-08-failed-refunded');
    } finally {
      await page.getByLabel('KIE tasks fail').uncheck();
    }

    // /balance: the history of this journey, Russian operation names and balance.
    await sendText(page, '/balance');
    const history = lastBotMessage(page);
    await history.getByText('Последние операции:').waitFor();
    const historyText = await history.locator('.text').innerText();
    assert.ok(historyText.includes(`Ваш баланс: ${credits(packCredits - price)}`), historyText);
    for (const operation of [
      `пополнение · +${packCredits}`,
      `генерация · -${price}`,
      `возврат · +${price}`,
    ]) {
      assert.ok(historyText.includes(operation), `«${operation}» in: ${historyText}`);
    }
    const seen = await assertAllRussian(page, 'the balance after the journey');
    assert.ok(
      seen.some((m) => m.text.includes('генерирую') || m.text.includes('в очереди')),
      'the status messages on the way were seen (and checked) too',
    );
    assert.ok(
      seen.some((m) => m.id === 'answer' && m.text === 'Запущено!'),
      'the answers to the presses were seen (and checked) too',
    );
    await screenshot(page, 'ru-journey-09-balance-history');
    await page.close();
  });
});

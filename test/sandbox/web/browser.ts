import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's chromium package; playwright-core drives it (it never downloads a browser of its own). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where the steps' screenshots go (gitignored); CI keeps them as artifacts. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/web-chat/', import.meta.url));

/**
 * Why the browser tests cannot run here, or false when they can. In CI a missing browser is an
 * error, not a skip: .ci/run installs the package, so its absence means the setup broke.
 */
export function chromiumSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.CI) {
    throw new Error(`${CHROMIUM_PATH} is missing in CI: .ci/run should have installed Debian's chromium`);
  }
  return `${CHROMIUM_PATH} is missing: \`apt-get install chromium\` (Debian's package) to run the web chat's browser tests`;
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export function launchChromium(): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as test-artifacts/web-chat/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Resolves once `check` is true, polling; rejects after `timeoutMs` with `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The element with the keyboard focus, as the tests look at it. */
export interface Focused {
  id: string;
  text: string;
  tag: string;
  switchId: string;
  /** The id of the chat message it is in, if any. */
  inMessage: string;
  outlineStyle: string;
  outlineWidth: number;
}

export async function focused(page: Page): Promise<Focused> {
  const nothing = {
    id: '',
    text: '',
    tag: 'BODY',
    switchId: '',
    inMessage: '',
    outlineStyle: 'none',
    outlineWidth: 0,
  };
  if ((await page.locator(':focus').count()) === 0) return nothing;
  // Runs in the page; the tests' tsconfig has no DOM types, hence the loose element type.
  return page.locator(':focus').evaluate((el: unknown) => {
    const e = el as {
      id: string;
      textContent: string | null;
      tagName: string;
      dataset: Record<string, string | undefined>;
      closest(selector: string): { id: string } | null;
      ownerDocument: {
        defaultView: { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } };
      };
    };
    const style = e.ownerDocument.defaultView.getComputedStyle(e);
    return {
      id: e.id,
      text: e.textContent?.trim() ?? '',
      tag: e.tagName,
      switchId: e.dataset.switch ?? '',
      inMessage: e.closest('.message')?.id ?? '',
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth),
    };
  });
}

/** Whether a fault switch is on, as the server says. */
export async function switchIsOn(webChatUrl: string, id: string): Promise<boolean> {
  const state = (await (await fetch(new URL('chat/api/state', webChatUrl))).json()) as {
    switches: Array<{ id: string; on: boolean }>;
  };
  return state.switches.find((s) => s.id === id)?.on === true;
}

/** The natural width of an image in the page (0 until it is decoded). */
export function naturalWidth(image: Locator): Promise<number> {
  return image.evaluate((el: unknown) => (el as { naturalWidth: number }).naturalWidth);
}

/** A new page (its own context) that fails the test on any page error. */
export async function newChatPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 1000 },
): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  return page;
}

/** Opens the web chat on `page` and talks as a new user, created with the page's New user form. */
export async function createChatUser(
  page: Page,
  webChatUrl: string,
  user: { id: number; name: string; language?: 'en' | 'ru' },
): Promise<Page> {
  await page.goto(webChatUrl);
  await page.locator('body[data-ready]').waitFor();
  await page.getByText('New user').click();
  await page.getByLabel('Id', { exact: true }).fill(String(user.id));
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  if (user.language) await page.getByLabel('Language', { exact: true }).selectOption(user.language);
  await page.getByRole('button', { name: 'Create and switch' }).click();
  await page.locator(`#user-select:has(option[value="${user.id}"]:checked)`).waitFor();
  return page;
}

/** The newest message from the bot. */
export const lastBotMessage = (page: Page): Locator => page.locator('.message.bot').last();

/** Types `text` in the message box and sends it with Enter. */
export async function sendText(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

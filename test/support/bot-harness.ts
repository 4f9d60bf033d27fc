import { createTelegramFake, type TelegramFake } from '@tg-genbot/fakes/telegram';
import { type App, type AppOptions, createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { type CapturedLogger, createCaptureLogger } from './capture-logger.ts';
import { freePort } from './free-port.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** A token of the real shape, so redaction patterns are exercised. */
export const TEST_TOKEN = '7012345678:AAE-test_Token-abcdefghijklmnopqrstuvwx';
export const WEBHOOK_SECRET = 'test-webhook-secret_0123456789';

export interface HarnessOptions {
  readonly mode?: 'polling' | 'webhook';
  readonly env?: Readonly<Record<string, string>>;
  /** Share a fake (e.g. across a restart). */
  readonly fake?: TelegramFake;
  readonly testDb?: TestDatabase;
  readonly rateLimits?: false | { globalPerSecond: number; perChatPerSecond: number };
  /** The app's clock, timers and fault-injection seams. */
  readonly app?: Pick<AppOptions, 'now' | 'timers' | 'decorateBilling'>;
}

/** The bot running against the Telegram fake over real HTTP, on a private test database. */
export interface BotHarness {
  readonly fake: TelegramFake;
  readonly app: App;
  readonly database: DatabaseHandle;
  readonly testDb: TestDatabase;
  readonly log: CapturedLogger;
  readonly webhookUrl: string | undefined;
  /** Stops the bot (graceful) and closes its database, keeping the data and the fake. */
  stopBot(): Promise<void>;
  /** Stops everything and removes the data. */
  dispose(): Promise<void>;
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const fake =
    options.fake ?? createTelegramFake({ rateLimits: options.rateLimits ?? false, defaultToken: TEST_TOKEN });
  if (!options.fake) await fake.start();
  const testDb = options.testDb ?? createTestDatabase();
  const database = await testDb.open({ migrate: false });
  const port = await freePort();
  const mode = options.mode ?? 'polling';
  const webhookUrl = mode === 'webhook' ? `http://127.0.0.1:${port}/telegram/webhook` : undefined;
  const config = parseConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: String(port),
    HOST: '127.0.0.1',
    BOT_MODE: mode,
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...(webhookUrl ? { WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET } : {}),
    ...options.env,
  });
  const log = createCaptureLogger();
  const app = await createApp({
    config,
    token: TEST_TOKEN,
    logger: log.logger,
    database,
    maxRetryDelaySeconds: 5,
    ...options.app,
  });
  await app.start();
  let stopped = false;
  const stopBot = async () => {
    if (stopped) return;
    stopped = true;
    await app.stop();
    await database.destroy();
  };
  return {
    fake,
    app,
    database,
    testDb,
    log,
    webhookUrl,
    stopBot,
    async dispose() {
      await stopBot();
      if (!options.fake) await fake.stop();
      if (!options.testDb) await testDb.dispose();
    },
  };
}

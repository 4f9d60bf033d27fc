import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createKieFake, type KieFake } from '@tg-genbot/fakes/kie';
import { createLlmFake, type LlmFake } from '@tg-genbot/fakes/llm';
import { createTelegramFake, type TelegramFake, WEB_CHAT_FIRST_USER } from '@tg-genbot/fakes/telegram';
import { type App, createApp } from '../../../src/app.ts';
import { type Config, parseConfig } from '../../../src/config.ts';
import type { DatabaseHandle } from '../../../src/db/database.ts';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { sandboxFaultSwitches } from './fault-switches.ts';

/** The sandbox's bot token: fake, and shaped like a real one so redaction is exercised. */
export const SANDBOX_TOKEN = '1000000001:SANDBOX-local-token-not-a-secret-000000';
/** Keys the sandbox's KIE and LLM fakes accept; obviously not real ones. */
export const SANDBOX_KIE_API_KEY = 'sandbox-kie-key-not-a-secret';
export const SANDBOX_LLM_API_KEY = 'sandbox-llm-key-not-a-secret';
/** The KIE fake's starting balance: plenty for days of clicking (its "402" switch sets it to 0). */
const KIE_CREDITS = 1_000_000;

export interface SandboxOptions {
  /** The environment (process.env for `npm run sandbox`); sandbox settings override the bot's. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether a person chats in this terminal: then only warnings are logged. */
  readonly interactive?: boolean;
  /** Tests bring their own logger and database. */
  readonly logger?: Logger;
  readonly database?: DatabaseHandle;
  /** Multiplies the KIE fake's task durations (1: about 8 s per task). @default 1 */
  readonly kieTimeScale?: number;
}

/** The fakes, the bot against them, and the web chat's address. */
export interface Sandbox {
  readonly telegram: TelegramFake;
  readonly kie: KieFake;
  readonly llm: LlmFake;
  readonly app: App;
  readonly config: Config;
  readonly logger: Logger;
  /** Where a browser opens the web chat. */
  readonly webChatUrl: string;
  /** Stops the bot, then the fakes. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the Telegram fake (with its web chat), the KIE and LLM fakes, and the real bot pointed at
 * all three. Env: SANDBOX_TELEGRAM_PORT (8081), SANDBOX_HOST (127.0.0.1), SANDBOX_DATABASE_URL,
 * GRAFANA_URL (http://localhost:3000), DATA_DIR; the bot's own variables apply too. The web chat's
 * first user is an admin unless ADMIN_IDS says who is. The Telegram fake keeps its chats under
 * DATA_DIR/sandbox/telegram-fake, so a restarted sandbox shows the same conversation.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { env } = options;
  const host = env.SANDBOX_HOST ?? '127.0.0.1';
  const port = Number(env.SANDBOX_TELEGRAM_PORT ?? 8081);
  const dataDir = join(env.DATA_DIR ?? './data', 'sandbox');
  // Read once config exists; the web chat asks only when a page loads.
  let adminIds: readonly number[] = [];
  // The KIE and LLM fakes are only the bot's business: loopback, any free port.
  const kie = createKieFake({
    apiKey: SANDBOX_KIE_API_KEY,
    credits: KIE_CREDITS,
    timeScale: options.kieTimeScale ?? 1,
  });
  const llm = createLlmFake({ apiKey: SANDBOX_LLM_API_KEY });
  await Promise.all([kie.start(), llm.start()]);
  const telegram = createTelegramFake({
    host,
    port,
    defaultToken: SANDBOX_TOKEN,
    // Ids continue across restarts (the database remembers handled ids), as Telegram's do: from the
    // fake's saved counter, and never below the clock, should a crash have lost the last save.
    firstUpdateId: Date.now(),
    dataDir: join(dataDir, 'telegram-fake'),
    webChat: {
      adminIds: () => adminIds,
      grafanaUrl: env.GRAFANA_URL || 'http://localhost:3000',
      switches: sandboxFaultSwitches(kie, llm, { kieCredits: KIE_CREDITS }),
      // KIE result URLs point at the loopback fake: the page loads them through the web chat.
      mediaOrigins: [kie.baseUrl],
    },
  });
  await telegram.start();

  const config = parseConfig({
    ...env,
    BOT_TOKEN: SANDBOX_TOKEN,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${telegram.port}`,
    KIE_BASE_URL: kie.baseUrl,
    KIE_UPLOAD_BASE_URL: kie.baseUrl,
    KIE_API_KEY: SANDBOX_KIE_API_KEY,
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: SANDBOX_LLM_API_KEY,
    DATA_DIR: dataDir,
    // Whoever opens the web chat first can try /admin; an explicit ADMIN_IDS wins.
    ADMIN_IDS: env.ADMIN_IDS?.trim() || String(WEB_CHAT_FIRST_USER.id),
    BOT_MODE: 'polling',
    DATABASE_URL: env.SANDBOX_DATABASE_URL ?? '',
    PORT: env.PORT ?? '8080',
    LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
    // In a chat, log lines would interleave with the conversation: only warnings show there.
    LOG_LEVEL: env.LOG_LEVEL ?? (options.interactive ? 'warn' : 'info'),
  });
  adminIds = config.adminIds;
  if (!options.database) mkdirSync(config.dataDir, { recursive: true });
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const stopFakes = () => Promise.all([telegram.stop(), kie.stop(), llm.stop()]);
  let created: App | undefined;
  try {
    created = await createApp({
      config,
      token: SANDBOX_TOKEN,
      logger,
      ...(options.database ? { database: options.database } : {}),
    });
    await created.start();
  } catch (error) {
    await created?.stop().catch(() => {});
    await stopFakes();
    throw error;
  }
  const app = created;

  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let stopping: Promise<void> | undefined;
  return {
    telegram,
    kie,
    llm,
    app,
    config,
    logger,
    webChatUrl: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${telegram.port}/`,
    stop() {
      stopping ??= (async () => {
        await app.stop().catch((error: unknown) => logger.error('Sandbox shutdown failed', { err: error }));
        await stopFakes();
      })();
      return stopping;
    },
  };
}

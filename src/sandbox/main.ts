import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import { createTelegramFake } from '../fakes/telegram/index.ts';
import { createLogger } from '../logger.ts';
import { getTelemetry } from '../telemetry/sdk.ts';
import { runTerminalChat } from './terminal-chat.ts';

/**
 * `npm run sandbox`: the Telegram fake on SANDBOX_TELEGRAM_PORT (default 8081) and the real bot
 * against it, on the embedded database under DATA_DIR/sandbox. With a terminal you chat right here;
 * without one (Docker) the servers just run.
 */
const SANDBOX_TOKEN = '1000000001:SANDBOX-local-token-not-a-secret-000000';
const port = Number(process.env.SANDBOX_TELEGRAM_PORT ?? 8081);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';

// Ids continue across restarts (the database remembers handled ids), as Telegram's do.
const fake = createTelegramFake({ host, port, defaultToken: SANDBOX_TOKEN, firstUpdateId: Date.now() });
await fake.start();

const env = { ...process.env };
const config = parseConfig({
  ...env,
  BOT_TOKEN: SANDBOX_TOKEN,
  TELEGRAM_API_ROOT: `http://127.0.0.1:${fake.port}`,
  DATA_DIR: join(env.DATA_DIR ?? './data', 'sandbox'),
  BOT_MODE: 'polling',
  DATABASE_URL: env.SANDBOX_DATABASE_URL ?? '',
  PORT: env.PORT ?? '8080',
  LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
  // In a chat, log lines would interleave with the conversation: only warnings show there.
  LOG_LEVEL: env.LOG_LEVEL ?? (process.stdin.isTTY || env.SANDBOX_CHAT === '1' ? 'warn' : 'info'),
});
mkdirSync(config.dataDir, { recursive: true });
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
const app = await createApp({ config, token: SANDBOX_TOKEN, logger });

let stopping = false;
async function stop(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    await app.stop().catch((error: unknown) => logger.error('Sandbox shutdown failed', { err: error }));
    await fake.stop();
    await getTelemetry()?.shutdown();
  }
  process.exit(code);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  await app.start();
} catch (error) {
  logger.error('Sandbox failed to start', { err: error });
  await stop(1);
}

console.log(
  `Sandbox ready: Telegram fake at http://${host}:${fake.port}, bot health at http://127.0.0.1:${app.port}/healthz`,
);
console.log(
  `Data in ${config.dataDir}. Telemetry goes to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'} unless OTEL_SDK_DISABLED=true.`,
);
// SANDBOX_CHAT=1 forces the chat on piped stdin (scripts, tests).
if (process.stdin.isTTY || process.env.SANDBOX_CHAT === '1')
  await runTerminalChat(fake, SANDBOX_TOKEN, () => stop());

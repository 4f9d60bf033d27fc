import { createApp } from './app.ts';
import { CatalogError } from './catalog/index.ts';
import { ConfigError, parseConfig, requireBotToken } from './config.ts';
import { createLogger } from './logger.ts';
import { getTelemetry } from './telemetry/sdk.ts';

// `npm start`: the real bot. Config is parsed once; any problem is fatal and listed in full.
let config: ReturnType<typeof parseConfig>;
let token: string;
try {
  config = parseConfig(process.env);
  token = requireBotToken(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  const [first] = error.problems;
  console.error(error.problems.length === 1 && first ? first : error.message);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel, format: config.logFormat });
let app: Awaited<ReturnType<typeof createApp>>;
try {
  app = await createApp({ config, token, logger });
} catch (error) {
  if (!(error instanceof CatalogError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let exiting = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (exiting) return;
  exiting = true;
  logger.info('Signal received', { signal });
  try {
    await app.stop();
  } catch (error) {
    logger.error('Shutdown failed', { err: error });
    code = 1;
  }
  // Telemetry last, so the shutdown itself is exported.
  await getTelemetry()?.shutdown();
  process.exit(code);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
// A stray rejection is a bug to see in the logs, not a reason to drop every user's update.
process.on('unhandledRejection', (reason) => logger.error('Unhandled promise rejection', { err: reason }));
// After an uncaught exception the process state is unknown: log it, shut down cleanly, exit non-zero.
process.on('uncaughtException', (error) => {
  logger.error('Uncaught exception', { err: error });
  void shutdown('uncaughtException', 1);
});

try {
  await app.start();
} catch (error) {
  logger.error('Start-up failed', { err: error });
  await shutdown('startup-failure', 1);
}

// Test-only entry point (never shipped as a start command): `npm start`'s app, except that the
// ledger's top-up never returns and prints a marker first. The successful_payment update is then
// claimed, its credit not yet written: the moment a `kill -9` test pulls the plug.
import { createApp } from '../../../src/app.ts';
import { parseConfig, requireBotToken } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';

const HELD_MARKER = 'TEST: top-up held after the claim';

const config = parseConfig(process.env);
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
const app = await createApp({
  config,
  token: requireBotToken(config),
  logger,
  decorateBilling: (billing) => ({
    ...billing,
    topUp: () => {
      process.stdout.write(`${HELD_MARKER}\n`);
      return new Promise(() => {});
    },
  }),
});
await app.start();

import { ConfigError } from './config-error.ts';
import type { Config } from './config-schema.ts';

/** The real bot needs a token; the sandbox supplies its own. */
export function requireBotToken(config: Config): string {
  if (!config.botToken) {
    throw new ConfigError([
      'BOT_TOKEN: is not set. Get one from @BotFather, or run `npm run sandbox` to try the bot against local fakes with no token',
    ]);
  }
  return config.botToken;
}

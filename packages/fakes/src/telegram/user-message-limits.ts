import { MESSAGE_MAX_UNITS } from './split-long-text.ts';

/** https://core.telegram.org/bots/api#sendphoto: a caption's limit, which clients enforce for users too. */
const CAPTION_MAX_UNITS = 1024;

/**
 * Throws for a user message no Telegram client can produce: a text over 4096 UTF-16 units (clients
 * split it, see `splitLongText`), an empty text, a caption over 1024 units. Every way the fake builds
 * a user's message goes through here, so a test cannot hand the bot a 10,000-character message.
 */
export function assertUserMessage(message: Record<string, unknown>, what = 'user message'): void {
  const { text, caption } = message;
  if (typeof text === 'string') {
    if (text.trim() === '') throw new Error(`${what}: Telegram clients cannot send an empty text`);
    if (text.length > MESSAGE_MAX_UNITS) {
      throw new Error(
        `${what}: a text of ${text.length} UTF-16 units; Telegram clients split anything over ${MESSAGE_MAX_UNITS} into several messages (use sendText)`,
      );
    }
  }
  if (typeof caption === 'string' && caption.length > CAPTION_MAX_UNITS) {
    throw new Error(`${what}: a caption of ${caption.length} units is over Telegram's ${CAPTION_MAX_UNITS}`);
  }
}

/**
 * How long the bot keeps trying to tell a user that their paid work failed and was refunded, when
 * Telegram does not take the message: about an hour in all, then the refund stands and /history
 * (or the protocol's status message, if edited later) is what the user has.
 */
export const MAX_NOTICE_ATTEMPTS = 8;

/** 5 s, 15 s, 45 s … at most 30 min between tries at a notice. */
export function noticeRetryDelayMs(attempt: number): number {
  return Math.min(5000 * 3 ** (attempt - 1), 30 * 60_000);
}

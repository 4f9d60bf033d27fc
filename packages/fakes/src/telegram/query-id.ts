let queryCounter = 0;

/** Callback and pre-checkout query ids look like Telegram's: long decimal strings. */
export function newQueryId(): string {
  return (BigInt(Date.now()) * 1_000_000n + BigInt(queryCounter++ % 1_000_000)).toString();
}

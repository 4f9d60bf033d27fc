/**
 * Telegram clients send a text over 4096 UTF-16 units as several messages, one after another
 * (https://core.telegram.org/bots/api#sendmessage). Telegram Desktop cuts each part at the last
 * newline or space past half the limit (`TextUtilities::CutPart`), so every part but the last is at
 * least 2048 units; a little less is allowed for the whitespace Telegram trims off a message.
 */
export const FULL_PART_MIN_UNITS = 2000;

/** What the merge knows of the part a new message may continue. */
export interface PreviousPart {
  readonly chars: number;
  readonly sentAt: Date;
}

/**
 * Whether a message sent at `sentAt` continues `previous`: the previous part is one a client cut (as
 * long as such parts are) and the two were sent within `mergeMs`. Two long messages sent on purpose
 * are either apart in time or the first is not a cut part, so they stay two texts. `mergeMs` 0: never.
 */
export function continuesPaste(previous: PreviousPart, sentAt: Date, mergeMs: number): boolean {
  return (
    mergeMs > 0 &&
    previous.chars >= FULL_PART_MIN_UNITS &&
    sentAt.getTime() - previous.sentAt.getTime() <= mergeMs
  );
}

/**
 * The parts as one text. A client keeps the space or newline it cut at, but Telegram trims each
 * message, so where neither side has whitespace left a newline goes back in (a cut is at a newline
 * or a space, and a newline keeps line-based notes such as "Decision: …" on their own line).
 */
export function joinPasteParts(parts: readonly string[]): string {
  let joined = '';
  for (const part of parts) {
    if (joined !== '' && !/\s$/u.test(joined) && !/^\s/u.test(part)) joined += '\n';
    joined += part;
  }
  return joined;
}

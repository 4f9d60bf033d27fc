/**
 * The one shape of a durable job's "tell the user" port. The service declares it (extending this
 * with what its job needs), the bot implements it with the Bot API and i18n, tests in memory.
 *
 * Every call gets the job's domain object first: it carries who and where (`userId`, `chatId`,
 * `statusMessageId`); the bot side decides the language from it (a protocol job stores the one it
 * was asked in, a generation follows the user's). The error contract is the same for every job:
 * - `progress` is best effort: the service ignores a rejection, the job never depends on it;
 * - `deliver` (declared by each service, its result differs) rejects when Telegram did not take the
 *   result, and the service retries or refunds;
 * - `refunded` rejects only when telling may work later (Telegram or the network away): the notice
 *   teller tries again with a backoff. It resolves when told, or when the user cannot be told at all.
 */
export interface JobNotifier<Job, Progress, Notice extends readonly unknown[] = []> {
  /** The job moved on: the status message follows. */
  progress(job: Job, progress: Progress): Promise<void>;
  /** The job ended without its result and its charge was refunded: why, the refund, the error reference. */
  refunded(job: Job, ...notice: Notice): Promise<void>;
}

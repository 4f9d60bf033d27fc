import type { Update } from 'grammy/types';

/** What became of an update, for the transport that delivered it. */
export type UpdateOutcome = 'retry';

/**
 * Tells the webhook server that an update it passed in must be redelivered (answer 5xx), without
 * throwing through grammY: an error thrown after webhookCallback's timeout answered would reject a
 * promise nobody handles. Keyed by the update object itself (grammY hands the same object to the
 * context), so entries go with the request.
 */
export class UpdateOutcomes {
  readonly #outcomes = new WeakMap<Update, UpdateOutcome>();

  record(update: Update, outcome: UpdateOutcome): void {
    this.#outcomes.set(update, outcome);
  }

  /** The outcome recorded for this update, if any. */
  of(update: Update): UpdateOutcome | undefined {
    return this.#outcomes.get(update);
  }
}

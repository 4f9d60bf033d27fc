import type { JobNotifier } from '../jobs/job-notifier.ts';
import type { Generation, ResultKind } from './generation.ts';

/** What a delivery sent, kept so /history can re-send it after KIE's URLs expire. */
export interface DeliveredResult {
  readonly kind: ResultKind;
  /** Telegram's file id of the sent result, when Telegram returned one. */
  readonly fileId?: string | undefined;
}

/** Something the user should see about a generation: the status message follows these. */
export type GenerationProgress =
  | { readonly type: 'queued'; readonly position: number }
  | { readonly type: 'step' };

/**
 * How the service reaches Telegram without knowing it (see JobNotifier for the contract). Each part
 * is optional: without it the service skips that part.
 */
export interface GenerationNotifier extends Partial<JobNotifier<Generation, GenerationProgress>> {
  /**
   * The input to send to KIE: the stored input plus, for edit / image-to-video models, the URL of
   * the user's photo uploaded to KIE (never a Telegram file URL: it contains the bot token).
   */
  prepareInput?(generation: Generation, signal?: AbortSignal): Promise<Readonly<Record<string, unknown>>>;
  /**
   * Sends a succeeded generation's result to its chat. Throw DeliveryRejectedError when Telegram
   * refuses it for good (refund at once); any other error is retried a few times, then refunded.
   */
  deliver?(generation: Generation): Promise<DeliveredResult>;
  /** Called after every step with the generation's new state (and while it waits in the KIE queue). */
  progress?(generation: Generation, progress: GenerationProgress): Promise<void>;
  /** Tells the user how a generation that ended badly ended: why, the refund, the error reference. */
  refunded?(generation: Generation): Promise<void>;
}

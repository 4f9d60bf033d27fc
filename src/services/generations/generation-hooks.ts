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
 * How the service reaches Telegram without knowing it. The composition root implements these with
 * the bot's API; tests implement them in memory. Each is optional: without it the service skips that part.
 */
export interface GenerationHooks {
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
  /**
   * Called after every step with the generation's new state (and while it waits in the KIE queue).
   * Must not throw; the status message and chat actions live here.
   */
  onProgress?(generation: Generation, progress: GenerationProgress): Promise<void>;
  /**
   * Tells the user how a generation that ended badly ended: why, the refund, the error reference.
   * Throws only when telling may work later (Telegram or the network away): the worker retries with
   * a backoff. Resolves when told, or when the user cannot be told at all (blocked the bot).
   */
  notifyFinal?(generation: Generation): Promise<void>;
}

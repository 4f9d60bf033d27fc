import type { Protocol } from './protocol.ts';
import type { ProtocolJob } from './protocol-job.ts';

/** How a failed job is explained to its user: an i18n key with its arguments, and the error reference. */
export interface ProtocolFailureNotice {
  readonly messageKey: string;
  readonly messageArgs: Readonly<Record<string, string | number>>;
  readonly errorRef: string;
}

/**
 * What the job runner tells the user, implemented by the bot layer (Bot API + i18n). Progress calls
 * are best effort; `deliver` must throw when Telegram did not take the protocol, so it is refunded.
 */
export interface ProtocolNotifier {
  /** `done` of `total` segments are finished (already throttled by the runner). */
  progress(job: ProtocolJob, done: number, total: number): Promise<void>;
  /**
   * The segments are being read, `done` of `total` already: lets the notifier show a slow part's
   * elapsed time and a typing action until the next call about this job (or `idle`).
   */
  running?(job: ProtocolJob, done: number, total: number): void;
  /** The run stopped (done, failed, paused): nothing more to show for it in this process. */
  idle?(job: ProtocolJob): void;
  /** Every segment is done; the synthesis call has started. */
  synthesizing(job: ProtocolJob): Promise<void>;
  deliver(job: ProtocolJob, protocol: Protocol): Promise<void>;
  /**
   * The job failed and was refunded. Rejects only when Telegram may take the message later (the
   * runner tries again); resolves when told, or when the user cannot be told at all.
   */
  failed(job: ProtocolJob, notice: ProtocolFailureNotice): Promise<void>;
}

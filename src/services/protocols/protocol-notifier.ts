import type { JobNotifier } from '../jobs/job-notifier.ts';
import type { Protocol } from './protocol.ts';
import type { ProtocolJob } from './protocol-job.ts';

/** How a failed job is explained to its user: an i18n key with its arguments, and the error reference. */
export interface ProtocolFailureNotice {
  readonly messageKey: string;
  readonly messageArgs: Readonly<Record<string, string | number>>;
  readonly errorRef: string;
}

/** How far a job's segments are: `done` of `total` finished. */
export interface ProtocolProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * What the job runner tells the user (see JobNotifier for the contract), implemented by the bot
 * layer (Bot API + i18n); `deliver` must throw when Telegram did not take the protocol, so it is refunded.
 */
export interface ProtocolNotifier
  extends JobNotifier<ProtocolJob, ProtocolProgress, [notice: ProtocolFailureNotice]> {
  /** Segments finished (already throttled by the runner). */
  progress(job: ProtocolJob, progress: ProtocolProgress): Promise<void>;
  /**
   * The segments are being read, some already: lets the notifier show a slow part's elapsed time and
   * a typing action until the next call about this job (or `idle`).
   */
  running?(job: ProtocolJob, progress: ProtocolProgress): void;
  /** The run stopped (done, failed, paused): nothing more to show for it in this process. */
  idle?(job: ProtocolJob): void;
  /** Every segment is done; the synthesis call has started. */
  synthesizing(job: ProtocolJob): Promise<void>;
  deliver(job: ProtocolJob, protocol: Protocol): Promise<void>;
  /** The job failed and was refunded. */
  refunded(job: ProtocolJob, notice: ProtocolFailureNotice): Promise<void>;
}

import { AppError } from '../../errors/app-error.ts';

/** The job ran past PROTOCOL_JOB_TIMEOUT_MS; it is stopped and refunded. */
export class ProtocolTimeoutError extends AppError {
  override readonly name = 'ProtocolTimeoutError';
  constructor(jobId: string, timeoutMs: number) {
    super(`Protocol job ${jobId} ran longer than ${timeoutMs} ms`, {
      code: 'protocol.timeout',
      userMessageKey: 'protocol-error-timeout',
      details: { job_id: jobId, timeout_ms: timeoutMs },
    });
  }
}

/** A job left running by a stopped instance could not be resumed (too many restarts, or past its deadline). */
export class ProtocolInterruptedError extends AppError {
  override readonly name = 'ProtocolInterruptedError';
  constructor(jobId: string, resumes: number) {
    super(`Protocol job ${jobId} was interrupted and not resumed (resumes: ${resumes})`, {
      code: 'protocol.interrupted',
      userMessageKey: 'protocol-error-interrupted',
      details: { job_id: jobId, resumes },
    });
  }
}

/** The protocol was ready but Telegram did not take it; the charge is refunded. */
export class ProtocolDeliveryError extends AppError {
  override readonly name = 'ProtocolDeliveryError';
  constructor(jobId: string, cause: unknown) {
    super(`Protocol job ${jobId} could not be delivered`, {
      code: 'protocol.delivery_failed',
      userMessageKey: 'error-telegram',
      details: { job_id: jobId },
      cause,
    });
  }
}

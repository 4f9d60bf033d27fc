import type { Span } from '@opentelemetry/api';
import { abortReason, LlmAbortError } from '../../clients/llm/index.ts';
import { clockWithNow } from '../../clock.ts';
import {
  deleteSegmentNotes,
  listSegmentNotes,
  updateLeasedProtocolJob,
} from '../../db/repositories/protocol-job.repository.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import { ATTR_OUTCOME, ATTR_PROTOCOL_ABORT_REASON } from '../../telemetry/attributes.ts';
import { LEASE_LOST, SHUTDOWN } from './abort-reasons.ts';
import { parseProtocol } from './parse-protocol.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import { ProtocolDeliveryError, ProtocolInterruptedError, ProtocolTimeoutError } from './protocol-errors.ts';
import { toProtocolJob } from './protocol-job.ts';
import { synthesisRequest } from './protocol-prompts.ts';
import type { ProtocolRunnerDeps } from './protocol-runner.ts';
import { chatAttributes, createSegmentRunner } from './run-segment.ts';
import { runSegments } from './run-segments.ts';
import { segmentText } from './segment-text.ts';

export interface JobExecutorDeps extends ProtocolRunnerDeps {
  readonly bestEffort: (what: string, promise: Promise<unknown>) => Promise<void>;
  readonly fail: (row: ProtocolJobRow, error: unknown, span: Span) => Promise<void>;
  /** Aborted (with SHUTDOWN) when this instance stops: no further segment starts. */
  readonly draining: AbortSignal;
}

/** The job's run: resume check, segments in parallel, synthesis, delivery, settle. */
export function createJobExecutor(
  deps: JobExecutorDeps,
): (row: ProtocolJobRow, ac: AbortController, span: Span) => Promise<void> {
  const { db, llm, notifier, logger, metrics, workerId, bestEffort, fail, draining } = deps;
  const runSegment = createSegmentRunner(deps);
  return async (row, ac, span) => {
    const job = toProtocolJob(row);
    const timers: NodeJS.Timeout[] = [];
    let throttle: ProgressThrottle<number> | undefined;
    try {
      if (row.resumes > deps.maxResumes) throw new ProtocolInterruptedError(row.id, row.resumes);
      const deadline = row.deadline_at
        ? row.deadline_at.getTime() - deps.now().getTime()
        : Number.POSITIVE_INFINITY;
      const timeoutMs =
        row.deadline_at && row.started_at ? row.deadline_at.getTime() - row.started_at.getTime() : 0;
      if (deadline <= 0) throw new ProtocolTimeoutError(row.id, timeoutMs);
      if (Number.isFinite(deadline)) {
        timers.push(setTimeout(() => ac.abort(new ProtocolTimeoutError(row.id, timeoutMs)), deadline));
      }
      // Keeps other instances off the job while it runs; losing the lease stops this run quietly.
      const heartbeat = setInterval(
        () => {
          updateLeasedProtocolJob(db, row.id, workerId, {
            locked_until: new Date(deps.now().getTime() + deps.leaseMs),
            updated_at: deps.now(),
          }).then(
            (held) => {
              if (!held) ac.abort(LEASE_LOST);
            },
            (error: unknown) => logger.warn('Could not renew a protocol job lease', { err: error }),
          );
        },
        Math.max(1000, Math.floor(deps.leaseMs / 3)),
      );
      timers.push(heartbeat);
      for (const t of timers) t.unref();

      const segments = segmentText(row.input_text ?? '', row.segment_chars);
      if (segments.length !== row.segment_count) {
        throw new Error(`Job ${row.id}: ${segments.length} segments, quoted ${row.segment_count}`);
      }
      const total = segments.length;
      const notes = await listSegmentNotes(db, row.id);
      let done = notes.size;
      // A first run starts right after the confirm handler showed 0/N: the next edit waits an interval.
      throttle = new ProgressThrottle<number>(
        deps.progressIntervalMs,
        (d) => notifier.progress(job, { done: d, total }),
        row.resumes === 0 ? deps.now().getTime() : undefined,
        clockWithNow(deps.now),
      );
      if (done > 0) throttle.update(done);
      notifier.running?.(job, { done, total });
      await runSegments({
        indices: segments.map((_, i) => i).filter((i) => !notes.has(i)),
        concurrency: deps.concurrency,
        signal: ac.signal,
        drain: draining,
        abort: (reason) => ac.abort(reason),
        run: async (index) => {
          notes.set(index, await runSegment(row, segments[index] as string, index, total, ac.signal));
          done += 1;
          throttle?.update(done);
        },
      });
      await throttle.stop();
      // Every segment is stored: the next start runs the synthesis rather than this one risking the cut.
      if (draining.aborted) ac.abort(draining.reason);
      if (ac.signal.aborted) throw ac.signal.reason;
      await bestEffort('show the synthesis step', notifier.synthesizing(job));
      const ordered = segments.map((_, i) => notes.get(i) ?? '');
      const synthesis = await llm.chat(synthesisRequest(ordered), {
        signal: ac.signal,
        attributes: chatAttributes(row, -1),
      });
      const protocol = parseProtocol(synthesis.content);
      if (ac.signal.aborted) throw ac.signal.reason;
      try {
        await notifier.deliver(job, protocol);
      } catch (error) {
        throw new ProtocolDeliveryError(row.id, error);
      }
      const delivered = await updateLeasedProtocolJob(db, row.id, workerId, {
        status: 'delivered',
        input_text: null,
        locked_by: null,
        locked_until: null,
        updated_at: deps.now(),
      });
      if (delivered) await bestEffort('drop segment notes', deleteSegmentNotes(db, row.id));
      span.setAttribute(ATTR_OUTCOME, 'ok');
      metrics.job('ok');
      logger.info('Protocol delivered', { segments: total, price: row.price });
    } catch (thrown) {
      await throttle?.stop();
      const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
      if (reason === SHUTDOWN || reason === LEASE_LOST) {
        span.setAttribute(ATTR_PROTOCOL_ABORT_REASON, reason);
        if (reason === SHUTDOWN) {
          // Released, so the next start (of any instance) resumes it at once rather than after the lease.
          await bestEffort(
            'release a protocol job',
            updateLeasedProtocolJob(db, row.id, workerId, {
              locked_by: null,
              locked_until: null,
              updated_at: deps.now(),
            }),
          );
        }
        logger.info('Protocol job paused', { reason });
        return;
      }
      // An abort-induced rejection (e.g. the synthesis cut by the deadline) fails with the abort's cause.
      const error = thrown instanceof LlmAbortError && reason !== undefined ? reason : thrown;
      if (reason !== undefined) span.setAttribute(ATTR_PROTOCOL_ABORT_REASON, abortReason(reason));
      await fail(row, error, span);
    } finally {
      for (const t of timers) clearTimeout(t);
      notifier.idle?.(job);
    }
  };
}

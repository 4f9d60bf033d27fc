import type { Attributes } from '@opentelemetry/api';
import { LlmAbortError, LlmHttpError } from '../../clients/llm/index.ts';
import { insertSegmentNotes } from '../../db/repositories/protocol-job.repository.ts';
import type { ProtocolJobRow } from '../../db/tables/protocol-jobs.table.ts';
import {
  ATTR_ENDUSER_ID,
  ATTR_PROTOCOL_JOB_ID,
  ATTR_PROTOCOL_SEGMENT_INDEX,
} from '../../telemetry/attributes.ts';
import type { SegmentOutcome } from './protocol-metrics.ts';
import { segmentRequest } from './protocol-prompts.ts';
import type { ProtocolRunnerDeps } from './protocol-runner.ts';

/** One segment call; its outcome is counted, its notes stored before it counts as done. */
export function createSegmentRunner(
  deps: Pick<ProtocolRunnerDeps, 'db' | 'llm' | 'metrics'>,
): (
  row: ProtocolJobRow,
  segment: string,
  index: number,
  total: number,
  signal: AbortSignal,
) => Promise<string> {
  const { db, llm, metrics } = deps;
  return async (row, segment, index, total, signal) => {
    let outcome: SegmentOutcome = 'ok';
    try {
      const result = await llm.chat(segmentRequest(segment, index, total), {
        signal,
        attributes: chatAttributes(row, index),
      });
      await insertSegmentNotes(db, row.id, index, result.content);
      return result.content;
    } catch (error) {
      outcome =
        error instanceof LlmAbortError
          ? 'cancelled'
          : error instanceof LlmHttpError && error.code === 'llm.timeout'
            ? 'timeout'
            : 'error';
      throw error;
    } finally {
      metrics.segment(outcome);
    }
  };
}

/** The chat span's link to the job: who, which job, which segment (-1 = synthesis). */
export function chatAttributes(row: ProtocolJobRow, index: number): Attributes {
  return {
    [ATTR_ENDUSER_ID]: String(row.user_id),
    [ATTR_PROTOCOL_JOB_ID]: row.id,
    [ATTR_PROTOCOL_SEGMENT_INDEX]: index,
  };
}

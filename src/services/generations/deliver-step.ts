import type { Span } from '@opentelemetry/api';
import { updateLeasedGeneration } from '../../db/repositories/generation.repository.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import { ATTR_ERROR_TYPE } from '../../telemetry/attributes.ts';
import { toGeneration } from './generation.ts';
import { DeliveryRejectedError } from './generation-errors.ts';
import type { StepKit, StepResult } from './step-kit.ts';

/** Deliveries that fail for a reason other than a refusal are retried this many times, then refunded. */
const MAX_DELIVERY_ATTEMPTS = 3;

/** succeeded → delivered, or refunded when Telegram will not take the result. */
export function createDeliverStep(
  kit: StepKit,
): (row: GenerationRow, workerId: string, span: Span) => Promise<StepResult> {
  const { db, notifier, clock, refundAndSettle, later, finished } = kit;

  const deliver = async (row: GenerationRow, workerId: string, span: Span): Promise<StepResult> => {
    if (!notifier.deliver) return undefined;
    try {
      const result = await notifier.deliver(toGeneration(row));
      const delivered = await updateLeasedGeneration(
        db,
        row.id,
        { workerId, from: 'succeeded' },
        {
          status: 'delivered',
          result_kind: result.kind,
          result_file_id: result.fileId ?? null,
          delivery_attempts: row.delivery_attempts + 1,
          locked_until: null,
          locked_by: null,
          updated_at: clock(),
        },
      );
      finished(delivered);
      return delivered;
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'generation.delivery_failed';
      span.addEvent('delivery_failed', { [ATTR_ERROR_TYPE]: code });
      if (error instanceof DeliveryRejectedError || row.delivery_attempts + 1 >= MAX_DELIVERY_ATTEMPTS) {
        const failMsg = error instanceof Error ? error.message : String(error);
        return refundAndSettle(
          row,
          'succeeded',
          'refunded',
          { failCode: 'generation.delivery_failed', failMsg },
          workerId,
        );
      }
      return later(row, workerId, { delivery_attempts: row.delivery_attempts + 1 });
    }
  };

  return deliver;
}

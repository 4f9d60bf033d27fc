import { type Attributes, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { GenerationRow, GenerationStatus } from '../../db/tables/generations.table.ts';
import {
  ATTR_BOT_DRY_RUN,
  ATTR_BOT_ERROR_REF,
  ATTR_BOT_GENERATION_ID,
  ATTR_BOT_GENERATION_PRICE,
  ATTR_BOT_GENERATION_STATUS,
  ATTR_BOT_MODEL_ID,
  ATTR_ENDUSER_ID,
  ATTR_ERROR_TYPE,
  ATTR_KIE_MODEL,
  ATTR_KIE_TASK_ID,
  SPAN_GENERATION_STEP,
} from '../../telemetry/attributes.ts';
import { withSpan } from '../../telemetry/tracing.ts';
import { CREATE_INTERRUPTED, createCreateStep } from './create-step.ts';
import { createDeliverStep } from './deliver-step.ts';
import { ACTIVE_STATUSES, REFUNDED_STATUSES } from './generation.ts';
import type { GenerationProgress } from './generation-notifier.ts';
import { generationContext, generationRef } from './generation-trace.ts';
import { createPollStep } from './poll-step.ts';
import { createStepKit, type FailFields, type StepContext, type StepResult } from './step-kit.ts';

export type { StepContext, StepResult } from './step-kit.ts';

/** The steps of a generation's life: each moves one leased row on, in the generation's own trace. */
export interface GenerationSteps {
  /** create (pending), poll (running) or deliver (succeeded), as a `bot.generation.step` span. */
  step(row: GenerationRow, workerId: string): Promise<StepResult>;
  /**
   * Refund and status change in one transaction; `guard` vetoes under the row lock. Undefined when
   * the row was no longer in `from` (or leased by another worker).
   */
  refundAndSettle(
    row: GenerationRow,
    from: GenerationStatus,
    to: GenerationStatus,
    fail: FailFields,
    workerId: string | undefined,
    guard?: (locked: GenerationRow) => boolean,
  ): Promise<StepResult>;
  /** Tells the notifier about a row's new state; never throws. */
  progress(row: StepResult, event: GenerationProgress): Promise<void> | undefined;
  /**
   * Stores what KIE reported it charged for a generation's task and counts it, once per generation
   * (whichever of poll and callback comes first); later reports change nothing.
   */
  noteCredits(
    where: { readonly id: string } | { readonly kieTaskId: string },
    credits: number,
  ): Promise<void>;
  /**
   * A task KIE says it made for a generation whose create outcome was unknown (or still in flight):
   * running with it, due now. Undefined when the row was in neither state or already has a task.
   */
  adopt(id: string, kieTaskId: string): Promise<StepResult>;
  /**
   * Tells the user how a settled row ended, under the lease `refundAndSettle` left; on a failure
   * that may pass, the row comes back to a worker later.
   */
  tell(row: GenerationRow): Promise<StepResult>;
}

export function createGenerationSteps(ctx: StepContext): GenerationSteps {
  const kit = createStepKit(ctx);
  const { refundAndSettle, progress, tell, noteCredits, adopt } = kit;
  const { create, createUnknown, settleUnknown } = createCreateStep(kit);
  const poll = createPollStep(kit);
  const deliver = createDeliverStep(kit);

  /** One step of one leased row, in the generation's own trace. */
  const step = (row: GenerationRow, workerId: string) => {
    const attributes: Attributes = {
      [ATTR_BOT_GENERATION_ID]: row.id,
      [ATTR_BOT_MODEL_ID]: row.model_id,
      [ATTR_KIE_MODEL]: row.kie_model,
      [ATTR_ENDUSER_ID]: String(row.user_id),
      [ATTR_BOT_GENERATION_PRICE]: row.price,
      ...(row.kie_task_id && { [ATTR_KIE_TASK_ID]: row.kie_task_id }),
      ...(row.dry_run && { [ATTR_BOT_DRY_RUN]: true }),
    };
    return context.with(generationContext(row.traceparent), () =>
      withSpan(SPAN_GENERATION_STEP, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
        // An ended row comes back only for the notice its user is still owed.
        if (!ACTIVE_STATUSES.includes(row.status)) {
          span.setAttribute(ATTR_BOT_GENERATION_STATUS, row.status);
          return row.notice_pending ? tell(row) : undefined;
        }
        const run =
          row.status === 'pending'
            ? create
            : row.status === 'creating'
              ? // Claimed again only once its lease expired: its worker died or lost it mid-call.
                (r: GenerationRow, w: string, s: Span) => createUnknown(r, w, CREATE_INTERRUPTED, s)
              : row.status === 'unknown'
                ? settleUnknown
                : row.status === 'running'
                  ? poll
                  : deliver;
        const after = await run(row, workerId, span);
        if (after) span.setAttribute(ATTR_BOT_GENERATION_STATUS, after.status);
        if (after?.fail_code && REFUNDED_STATUSES.includes(after.status)) {
          // The step that gave up is where on-call lands from the user's error reference.
          span.setAttributes({
            [ATTR_ERROR_TYPE]: after.fail_code,
            [ATTR_BOT_ERROR_REF]: generationRef(after),
          });
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${after.status}: ${after.fail_code}` });
        }
        if (after?.notice_pending) return tell(after);
        await progress(after, { type: 'step' });
        return after;
      }),
    );
  };

  return { step, refundAndSettle, progress, tell, noteCredits, adopt };
}

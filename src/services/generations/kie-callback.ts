import type { Kysely } from 'kysely';
import type { KieCallbackInfo } from '../../clients/kie/index.ts';
import {
  findGenerationById,
  findGenerationByTask,
  wakeGenerationByTask,
} from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import { LOG_TASK_ID } from '../../telemetry/attributes.ts';
import type { KieCallbackOutcome } from './generation.service.ts';
import { REFUNDED_STATUSES } from './generation.ts';
import type { GenerationSteps } from './generation-steps.ts';
import { generationLogFields } from './generation-trace.ts';

export interface KieCallbackHandlerDeps {
  readonly db: Kysely<Database>;
  readonly logger: Logger | undefined;
  readonly steps: Pick<GenerationSteps, 'adopt' | 'noteCredits'>;
}

/** `GenerationService.callback`: a verified KIE callback wakes, adopts, or is explained away. */
export function createKieCallbackHandler(
  deps: KieCallbackHandlerDeps,
): (info: KieCallbackInfo, generationId: string | undefined) => Promise<KieCallbackOutcome> {
  const { db, logger, steps } = deps;

  /** A callback for a generation none of whose running rows has the task: adopt it, or say why not. */
  async function adoptOrExplain(info: KieCallbackInfo, generationId: string): Promise<KieCallbackOutcome> {
    const owner = await findGenerationByTask(db, info.taskId);
    const seen = { [LOG_TASK_ID]: info.taskId, kie_state: info.state, consume_credits: info.consumeCredits };
    if (!owner) {
      const adopted = await steps.adopt(generationId, info.taskId);
      if (adopted) {
        logger?.info('KIE callback named the task of a create with unknown outcome: adopted', {
          ...generationLogFields(adopted),
          kie_state: info.state,
        });
        return 'adopted';
      }
    }
    const row = owner ?? (await findGenerationById(db, generationId));
    if (!row) return 'unmatched';
    if (row.id !== generationId || (row.kie_task_id !== null && row.kie_task_id !== info.taskId)) {
      logger?.warn('KIE callback names a task that is not its generation’s: ignored', {
        ...generationLogFields(row),
        ...seen,
        callback_generation_id: generationId,
      });
      return 'unmatched';
    }
    if (REFUNDED_STATUSES.includes(row.status)) {
      // A failed task costs nothing (§5: consumeCredits 0); anything else KIE will charge for.
      if (info.state !== 'fail') {
        logger?.warn('KIE callback for a generation already refunded: KIE charged for a task we refunded', {
          ...generationLogFields(row),
          ...seen,
          status: row.status,
          ...(row.fail_code && { error_code: row.fail_code }),
        });
      }
      return 'refunded';
    }
    return 'ignored';
  }

  return async (info, generationId) => {
    const outcome = (await wakeGenerationByTask(db, info.taskId))
      ? 'woken'
      : generationId === undefined
        ? 'unmatched'
        : await adoptOrExplain(info, generationId);
    if (info.done && info.consumeCredits !== undefined) {
      await steps.noteCredits({ kieTaskId: info.taskId }, info.consumeCredits);
    }
    return outcome;
  };
}

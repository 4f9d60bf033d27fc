import { type Span, trace } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { KieClient } from '../../clients/kie/index.ts';
import { findGenerationByIdOrTask, makeGenerationDue } from '../../db/repositories/admin.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import {
  ATTR_BOT_ADMIN_MADE_DUE,
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_KIE_MODEL,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  LOG_ADMIN_ID,
  LOG_GENERATION_ID,
  LOG_TASK_ID,
  LOG_USER_ID,
} from '../../telemetry/attributes.ts';
import { ACTIVE_STATUSES } from '../generations/generation.ts';
import { generationContext } from '../generations/generation-trace.ts';
import { type RecheckReport, toGenerationSummary } from './admin-report.ts';
import { checkKieTask } from './check-kie-task.ts';

export interface RecheckGenerationDeps {
  readonly db: Kysely<Database>;
  /** Absent without KIE_API_KEY: the report then shows the stored state only. */
  readonly kie: KieClient | undefined;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Asks KIE about a generation (by id or KIE task id) and makes it due if still active, so the worker
 * polls it at once; undefined when no generation has that id. `span` is the action's
 * `bot.admin.recheck`: it gets the generation's attributes and a link to its trace.
 */
export async function recheckGeneration(
  deps: RecheckGenerationDeps,
  adminId: number,
  ref: string,
  span: Span,
): Promise<RecheckReport | undefined> {
  const { db, kie, logger } = deps;
  const row = await findGenerationByIdOrTask(db, ref.trim());
  if (!row) return undefined;
  span.setAttributes({
    [ATTR_BOT_GENERATION_ID]: row.id,
    [ATTR_ENDUSER_ID]: String(row.user_id),
    [ATTR_KIE_MODEL]: row.kie_model,
    ...(row.kie_task_id && { [ATTR_KIE_TASK_ID]: row.kie_task_id }),
  });
  // A link to the generation's own trace: Tempo leads from the admin's action to it.
  const linked = row.traceparent ? trace.getSpanContext(generationContext(row.traceparent)) : undefined;
  if (linked) span.addLink({ context: linked });
  const check = await checkKieTask(kie, row);
  if (check.kind === 'state') span.setAttribute(ATTR_KIE_TASK_STATE, check.state);
  const madeDue =
    ACTIVE_STATUSES.includes(row.status) &&
    (await makeGenerationDue(db, row.id, ACTIVE_STATUSES, deps.now()));
  span.setAttribute(ATTR_BOT_ADMIN_MADE_DUE, madeDue);
  logger.info('Generation re-checked by an admin', {
    [LOG_ADMIN_ID]: adminId,
    [LOG_USER_ID]: row.user_id,
    [LOG_GENERATION_ID]: row.id,
    [LOG_TASK_ID]: row.kie_task_id ?? undefined,
    status: row.status,
    kie_state: check.kind === 'state' ? check.state : check.kind,
    made_due: madeDue,
  });
  const current = madeDue ? ((await findGenerationByIdOrTask(db, row.id)) ?? row) : row;
  return { generation: toGenerationSummary(current), kie: check, madeDue };
}

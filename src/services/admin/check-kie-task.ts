import type { KieClient } from '../../clients/kie/index.ts';
import type { GenerationRow } from '../../db/tables/generations.table.ts';
import { AppError } from '../../errors/app-error.ts';
import { kieTaskInfo } from '../generations/kie-task-api.ts';
import type { KieCheck } from './admin-report.ts';

/**
 * Asks KIE for a generation's task state. An error KIE answered with is reported, not thrown: the
 * admin wants to see it. `kie` is undefined without KIE_API_KEY.
 */
export async function checkKieTask(kie: KieClient | undefined, row: GenerationRow): Promise<KieCheck> {
  if (row.dry_run) return { kind: 'dry_run' };
  if (!row.kie_task_id) return { kind: 'not_created' };
  if (!kie) return { kind: 'unavailable' };
  const ctx = { model: row.kie_model };
  try {
    // Suno and Veo have their own record-info endpoints (kie-api.md §7, §8); the client returns the Market shape.
    const info = await kieTaskInfo(kie, row.api, row.kie_task_id, ctx);
    return {
      kind: 'state',
      state: info.state,
      failCode: info.failCode,
      failMsg: info.failMsg,
      resultCount: info.resultUrls?.length ?? 0,
    };
  } catch (error) {
    if (error instanceof AppError) return { kind: 'error', code: error.code };
    throw error;
  }
}

import type {
  KieClient,
  KieCreateContext,
  KieCreateTaskRequest,
  KiePollContext,
  KieTaskInfo,
} from '../../clients/kie/index.ts';
import type { GenerationApi } from '../../db/tables/generations.table.ts';

/**
 * Creates a generation's task on the KIE API that runs its model: Market createTask, Suno's or Veo's
 * own generate endpoint (kie-api.md §2, §7, §8). The request is the Market shape for all three.
 */
export function createKieTask(
  kie: KieClient,
  api: GenerationApi,
  request: KieCreateTaskRequest,
  ctx: KieCreateContext,
): Promise<{ taskId: string }> {
  switch (api) {
    case 'suno':
      return kie.createMusicTask(request, ctx);
    case 'veo':
      return kie.createVideoTask(request, ctx);
    case 'market':
      return kie.createTask(request, ctx);
  }
}

/** Asks the API that runs the task for its state; the client normalises Suno and Veo to the Market shape. */
export function kieTaskInfo(
  kie: KieClient,
  api: GenerationApi,
  taskId: string,
  ctx: KiePollContext,
): Promise<KieTaskInfo> {
  switch (api) {
    case 'suno':
      return kie.musicRecordInfo(taskId, ctx);
    case 'veo':
      return kie.videoRecordInfo(taskId, ctx);
    case 'market':
      return kie.recordInfo(taskId, ctx);
  }
}

import { isRecord } from '../shared/read-json-body.ts';
import type { EndpointHandler } from './endpoint-handler.ts';
import type { FakeContext } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { SUNO_MODELS } from './model-catalog.ts';
import { checkCallBackUrl, requireString } from './request-checks.ts';
import type { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import { startTask } from './start-task.ts';
import { sunoRecordData } from './suno-payloads.ts';

/** POST /api/v1/generate and GET /api/v1/generate/record-info (kie-api.md §7); `perTask` is Suno's 3/s/task. */
export function sunoHandlers(
  ctx: FakeContext,
  perTask: SlidingWindowLimiter | undefined,
): { generate: EndpointHandler; generateRecordInfo: EndpointHandler } {
  return {
    generate: {
      body: 'json',
      handle(_url, body) {
        if (!isRecord(body)) throw new KieReject(422, 'request body must be a JSON object');
        if (typeof body.model !== 'string' || !SUNO_MODELS.has(body.model)) {
          throw new KieReject(422, `model must be one of ${[...SUNO_MODELS].join(', ')}`);
        }
        requireString(body.callBackUrl, 'callBackUrl');
        checkCallBackUrl(body.callBackUrl);
        if (typeof body.customMode !== 'boolean') throw new KieReject(422, 'customMode must be a boolean');
        if (typeof body.instrumental !== 'boolean')
          throw new KieReject(422, 'instrumental must be a boolean');
        if (body.customMode) {
          requireString(body.style, 'style');
          requireString(body.title, 'title');
          if (!body.instrumental) requireString(body.prompt, 'prompt');
        } else {
          requireString(body.prompt, 'prompt');
        }
        const task = startTask(ctx, 'suno', body, body.model);
        return { data: { taskId: task.id }, delayMs: task.behaviour.slowCreateMs };
      },
    },
    generateRecordInfo: {
      body: 'json',
      handle(url) {
        const task = ctx.store.get(requireString(url.searchParams.get('taskId'), 'taskId'));
        if (task?.api !== 'suno') throw new KieReject(404, 'Task not found');
        if (perTask && !perTask.tryAcquire(task.id))
          throw new KieReject(429, 'Too many requests for this task');
        task.polls += 1;
        return { data: sunoRecordData(task, ctx.publicBase(), Date.now(), ctx.wire.creditsKey) };
      },
    },
  };
}

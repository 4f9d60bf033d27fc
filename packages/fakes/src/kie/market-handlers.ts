import { isRecord } from '../shared/read-json-body.ts';
import type { EndpointHandler } from './endpoint-handler.ts';
import type { FakeContext } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { checkMarketInput } from './market-model-specs.ts';
import { marketRecordData } from './market-payloads.ts';
import { checkMarketModel } from './model-catalog.ts';
import { checkCallBackUrl, requireString } from './request-checks.ts';
import { startTask } from './start-task.ts';

/** POST /api/v1/jobs/createTask and GET /api/v1/jobs/recordInfo (kie-api.md §2). */
export function marketHandlers(ctx: FakeContext): {
  createTask: EndpointHandler;
  recordInfo: EndpointHandler;
} {
  return {
    createTask: {
      body: 'json',
      handle(_url, body) {
        if (!isRecord(body)) throw new KieReject(422, 'request body must be a JSON object');
        const modelError = checkMarketModel(body.model);
        if (modelError) throw new KieReject(422, modelError);
        checkCallBackUrl(body.callBackUrl);
        if (!isRecord(body.input)) throw new KieReject(422, 'input is required and must be an object');
        requireString(body.input.prompt, 'input.prompt');
        const inputError = checkMarketInput(body.model as string, body.input);
        if (inputError) throw new KieReject(422, inputError);
        const task = startTask(ctx, 'market', body, body.model as string);
        return { data: { taskId: task.id }, delayMs: task.behaviour.slowCreateMs };
      },
    },
    recordInfo: {
      body: 'json',
      handle(url) {
        const task = ctx.store.get(requireString(url.searchParams.get('taskId'), 'taskId'));
        if (task?.api !== 'market') throw new KieReject(404, 'Task not found');
        task.polls += 1;
        return { data: marketRecordData(task, ctx.publicBase(), Date.now(), ctx.wire.creditsKey) };
      },
    },
  };
}

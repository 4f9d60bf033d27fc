import { isRecord } from '../shared/read-json-body.ts';
import type { EndpointHandler } from './endpoint-handler.ts';
import type { FakeContext } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { VEO_DEFAULT_MODEL, VEO_MODELS } from './model-catalog.ts';
import { checkCallBackUrl, requireString } from './request-checks.ts';
import { startTask } from './start-task.ts';
import { veoRecordData } from './veo-payloads.ts';

// The generate page's enums (H `157-生成veo3.1视频.md`, kie-api.md §8).
const ASPECT_RATIOS = ['16:9', '9:16', 'Auto'];
const RESOLUTIONS = ['720p', '1080p', '4k'];
const DURATIONS = [4, 6, 8];
const GENERATION_TYPES = ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'];

const oneOf = (value: unknown, allowed: readonly unknown[], name: string): void => {
  if (value !== undefined && !allowed.includes(value))
    throw new KieReject(422, `${name} must be one of ${allowed.join(', ')}`);
};

/**
 * Refuses a generate body as KIE's validation would (throws KieReject 422), per the documented rules of
 * §8; returns the model, veo3_fast when absent.
 */
export function checkVeoBody(body: Record<string, unknown>): string {
  requireString(body.prompt, 'prompt');
  const model = body.model ?? VEO_DEFAULT_MODEL;
  if (typeof model !== 'string' || !VEO_MODELS.has(model))
    throw new KieReject(422, `model must be one of ${[...VEO_MODELS].join(', ')}`);
  oneOf(body.aspectRatio, ASPECT_RATIOS, 'aspectRatio');
  oneOf(body.resolution, RESOLUTIONS, 'resolution');
  // An integer: "8" is not 8.
  oneOf(body.duration, DURATIONS, 'duration');
  oneOf(body.generationType, GENERATION_TYPES, 'generationType');
  if (body.enableTranslation !== undefined && typeof body.enableTranslation !== 'boolean')
    throw new KieReject(422, 'enableTranslation must be a boolean');
  const images = body.imageUrls;
  if (
    images !== undefined &&
    (!Array.isArray(images) || !images.every((u) => typeof u === 'string' && URL.canParse(u)))
  ) {
    throw new KieReject(422, 'imageUrls must be a list of image URLs');
  }
  const count = Array.isArray(images) ? images.length : 0;
  if (body.generationType === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && (count < 1 || count > 2))
    throw new KieReject(422, 'FIRST_AND_LAST_FRAMES_2_VIDEO takes 1 or 2 imageUrls');
  if (body.generationType === 'REFERENCE_2_VIDEO') {
    if (count < 1 || count > 3) throw new KieReject(422, 'REFERENCE_2_VIDEO takes 1 to 3 imageUrls');
    if (model === 'veo3') throw new KieReject(422, 'REFERENCE_2_VIDEO supports veo3_fast and veo3_lite only');
    if (body.duration !== undefined && body.duration !== 8)
      throw new KieReject(422, 'REFERENCE_2_VIDEO supports duration 8 only');
  }
  checkCallBackUrl(body.callBackUrl);
  return model;
}

/** POST /api/v1/veo/generate and GET /api/v1/veo/record-info (kie-api.md §8). */
export function veoHandlers(ctx: FakeContext): {
  veoGenerate: EndpointHandler;
  veoRecordInfo: EndpointHandler;
} {
  return {
    veoGenerate: {
      body: 'json',
      handle(_url, body) {
        if (!isRecord(body)) throw new KieReject(422, 'request body must be a JSON object');
        const model = checkVeoBody(body);
        const task = startTask(ctx, 'veo', body, model);
        return { data: { taskId: task.id }, delayMs: task.behaviour.slowCreateMs };
      },
    },
    veoRecordInfo: {
      body: 'json',
      handle(url) {
        const task = ctx.store.get(requireString(url.searchParams.get('taskId'), 'taskId'));
        if (task?.api !== 'veo') throw new KieReject(404, 'Task not found');
        task.polls += 1;
        return { data: veoRecordData(task, ctx.publicBase(), Date.now()) };
      },
    },
  };
}

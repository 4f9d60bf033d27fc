import type { Attributes, Span } from '@opentelemetry/api';
import { systemClock } from '../../clock.ts';
import { KIE_UPLOAD_BASE_URL_DEFAULT } from '../../config.ts';
import {
  ATTR_BOT_GENERATION_ID,
  ATTR_ENDUSER_ID,
  ATTR_FILE_SIZE,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_KIE_API,
  ATTR_KIE_CREDITS_CONSUMED,
  ATTR_KIE_FILE_MIME_TYPE,
  ATTR_KIE_MODEL,
  ATTR_KIE_POLL_ATTEMPT,
  ATTR_KIE_SUNO_STATUS,
  ATTR_KIE_TASK_ID,
  ATTR_KIE_TASK_STATE,
  ATTR_KIE_VEO_SUCCESS_FLAG,
  SPAN_KIE_FILE_UPLOAD,
  SPAN_KIE_TASK_CREATE,
  SPAN_KIE_TASK_POLL,
} from '../../telemetry/attributes.ts';
import { registerSecret } from '../../telemetry/redact.ts';
import { type KieEndpoint, KieHttpError } from './errors.ts';
import { createKieClientMetrics, type KieApiName } from './kie-client-metrics.ts';
import { createKieHttp, type KieCall } from './kie-http.ts';
import { inKieSpan } from './kie-span.ts';
import { encodeMultipart } from './multipart-body.ts';
import { parseSunoTaskInfo } from './parse-suno-task-info.ts';
import { parseCredits, parseTaskInfo } from './parse-task-info.ts';
import { parseVeoTaskInfo } from './parse-veo-task-info.ts';
import { RateLimiter } from './rate-limiter.ts';
import { isRecord, str } from './read-fields.ts';
import { resolveRetryPolicy } from './retry-policy.ts';
import { SUNO_PLACEHOLDER_CALLBACK_URL } from './suno-placeholder-callback.ts';
import type { KieClient, KieClientOptions, KieCreateContext, KiePollContext, KieTaskInfo } from './types.ts';
import { safeMimeType, uploadFileName } from './upload-file-name.ts';
import { KIE_USER_AGENT } from './user-agent.ts';
import { veoRequestBody } from './veo-request-body.ts';

const DEFAULT_UPLOAD_PATH = 'tg-genbot';

/** The APIs that run generation tasks (the upload host runs none). */
type TaskApi = Exclude<KieApiName, 'file'>;

/** Creates the KIE client (kie-api.md §1–§4, §6–§8); create one per process and key. */
export function createKieClient(options: KieClientOptions): KieClient {
  if (!options.apiKey) throw new Error('createKieClient: apiKey is required (set KIE_API_KEY)');
  // Scrubbed from every log line and span from now on, whoever prints it.
  registerSecret(options.apiKey);
  registerSecret(options.callbackHmacKey);
  const createWindowMs = options.createWindowMs ?? 10_000;
  const pollWindowMs = options.pollWindowMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const limiters = options.limiters ?? {
    create: new RateLimiter({ limit: options.createPer10s, windowMs: createWindowMs, clock }),
    poll: new RateLimiter({ limit: options.pollsPerSecond, windowMs: pollWindowMs, clock }),
  };
  const metrics = createKieClientMetrics();
  const http = createKieHttp({
    baseUrl: options.baseUrl,
    uploadBaseUrl: options.uploadBaseUrl ?? KIE_UPLOAD_BASE_URL_DEFAULT,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent ?? KIE_USER_AGENT,
    policy: resolveRetryPolicy(options.retry),
    limiters: { ...limiters, createWindowMs, pollWindowMs },
    metrics,
    clock,
  });
  const uploadPath = options.uploadPath ?? DEFAULT_UPLOAD_PATH;

  /** createTask, Suno and Veo generate: one kie.task.create span, the create limiter, never resent once sent. */
  const create = (
    api: TaskApi,
    model: string,
    call: Pick<KieCall, 'endpoint' | 'path' | 'json'>,
    ctx: KieCreateContext,
  ): Promise<{ taskId: string }> => {
    const attributes: Attributes = {
      [ATTR_KIE_MODEL]: model,
      [ATTR_KIE_API]: api,
      ...(ctx.generationId !== undefined && { [ATTR_BOT_GENERATION_ID]: ctx.generationId }),
      ...(ctx.userId !== undefined && { [ATTR_ENDUSER_ID]: String(ctx.userId) }),
    };
    return inKieSpan(SPAN_KIE_TASK_CREATE, attributes, ctx.signal, async (span) => {
      const data = await http.send({
        ...call,
        operation: 'create',
        api,
        method: 'POST',
        idempotent: false,
        signal: ctx.signal,
        ...(ctx.onQueuePosition && { onQueuePosition: ctx.onQueuePosition }),
        ...(ctx.onSending && { beforeSend: ctx.onSending }),
        span,
      });
      const taskId = isRecord(data) ? str(data.taskId) : undefined;
      if (taskId === undefined) {
        // Code 200 without a task id: a task may exist anyway, so this is never retried.
        throw new KieHttpError('kie.bad_response', call.endpoint, {
          sent: true,
          idempotent: false,
          httpStatus: 200,
        });
      }
      span.setAttribute(ATTR_KIE_TASK_ID, taskId);
      return { taskId };
    });
  };

  /** recordInfo, Suno and Veo record-info: one kie.task.poll span and one kie.polls count per call. */
  const poll = (
    api: TaskApi,
    endpoint: KieEndpoint,
    path: string,
    taskId: string,
    ctx: KiePollContext,
    parse: (data: Record<string, unknown>) => KieTaskInfo,
  ): Promise<KieTaskInfo> => {
    const attributes: Attributes = {
      [ATTR_KIE_TASK_ID]: taskId,
      [ATTR_KIE_API]: api,
      ...(ctx.attempt !== undefined && { [ATTR_KIE_POLL_ATTEMPT]: ctx.attempt }),
      ...(ctx.model !== undefined && { [ATTR_KIE_MODEL]: ctx.model }),
    };
    return inKieSpan(SPAN_KIE_TASK_POLL, attributes, ctx.signal, async (span: Span) => {
      let info: KieTaskInfo;
      try {
        const data = await http.send({
          operation: 'poll',
          api,
          endpoint,
          method: 'GET',
          path,
          idempotent: true,
          signal: ctx.signal,
          span,
        });
        if (!isRecord(data)) {
          throw new KieHttpError('kie.bad_response', endpoint, {
            sent: true,
            idempotent: true,
            httpStatus: 200,
          });
        }
        info = parse(data);
      } catch (error) {
        if (!ctx.signal?.aborted) metrics.poll(ctx.model ?? 'unknown', undefined, 'error');
        throw error;
      }
      // Unknown states are reported as-is; the caller keeps polling until its deadline (§9 row 4).
      span.setAttribute(ATTR_KIE_TASK_STATE, info.state);
      if (info.sunoStatus) span.setAttribute(ATTR_KIE_SUNO_STATUS, info.sunoStatus);
      if (info.veoSuccessFlag !== undefined)
        span.setAttribute(ATTR_KIE_VEO_SUCCESS_FLAG, info.veoSuccessFlag);
      if (info.model) span.setAttribute(ATTR_KIE_MODEL, info.model);
      if (info.consumeCredits !== undefined)
        span.setAttribute(ATTR_KIE_CREDITS_CONSUMED, info.consumeCredits);
      metrics.poll(ctx.model ?? (info.model || 'unknown'), info.state, 'ok');
      return info;
    });
  };

  return {
    createTask(request, ctx = {}) {
      return create(
        'market',
        request.model,
        {
          endpoint: 'createTask',
          path: '/api/v1/jobs/createTask',
          json: {
            model: request.model,
            input: request.input,
            ...(request.callBackUrl && { callBackUrl: request.callBackUrl }),
          },
        },
        ctx,
      );
    },

    recordInfo(taskId, ctx = {}) {
      const path = `/api/v1/jobs/recordInfo?taskId=${encodeURIComponent(taskId)}`;
      return poll('market', 'recordInfo', path, taskId, ctx, (data) => parseTaskInfo(data, taskId));
    },

    createMusicTask(request, ctx = {}) {
      const { input } = request;
      return create(
        'suno',
        request.model,
        {
          endpoint: 'generate',
          path: '/api/v1/generate',
          json: {
            ...input,
            // Non-custom mode: Suno writes lyrics and style from the prompt alone (§7).
            customMode: typeof input.customMode === 'boolean' ? input.customMode : false,
            instrumental: typeof input.instrumental === 'boolean' ? input.instrumental : false,
            model: request.model,
            callBackUrl: request.callBackUrl ?? SUNO_PLACEHOLDER_CALLBACK_URL,
          },
        },
        ctx,
      );
    },

    musicRecordInfo(taskId, ctx = {}) {
      const path = `/api/v1/generate/record-info?taskId=${encodeURIComponent(taskId)}`;
      return poll('suno', 'generateRecordInfo', path, taskId, ctx, (data) =>
        parseSunoTaskInfo(data, taskId, ctx.model),
      );
    },

    createVideoTask(request, ctx = {}) {
      return create(
        'veo',
        request.model,
        { endpoint: 'veoGenerate', path: '/api/v1/veo/generate', json: veoRequestBody(request) },
        ctx,
      );
    },

    videoRecordInfo(taskId, ctx = {}) {
      const path = `/api/v1/veo/record-info?taskId=${encodeURIComponent(taskId)}`;
      return poll('veo', 'veoRecordInfo', path, taskId, ctx, (data) =>
        parseVeoTaskInfo(data, taskId, ctx.model),
      );
    },

    uploadFile(bytes, upload) {
      const mimeType = safeMimeType(upload.mimeType);
      const api: KieApiName = 'file';
      const attributes: Attributes = {
        [ATTR_KIE_API]: api,
        [ATTR_FILE_SIZE]: bytes.byteLength,
        [ATTR_KIE_FILE_MIME_TYPE]: mimeType,
        ...(upload.generationId !== undefined && { [ATTR_BOT_GENERATION_ID]: upload.generationId }),
        ...(upload.userId !== undefined && { [ATTR_ENDUSER_ID]: String(upload.userId) }),
      };
      return inKieSpan(SPAN_KIE_FILE_UPLOAD, attributes, upload.signal, async (span) => {
        // One name for every attempt: a resend overwrites the same file, so retrying is safe.
        const fileName = uploadFileName(upload.fileName);
        const multipart = encodeMultipart(
          { uploadPath, fileName },
          { field: 'file', fileName, mimeType, bytes },
        );
        span.setAttribute(ATTR_HTTP_REQUEST_BODY_SIZE, multipart.body.byteLength);
        const data = await http.send({
          operation: 'upload',
          api,
          endpoint: 'fileUpload',
          method: 'POST',
          path: '/api/file-stream-upload',
          multipart,
          idempotent: true,
          signal: upload.signal,
          span,
        });
        // docs.kie.ai answers `downloadUrl`; an older quick-start shows `fileUrl` as well.
        const url = isRecord(data) ? (str(data.downloadUrl) ?? str(data.fileUrl)) : undefined;
        if (url === undefined || !/^https?:\/\//i.test(url)) {
          throw new KieHttpError('kie.bad_response', 'fileUpload', {
            sent: true,
            idempotent: false,
            httpStatus: 200,
          });
        }
        return { url };
      });
    },

    async credits(signal) {
      const data = await http.send({
        operation: 'credit',
        api: 'market',
        endpoint: 'credit',
        method: 'GET',
        path: '/api/v1/chat/credit',
        idempotent: true,
        signal,
      });
      return parseCredits(data);
    },

    close() {
      return http.close();
    },
  };
}

import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { listen } from '../shared/listen.ts';
import { createApiHandler, replyServerError } from './api-handler.ts';
import { BehaviourRegistry } from './behaviour-registry.ts';
import { CallbackSender } from './callback-sender.ts';
import { FaultQueue } from './fault-queue.ts';
import type { FakeContext } from './internal-types.ts';
import { marketHandlers } from './market-handlers.ts';
import { serveFile } from './serve-file.ts';
import { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import { sunoHandlers } from './suno-handlers.ts';
import { snapshotTask } from './task-snapshot.ts';
import { TaskStore } from './task-store.ts';
import { TimerSet } from './timer-set.ts';
import type { KieEndpoint, KieFake, KieFakeOptions, KieRequestRecord } from './types.ts';
import { uploadHandler } from './upload-handler.ts';
import { UploadStore, uploadUrlPath } from './upload-store.ts';
import { veoHandlers } from './veo-handlers.ts';

const CALLBACK_RETRY_DELAY_MS = 1000;
const SUNO_POLLS_PER_TASK_PER_S = 3;

/** Creates a fake KIE API server that is faithful to kie-api.md (see its §9 for the choices). */
export function createKieFake(options: KieFakeOptions = {}): KieFake {
  const host = options.host ?? '127.0.0.1';
  const timeScale = options.timeScale ?? 1;
  const limits =
    options.rateLimits === false
      ? undefined
      : (options.rateLimits ?? { createPer10s: 20, recordInfoPerSecond: 10 });
  const limitsNow = options.rateLimitClock ?? Date.now;
  const createLimiter = limits && new SlidingWindowLimiter(limits.createPer10s, 10_000, limitsNow);
  const pollLimiter = limits && new SlidingWindowLimiter(limits.recordInfoPerSecond, 1000, limitsNow);
  const sunoPollLimiter = limits && new SlidingWindowLimiter(SUNO_POLLS_PER_TASK_PER_S, 1000, limitsNow);
  const log: KieRequestRecord[] = [];
  let port = options.port ?? 0;
  let stopping = false;

  const baseUrl = (): string => {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  };
  const emitter = new EventEmitter();
  const ctx: FakeContext = {
    wire: {
      transport: options.transport ?? 'body-code',
      messageKey: options.messageKey ?? 'msg',
      creditsKey: options.creditsKey ?? 'consumeCredits',
    },
    emitter,
    timers: new TimerSet(),
    store: new TaskStore(options.credits ?? 10_000, timeScale),
    uploads: new UploadStore(options.uploadExpirySeconds),
    behaviours: new BehaviourRegistry(),
    callbacks: new CallbackSender({
      hmacKey: options.webhookHmacKey,
      retries: options.callbackRetries ?? 3,
      timeoutMs: options.callbackTimeoutMs ?? 15_000,
      retryDelayMs: CALLBACK_RETRY_DELAY_MS * timeScale,
      lateDelayMs: CALLBACK_RETRY_DELAY_MS * 3 * timeScale,
      onAttempt: (e) => emitter.emit('callback', e),
    }),
    publicBase: () => (options.publicUrl ?? baseUrl()).replace(/\/+$/, ''),
    resultExpirySeconds: options.resultExpirySeconds,
  };
  const faults = new FaultQueue();

  const handleApi = createApiHandler(ctx, {
    apiKey: options.apiKey ?? 'kie-test-key',
    requireUserAgent: options.requireUserAgent ?? false,
    faults,
    handlers: {
      ...marketHandlers(ctx),
      ...sunoHandlers(ctx, sunoPollLimiter),
      ...veoHandlers(ctx),
      credit: { body: 'json', handle: () => ({ data: ctx.store.credits() }) },
      fileStreamUpload: uploadHandler(ctx),
    },
    // Every new generation counts against the one createTask window (§4); Veo's record-info against
    // the recordInfo one, as KIE names no other limit for it.
    limiterFor: (endpoint: KieEndpoint) =>
      endpoint === 'createTask' || endpoint === 'generate' || endpoint === 'veoGenerate'
        ? createLimiter
        : endpoint === 'recordInfo' || endpoint === 'veoRecordInfo'
          ? pollLimiter
          : undefined,
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kie.fake');
    const rec: KieRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url: req.url ?? '/',
      at: Date.now(),
      status: 0,
    };
    log.push(rec);
    res.on('close', () => {
      rec.endedAt = Date.now();
      rec.aborted = !res.writableFinished;
      emitter.emit('request', rec);
    });
    if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname.startsWith('/files/')) {
      serveFile(ctx, req, res, rec, url.pathname);
      return;
    }
    handleApi(req, res, rec, url).catch((err: unknown) => replyServerError(ctx, res, rec, err));
  });

  return {
    get baseUrl() {
      return baseUrl();
    },
    get port() {
      return port;
    },
    async start() {
      port = await listen(server, port, host);
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      ctx.callbacks.stop();
      ctx.timers.clear();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    script(model, behaviour) {
      ctx.behaviours.set(model, behaviour);
    },
    failNext(endpoint, code, opts = {}) {
      const fault = {
        kind: 'code' as const,
        code,
        ...(opts.httpStatus !== undefined && { httpStatus: opts.httpStatus }),
        ...(opts.msg !== undefined && { msg: opts.msg }),
      };
      faults.push(endpoint, fault, opts.times ?? 1);
    },
    faultNext(endpoint, fault, opts = {}) {
      faults.push(endpoint, fault, opts.times ?? 1);
    },
    tasks() {
      const now = Date.now();
      return ctx.store.all().map((t) => snapshotTask(t, now, ctx.publicBase()));
    },
    uploads() {
      return ctx.uploads.all().map((u) => ({
        filePath: u.filePath,
        fileName: u.fileName,
        mimeType: u.mimeType,
        size: u.bytes.length,
        bytes: Buffer.from(u.bytes),
        uploadedAt: u.uploadedAt,
        url: `${ctx.publicBase()}${uploadUrlPath(u.filePath)}`,
      }));
    },
    requests() {
      return [...log];
    },
    credits() {
      return ctx.store.credits();
    },
    setCredits(n) {
      ctx.store.setCredits(n);
    },
    on(event, listener) {
      emitter.on(event, listener);
    },
    off(event, listener) {
      emitter.off(event, listener);
    },
  };
}

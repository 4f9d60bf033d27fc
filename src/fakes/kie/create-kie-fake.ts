import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../shared/listen.ts';
import { isRecord, readJsonBody } from '../shared/read-json-body.ts';
import { sendJson } from '../shared/send-json.ts';
import { BehaviourRegistry } from './behaviour-registry.ts';
import { CallbackSender } from './callback-sender.ts';
import { FaultQueue } from './fault-queue.ts';
import type { TaskRecord } from './internal-types.ts';
import { httpStatusFor, type KieWire, kieEnvelope } from './kie-transport.ts';
import { marketCallbackBody, marketRecordData, marketResultUrls } from './market-payloads.ts';
import { checkMarketModel, priceOf, resultKindOf, SUNO_MODELS, taskIdSlug } from './model-catalog.ts';
import { RESULT_FILES, resultFileByExt } from './result-files.ts';
import { SlidingWindowLimiter } from './sliding-window-limiter.ts';
import {
  type SunoCallbackType,
  sunoCallbackBody,
  sunoFilesPublished,
  sunoRecordData,
  sunoStatusAt,
} from './suno-payloads.ts';
import { buildTimeline, stateAt } from './task-timeline.ts';
import type {
  FakeTask,
  KieEndpoint,
  KieFake,
  KieFakeOptions,
  KieRequestRecord,
  KieTaskState,
} from './types.ts';

const ROUTES: Readonly<Record<string, KieEndpoint>> = {
  'POST /api/v1/jobs/createTask': 'createTask',
  'GET /api/v1/jobs/recordInfo': 'recordInfo',
  'POST /api/v1/generate': 'generate',
  'GET /api/v1/generate/record-info': 'generateRecordInfo',
  'GET /api/v1/chat/credit': 'credit',
};

// Default User-Agents of Node's fetch and undici: Cloudflare's browser check would not pass them either.
const NON_BROWSER_UA = /^(node|undici)(\/|$)/i;
const CALLBACK_RETRY_DELAY_MS = 1000;
const SUNO_POLLS_PER_TASK_PER_S = 3;

/** A validation or account failure the handler answers with a body code. */
class KieReject extends Error {
  readonly code: number;
  constructor(code: number, msg: string) {
    super(msg);
    this.code = code;
  }
}

/** Creates a fake KIE API server that is faithful to kie-api.md (see its §9 for the choices). */
export function createKieFake(options: KieFakeOptions = {}): KieFake {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'kie-test-key';
  const timeScale = options.timeScale ?? 1;
  const wire: KieWire = {
    transport: options.transport ?? 'body-code',
    messageKey: options.messageKey ?? 'msg',
  };
  const limits =
    options.rateLimits === false
      ? undefined
      : (options.rateLimits ?? { createPer10s: 20, recordInfoPerSecond: 10 });
  const createLimiter = limits && new SlidingWindowLimiter(limits.createPer10s, 10_000);
  const pollLimiter = limits && new SlidingWindowLimiter(limits.recordInfoPerSecond, 1000);
  const sunoPollLimiter = limits && new SlidingWindowLimiter(SUNO_POLLS_PER_TASK_PER_S, 1000);

  const emitter = new EventEmitter();
  const behaviours = new BehaviourRegistry();
  const faults = new FaultQueue();
  const tasks = new Map<string, TaskRecord>();
  const log: KieRequestRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const idBase = Date.now();
  let seq = 0;
  let credits = options.credits ?? 10_000;
  // Failing tasks still owed their refund; settled lazily so balances agree with the clock-derived state.
  const pendingRefunds = new Set<TaskRecord>();
  let port = options.port ?? 0;
  let stopping = false;

  const baseUrl = (): string => {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  };
  const publicBase = (): string => (options.publicUrl ?? baseUrl()).replace(/\/+$/, '');

  const callbacks = new CallbackSender({
    hmacKey: options.webhookHmacKey,
    retries: options.callbackRetries ?? 3,
    timeoutMs: options.callbackTimeoutMs ?? 15_000,
    retryDelayMs: CALLBACK_RETRY_DELAY_MS * timeScale,
    lateDelayMs: CALLBACK_RETRY_DELAY_MS * 3 * timeScale,
    onAttempt: (e) => emitter.emit('callback', e),
  });

  const at = (when: number, fn: () => void): void => {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        fn();
      },
      Math.max(0, when - Date.now()),
    );
    timers.add(timer);
  };

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => at(Date.now() + ms, resolve));

  const reply = (
    res: ServerResponse,
    rec: KieRequestRecord,
    code: number,
    msg?: string,
    data?: unknown,
    httpStatus?: number,
  ): void => {
    rec.code = code;
    rec.status = httpStatus ?? httpStatusFor(wire, code);
    sendJson(res, rec.status, kieEnvelope(wire, code, msg, data));
  };

  // Charged at create, refunded on failure, so only successes spend credits (§5 failure has consumeCredits 0).
  const settleRefunds = (now = Date.now()): void => {
    for (const task of pendingRefunds) {
      if (task.timeline.doneAt === undefined || now < task.timeline.doneAt) continue;
      credits += task.price;
      pendingRefunds.delete(task);
    }
  };

  const emitTask = (task: TaskRecord, state: KieTaskState): void => {
    const sunoStatus = task.api === 'suno' ? sunoStatusAt(task, Date.now()) : undefined;
    emitter.emit('task', { taskId: task.id, state, ...(sunoStatus && { sunoStatus }) });
  };

  const sendSunoCallback = (task: TaskRecord, type: SunoCallbackType): void => {
    if (!task.callBackUrl) return;
    const body = sunoCallbackBody(task, publicBase(), type, wire.messageKey);
    callbacks.send(task.id, task.callBackUrl, body, task.behaviour.callback ?? 'normal');
  };

  // Side effects only (events, refunds, callbacks): the state itself is computed from the clock.
  const schedule = (task: TaskRecord): void => {
    const { timeline, behaviour } = task;
    at(timeline.queuingAt, () => {
      emitTask(task, 'queuing');
      if (task.api === 'suno' && behaviour.outcome !== 'fail') sendSunoCallback(task, 'text');
    });
    at(timeline.generatingAt, () => {
      emitTask(task, 'generating');
      if (task.api === 'suno' && behaviour.outcome !== 'fail') sendSunoCallback(task, 'first');
    });
    const doneAt = timeline.doneAt;
    if (doneAt === undefined) return;
    at(doneAt, () => {
      const state = stateAt(timeline, behaviour.outcome, doneAt);
      // Timers may fire a hair early against Date.now(); the task is logically done at doneAt.
      settleRefunds(Math.max(Date.now(), doneAt));
      emitTask(task, state);
      if (task.api === 'suno') {
        sendSunoCallback(task, state === 'success' ? 'complete' : 'error');
      } else if (task.callBackUrl) {
        const body = marketCallbackBody(task, publicBase(), credits, wire.messageKey);
        callbacks.send(task.id, task.callBackUrl, body, behaviour.callback ?? 'normal');
      }
    });
  };

  const createTask = (api: 'market' | 'suno', body: Record<string, unknown>, model: string): TaskRecord => {
    const price = priceOf(model);
    settleRefunds();
    if (credits < price) throw new KieReject(402, 'The current credits are insufficient. Please top up.');
    const behaviour = behaviours.next(model);
    seq += 1;
    const id =
      api === 'suno'
        ? `${(idBase + seq).toString(16)}suno${seq}`
        : `task_${taskIdSlug(model)}_${idBase + seq}`;
    const createdAt = Date.now();
    const input = api === 'suno' ? body : (body.input as Record<string, unknown>);
    const task: TaskRecord = {
      id,
      api,
      model,
      input,
      request: body,
      behaviour,
      timeline: buildTimeline(createdAt, behaviour, timeScale),
      resultKind: behaviour.resultKind ?? (api === 'suno' ? 'audio' : resultKindOf(model)),
      ...(typeof body.callBackUrl === 'string' && { callBackUrl: body.callBackUrl }),
      price,
      polls: 0,
    };
    credits -= price;
    if (behaviour.outcome === 'fail') pendingRefunds.add(task);
    tasks.set(id, task);
    emitTask(task, 'waiting');
    schedule(task);
    return task;
  };

  const requireString = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value.trim() === '') throw new KieReject(422, `${name} is required`);
    return value;
  };

  const checkCallBackUrl = (value: unknown): void => {
    if (value === undefined) return;
    if (typeof value !== 'string' || !URL.canParse(value))
      throw new KieReject(422, 'callBackUrl must be a valid URL');
  };

  const handlers: Record<KieEndpoint, (url: URL, body: unknown) => { data?: unknown; delayMs?: number }> = {
    createTask: (_url, body) => {
      if (!isRecord(body)) throw new KieReject(422, 'request body must be a JSON object');
      const modelError = checkMarketModel(body.model);
      if (modelError) throw new KieReject(422, modelError);
      checkCallBackUrl(body.callBackUrl);
      if (!isRecord(body.input)) throw new KieReject(422, 'input is required and must be an object');
      requireString(body.input.prompt, 'input.prompt');
      const task = createTask('market', body, body.model as string);
      return { data: { taskId: task.id }, delayMs: task.behaviour.slowCreateMs };
    },
    recordInfo: (url) => {
      const task = tasks.get(requireString(url.searchParams.get('taskId'), 'taskId'));
      if (task?.api !== 'market') throw new KieReject(404, 'Task not found');
      task.polls += 1;
      return { data: marketRecordData(task, publicBase(), Date.now()) };
    },
    generate: (_url, body) => {
      if (!isRecord(body)) throw new KieReject(422, 'request body must be a JSON object');
      if (typeof body.model !== 'string' || !SUNO_MODELS.has(body.model)) {
        throw new KieReject(422, `model must be one of ${[...SUNO_MODELS].join(', ')}`);
      }
      requireString(body.callBackUrl, 'callBackUrl');
      checkCallBackUrl(body.callBackUrl);
      if (typeof body.customMode !== 'boolean') throw new KieReject(422, 'customMode must be a boolean');
      if (typeof body.instrumental !== 'boolean') throw new KieReject(422, 'instrumental must be a boolean');
      if (body.customMode) {
        requireString(body.style, 'style');
        requireString(body.title, 'title');
        if (!body.instrumental) requireString(body.prompt, 'prompt');
      } else {
        requireString(body.prompt, 'prompt');
      }
      const task = createTask('suno', body, body.model);
      return { data: { taskId: task.id }, delayMs: task.behaviour.slowCreateMs };
    },
    generateRecordInfo: (url) => {
      const task = tasks.get(requireString(url.searchParams.get('taskId'), 'taskId'));
      if (task?.api !== 'suno') throw new KieReject(404, 'Task not found');
      if (sunoPollLimiter && !sunoPollLimiter.tryAcquire(task.id))
        throw new KieReject(429, 'Too many requests for this task');
      task.polls += 1;
      return { data: sunoRecordData(task, publicBase(), Date.now()) };
    },
    credit: () => {
      settleRefunds();
      return { data: credits };
    },
  };

  const limiterFor = (endpoint: KieEndpoint): SlidingWindowLimiter | undefined => {
    if (endpoint === 'createTask' || endpoint === 'generate') return createLimiter;
    if (endpoint === 'recordInfo') return pollLimiter;
    return undefined;
  };

  const serveFile = (
    req: IncomingMessage,
    res: ServerResponse,
    rec: KieRequestRecord,
    path: string,
  ): void => {
    const notFound = (): void => {
      rec.status = 404;
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    };
    const match = /^\/files\/([^/]+)\/(\d+)\.([a-z0-9]+)$/.exec(path);
    const task = match ? tasks.get(match[1] ?? '') : undefined;
    if (!match || !task || Number(match[2]) >= (task.api === 'suno' ? 2 : 1)) {
      notFound();
      return;
    }
    const now = Date.now();
    const file = resultFileByExt(match[3] ?? '');
    const published =
      task.api === 'suno'
        ? sunoFilesPublished(sunoStatusAt(task, now)) && (file?.ext === 'mp3' || file?.ext === 'png')
        : stateAt(task.timeline, task.behaviour.outcome, now) === 'success' &&
          file === RESULT_FILES[task.resultKind];
    const expiry = options.resultExpirySeconds;
    const expired = expiry !== undefined && now > (task.timeline.doneAt ?? now) + expiry * 1000;
    if (!file || !published || expired) {
      notFound();
      return;
    }
    rec.status = 200;
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.bytes.length });
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    rec: KieRequestRecord,
    url: URL,
  ): Promise<void> => {
    const ua = req.headers['user-agent'] ?? '';
    if (options.requireUserAgent && (ua.trim() === '' || NON_BROWSER_UA.test(ua))) {
      rec.status = 403;
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('error code: 1010');
      return;
    }
    const endpoint = ROUTES[`${req.method} ${url.pathname}`];
    const body =
      req.method === 'POST' ? await readJsonBody(req).catch(() => Symbol.for('bad-json')) : undefined;
    if (!endpoint) return reply(res, rec, 404, 'Not Found', undefined, 404);
    const token = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== apiKey) return reply(res, rec, 401);
    const fault = faults.take(endpoint);
    if (fault) return reply(res, rec, fault.code, fault.msg, undefined, fault.httpStatus);
    if (limiterFor(endpoint)?.tryAcquire() === false) return reply(res, rec, 429);
    if (typeof body === 'symbol') return reply(res, rec, 400, 'request body is not valid JSON');
    try {
      const { data, delayMs } = handlers[endpoint](url, body);
      if (delayMs) await sleep(delayMs);
      if (!res.destroyed) reply(res, rec, 200, 'success', data);
    } catch (err) {
      if (!(err instanceof KieReject)) throw err;
      reply(res, rec, err.code, err.message);
    }
  };

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
      serveFile(req, res, rec, url.pathname);
      return;
    }
    handleApi(req, res, rec, url).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      reply(res, rec, 500, err instanceof Error ? err.message : 'server exception');
    });
  });

  const snapshot = (task: TaskRecord, now: number): FakeTask => {
    const state = stateAt(task.timeline, task.behaviour.outcome, now);
    const done = state === 'success' || state === 'fail';
    return {
      id: task.id,
      api: task.api,
      model: task.model,
      input: task.input,
      request: task.request,
      state,
      createdAt: task.timeline.createdAt,
      ...(done && { completedAt: task.timeline.doneAt }),
      ...(task.callBackUrl && { callBackUrl: task.callBackUrl }),
      polls: task.polls,
      behaviour: task.behaviour,
      resultUrls: state === 'success' && task.api === 'market' ? marketResultUrls(task, publicBase()) : [],
      price: task.price,
    };
  };

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
      callbacks.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    script(model, behaviour) {
      behaviours.set(model, behaviour);
    },
    failNext(endpoint, code, opts = {}) {
      faults.push(endpoint, { code, httpStatus: opts.httpStatus, msg: opts.msg }, opts.times ?? 1);
    },
    tasks() {
      const now = Date.now();
      return [...tasks.values()].map((t) => snapshot(t, now));
    },
    requests() {
      return [...log];
    },
    credits() {
      settleRefunds();
      return credits;
    },
    setCredits(n) {
      settleRefunds();
      credits = n;
    },
    on(event, listener) {
      emitter.on(event, listener);
    },
    off(event, listener) {
      emitter.off(event, listener);
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, notFound, unauthorized } from './api-error.ts';
import { DropConnection, failWithFault } from './fail-with-fault.ts';
import { type FakeCore, TOKEN_PATTERN } from './fake-core.ts';
import { DescribedResult } from './method-context.ts';
import { executeMethod, findMethod } from './methods.ts';
import { Params } from './params.ts';
import { describePayload, readRequestParams } from './request-params.ts';
import { respond, respondError } from './respond.ts';
import { sleep } from './sleep.ts';
import { readRequestTrace } from './trace-headers.ts';
import type { ApiCall } from './types.ts';

/**
 * Answers `/bot<token>/<method>` in Telegram's order: token, method, parameters, then injected
 * delays and faults around the method itself. Every call is emitted as `api-request` on arrival, and
 * recorded and emitted as `api-call` once answered.
 */
export async function handleApiCall(
  core: FakeCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  token: string,
  method: string,
): Promise<void> {
  const trace = readRequestTrace(req.headers);
  const call: ApiCall = {
    token,
    method,
    payload: {},
    at: Date.now(),
    response: { ok: false },
    ...(trace?.traceId ? { traceId: trace.traceId } : {}),
    ...(trace?.updateId !== undefined ? { updateId: trace.updateId } : {}),
  };
  const clientGone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const signal = AbortSignal.any([clientGone.signal, core.stopSignal]);
  try {
    if (!TOKEN_PATTERN.test(token)) throw unauthorized();
    if (trace) core.noteRequestTrace(token, trace);
    const handler = findMethod(method);
    if (!handler) throw notFound();
    const values = await readRequestParams(req, url);
    call.payload = describePayload(values) as Record<string, unknown>;
    const bot = core.bot(token);
    const params = new Params(values);
    const target = { token, method, chatId: params.int('chat_id') ?? params.int('user_id') };
    // Synchronous up to the method's first await: a listener's continuation runs once a long poll waits.
    core.emit('api-request', { token, method, payload: call.payload });
    const delayMs = core.faults.takeDelayMs(target);
    if (delayMs > 0) await sleep(delayMs, signal);
    const fault = core.faults.takeRequestFault(target);
    if (fault && fault.phase !== 'after') failWithFault(fault, req);
    const result = await executeMethod(
      { core, bot, params, method, signal, ...(trace ? { traceId: trace.traceId } : {}) },
      handler,
    );
    if (fault) failWithFault(fault, req);
    const described = result instanceof DescribedResult ? result : undefined;
    const body = {
      ok: true,
      result: described ? described.result : result,
      ...(described ? { description: described.description } : {}),
    };
    call.response = { ok: true };
    await respond(res, 200, body);
  } catch (err) {
    if (err instanceof DropConnection) {
      call.response = { ok: false, dropped: true };
      return;
    }
    if (!(err instanceof ApiError)) throw err;
    call.response = { ok: false, error_code: err.errorCode, description: err.description };
    await respondError(res, err);
  } finally {
    core.calls.push(call);
    core.emit('api-call', call);
  }
}

import { ApiError, notFound } from './api-error.ts';
import type { BotState } from './bot-state.ts';
import type { FakeCore } from './fake-core.ts';
import { executeMethod, findMethod } from './methods.ts';
import { Params } from './params.ts';
import type { ApiCall } from './types.ts';
import { checkWellFormed } from './utf8-check.ts';

/** Webhook reply: a 2xx answer whose JSON names a `method` is run as an API call. */
export async function runWebhookReply(core: FakeCore, bot: BotState, body: string): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    typeof (parsed as { method?: unknown }).method !== 'string'
  ) {
    return;
  }
  const { method, ...values } = parsed as Record<string, unknown> & { method: string };
  const call: ApiCall = {
    token: bot.token,
    method,
    payload: values,
    at: Date.now(),
    response: { ok: false },
  };
  try {
    const handler = findMethod(method);
    if (!handler) throw notFound();
    checkWellFormed(values);
    const params = new Params(values);
    await executeMethod({ core, bot, params, method, signal: core.stopSignal }, handler);
    call.response = { ok: true };
  } catch (err) {
    if (err instanceof ApiError)
      call.response = { ok: false, error_code: err.errorCode, description: err.description };
    else throw err;
  } finally {
    core.calls.push(call);
    core.emit('api-call', call);
  }
}

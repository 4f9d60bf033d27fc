import type { FakeContext, TaskRecord } from './internal-types.ts';
import { marketCallbackBody } from './market-payloads.ts';
import { type SunoCallbackType, sunoCallbackBody, sunoStatusAt } from './suno-payloads.ts';
import { stateAt } from './task-timeline.ts';
import type { FakeTaskApi, KieTaskState } from './types.ts';
import { veoCallbackBody } from './veo-payloads.ts';

function emitTask(ctx: FakeContext, task: TaskRecord, state: KieTaskState): void {
  const sunoStatus = task.api === 'suno' ? sunoStatusAt(task, Date.now()) : undefined;
  ctx.emitter.emit('task', { taskId: task.id, state, ...(sunoStatus && { sunoStatus }) });
}

function sendSunoCallback(ctx: FakeContext, task: TaskRecord, type: SunoCallbackType): void {
  if (!task.callBackUrl) return;
  const body = sunoCallbackBody(task, ctx.publicBase(), type, ctx.wire.messageKey, ctx.wire.creditsKey);
  ctx.callbacks.send(task.id, task.callBackUrl, body, task.behaviour.callback ?? 'normal');
}

// Side effects only (events, refunds, callbacks): the state itself is computed from the clock.
function schedule(ctx: FakeContext, task: TaskRecord): void {
  const { timeline, behaviour } = task;
  const suno = task.api === 'suno' && behaviour.outcome !== 'fail';
  ctx.timers.at(timeline.queuingAt, () => {
    emitTask(ctx, task, 'queuing');
    if (suno) sendSunoCallback(ctx, task, 'text');
  });
  ctx.timers.at(timeline.generatingAt, () => {
    emitTask(ctx, task, 'generating');
    if (suno) sendSunoCallback(ctx, task, 'first');
  });
  const doneAt = timeline.doneAt;
  if (doneAt === undefined) return;
  ctx.timers.at(doneAt, () => {
    const state = stateAt(timeline, behaviour.outcome, doneAt);
    // Timers may fire a hair early against Date.now(); the task is logically done at doneAt.
    ctx.store.settleRefunds(Math.max(Date.now(), doneAt));
    emitTask(ctx, task, state);
    if (task.api === 'suno') {
      sendSunoCallback(ctx, task, state === 'success' ? 'complete' : 'error');
    } else if (task.api === 'veo' && task.callBackUrl) {
      const body = veoCallbackBody(task, ctx.publicBase(), ctx.wire.messageKey);
      ctx.callbacks.send(task.id, task.callBackUrl, body, behaviour.callback ?? 'normal');
    } else if (task.callBackUrl) {
      // The callBackUrl is used exactly as given, query string included, so a receiver can find its
      // own job id there (kie-api.md §9 row 16).
      const { messageKey, creditsKey } = ctx.wire;
      const body = marketCallbackBody(task, ctx.publicBase(), ctx.store.credits(), messageKey, creditsKey);
      ctx.callbacks.send(task.id, task.callBackUrl, body, behaviour.callback ?? 'normal');
    }
  });
}

/** Charges and records a task, announces it and schedules its state changes and callbacks. */
export function startTask(
  ctx: FakeContext,
  api: FakeTaskApi,
  body: Record<string, unknown>,
  model: string,
): TaskRecord {
  const task = ctx.store.create(api, body, model, () => ctx.behaviours.next(model));
  emitTask(ctx, task, 'waiting');
  schedule(ctx, task);
  return task;
}

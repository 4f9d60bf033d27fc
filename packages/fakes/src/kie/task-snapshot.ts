import type { TaskRecord } from './internal-types.ts';
import { marketResultUrls } from './market-payloads.ts';
import { stateAt } from './task-timeline.ts';
import type { FakeTask } from './types.ts';

/** A read-only view of a task at `now`, for tests and the sandbox. */
export function snapshotTask(task: TaskRecord, now: number, base: string): FakeTask {
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
    // Suno's tracks are in its own record-info; Market and Veo tasks have one file.
    resultUrls: state === 'success' && task.api !== 'suno' ? marketResultUrls(task, base) : [],
    price: task.price,
  };
}

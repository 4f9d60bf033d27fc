import type { TaskRecord } from './internal-types.ts';
import { KieReject } from './kie-reject.ts';
import { priceOf, resultKindOf, taskIdSlug } from './model-catalog.ts';
import { buildTimeline } from './task-timeline.ts';
import type { FakeTaskApi, TaskBehaviour } from './types.ts';

/** The fake's tasks and account balance: charged at create, refunded once a failing task is done. */
export class TaskStore {
  readonly #tasks = new Map<string, TaskRecord>();
  // Failing tasks still owed their refund; settled lazily so balances agree with the clock-derived state.
  readonly #pendingRefunds = new Set<TaskRecord>();
  readonly #idBase = Date.now();
  readonly #timeScale: number;
  #seq = 0;
  #credits: number;

  constructor(credits: number, timeScale: number) {
    this.#credits = credits;
    this.#timeScale = timeScale;
  }

  get(id: string): TaskRecord | undefined {
    return this.#tasks.get(id);
  }

  all(): TaskRecord[] {
    return [...this.#tasks.values()];
  }

  /** Current balance, refunds due by `now` included. */
  credits(now = Date.now()): number {
    this.settleRefunds(now);
    return this.#credits;
  }

  setCredits(n: number): void {
    this.settleRefunds();
    this.#credits = n;
  }

  // Only successes spend credits: the §5 failure callback reports consumeCredits 0.
  settleRefunds(now = Date.now()): void {
    for (const task of this.#pendingRefunds) {
      if (task.timeline.doneAt === undefined || now < task.timeline.doneAt) continue;
      this.#credits += task.price;
      this.#pendingRefunds.delete(task);
    }
  }

  /**
   * Charges and records a new task; 402 when the balance is short. `nextBehaviour` is asked only
   * after the balance check, so a rejected create does not use up a scripted behaviour.
   */
  create(
    api: FakeTaskApi,
    body: Record<string, unknown>,
    model: string,
    nextBehaviour: () => TaskBehaviour,
  ): TaskRecord {
    // Suno and Veo take their options in the body itself, Market ones under `input`.
    const input = api === 'market' ? (body.input as Record<string, unknown>) : body;
    const price = priceOf(model, input);
    if (this.credits() < price)
      throw new KieReject(402, 'The current credits are insufficient. Please top up.');
    const behaviour = nextBehaviour();
    this.#seq += 1;
    const seq = this.#seq;
    const id =
      api === 'suno'
        ? `${(this.#idBase + seq).toString(16)}suno${seq}`
        : api === 'veo'
          ? `veo_task_${(this.#idBase + seq).toString(16)}`
          : `task_${taskIdSlug(model)}_${this.#idBase + seq}`;
    const task: TaskRecord = {
      id,
      api,
      model,
      input,
      request: body,
      behaviour,
      timeline: buildTimeline(Date.now(), behaviour, this.#timeScale),
      resultKind:
        behaviour.resultKind ?? (api === 'suno' ? 'audio' : api === 'veo' ? 'video' : resultKindOf(model)),
      ...(typeof body.callBackUrl === 'string' && { callBackUrl: body.callBackUrl }),
      price,
      polls: 0,
    };
    this.#credits -= price;
    if (behaviour.outcome === 'fail') this.#pendingRefunds.add(task);
    this.#tasks.set(id, task);
    return task;
  }
}

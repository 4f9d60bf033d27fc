import type { TaskBehaviour } from './types.ts';

const DEFAULT_BEHAVIOUR: TaskBehaviour = { outcome: 'success' };

/**
 * Resolves the behaviour of the next task for a model.
 * Order: the model's counted entries, the model's sticky entry, then the same for '*', then success.
 */
export class BehaviourRegistry {
  readonly #counted = new Map<string, Array<{ behaviour: TaskBehaviour; remaining: number }>>();
  readonly #sticky = new Map<string, TaskBehaviour>();

  /** Registers a behaviour; with `times` it is used up, without it it replaces the sticky default. */
  set(model: string, behaviour: TaskBehaviour): void {
    if (behaviour.times === undefined) {
      this.#sticky.set(model, behaviour);
      return;
    }
    const queue = this.#counted.get(model) ?? [];
    queue.push({ behaviour, remaining: behaviour.times });
    this.#counted.set(model, queue);
  }

  /** Picks (and consumes, if counted) the behaviour for a new task of `model`. */
  next(model: string): TaskBehaviour {
    for (const key of [model, '*']) {
      const queue = this.#counted.get(key);
      const head = queue?.[0];
      if (queue && head) {
        head.remaining -= 1;
        if (head.remaining <= 0) queue.shift();
        return head.behaviour;
      }
      const sticky = this.#sticky.get(key);
      if (sticky) return sticky;
    }
    return DEFAULT_BEHAVIOUR;
  }
}

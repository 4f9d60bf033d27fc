import type { KieTaskState, TaskBehaviour } from './types.ts';

/** Default time in each running state, before `timeScale`. */
export const DEFAULT_STATE_DURATIONS_MS = { waiting: 1000, queuing: 2000, generating: 5000 } as const;

/** Absolute times (epoch ms) at which a task enters each state; `doneAt` is absent for `hang`. */
export interface TaskTimeline {
  readonly createdAt: number;
  readonly queuingAt: number;
  readonly generatingAt: number;
  readonly doneAt?: number;
}

/** Lays out a task's states from its behaviour; durations are multiplied by `timeScale`. */
export function buildTimeline(createdAt: number, behaviour: TaskBehaviour, timeScale: number): TaskTimeline {
  const d = { ...DEFAULT_STATE_DURATIONS_MS, ...behaviour.stateDurationsMs };
  const queuingAt = createdAt + Math.round(d.waiting * timeScale);
  const generatingAt = queuingAt + Math.round(d.queuing * timeScale);
  const doneAt = generatingAt + Math.round(d.generating * timeScale);
  return behaviour.outcome === 'hang'
    ? { createdAt, queuingAt, generatingAt }
    : { createdAt, queuingAt, generatingAt, doneAt };
}

/** The state at `now`; computed from time so polls never see a state out of order. */
export function stateAt(
  timeline: TaskTimeline,
  outcome: TaskBehaviour['outcome'],
  now: number,
): KieTaskState {
  if (timeline.doneAt !== undefined && now >= timeline.doneAt) return outcome === 'fail' ? 'fail' : 'success';
  if (now >= timeline.generatingAt) return 'generating';
  if (now >= timeline.queuingAt) return 'queuing';
  return 'waiting';
}

/** Time of the last state change at or before `now` (recordInfo `updateTime`). */
export function updatedAt(timeline: TaskTimeline, now: number): number {
  const changes = [
    timeline.createdAt,
    timeline.queuingAt,
    timeline.generatingAt,
    timeline.doneAt ?? Infinity,
  ];
  return Math.max(...changes.filter((t) => t <= now));
}

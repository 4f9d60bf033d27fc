import type { TaskTimeline } from './task-timeline.ts';
import type { ResultKind, TaskBehaviour } from './types.ts';

/** Mutable server-side record of one task; never handed out as is. */
export interface TaskRecord {
  readonly id: string;
  readonly api: 'market' | 'suno';
  readonly model: string;
  readonly input: Record<string, unknown>;
  readonly request: Record<string, unknown>;
  readonly behaviour: TaskBehaviour;
  readonly timeline: TaskTimeline;
  readonly resultKind: ResultKind;
  readonly callBackUrl?: string;
  readonly price: number;
  polls: number;
}

/** Base URL used in result-file links (the fake's own, or `publicUrl`). */
export type UrlBase = () => string;

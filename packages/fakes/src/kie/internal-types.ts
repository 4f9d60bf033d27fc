import type { EventEmitter } from 'node:events';
import type { BehaviourRegistry } from './behaviour-registry.ts';
import type { CallbackSender } from './callback-sender.ts';
import type { KieWire } from './kie-transport.ts';
import type { TaskStore } from './task-store.ts';
import type { TaskTimeline } from './task-timeline.ts';
import type { TimerSet } from './timer-set.ts';
import type { FakeTaskApi, ResultKind, TaskBehaviour } from './types.ts';
import type { UploadStore } from './upload-store.ts';

/** Mutable server-side record of one task; never handed out as is. */
export interface TaskRecord {
  readonly id: string;
  readonly api: FakeTaskApi;
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

/** What every part of one fake shares: state, clock, wire format and outbound callbacks. */
export interface FakeContext {
  readonly wire: KieWire;
  readonly emitter: EventEmitter;
  readonly timers: TimerSet;
  readonly store: TaskStore;
  readonly uploads: UploadStore;
  readonly behaviours: BehaviourRegistry;
  readonly callbacks: CallbackSender;
  readonly publicBase: UrlBase;
  /** Result files answer 404 this many seconds after completion. */
  readonly resultExpirySeconds: number | undefined;
}

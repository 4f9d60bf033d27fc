/** Durable, paid KIE Market generations: start (charge), runDue (create/poll/refund), delivery. */

export {
  type CancelOneResult,
  createGenerationService,
  type GenerationService,
  type GenerationServiceDeps,
  type KieCallbackOutcome,
  type RunDueResult,
  type StartGeneration,
} from './generation.service.ts';
export {
  ACTIVE_STATUSES,
  type Generation,
  type GenerationStatus,
  REFUNDED_STATUSES,
  type ResultKind,
  toGeneration,
} from './generation.ts';
export {
  DeliveryRejectedError,
  TooManyGenerationsError,
} from './generation-errors.ts';
export type { DeliveredResult, GenerationNotifier, GenerationProgress } from './generation-notifier.ts';
export { generationContext, generationRef } from './generation-trace.ts';
export { createGenerationWorker, type GenerationWorker } from './generation-worker.ts';
export {
  callbackSafetyNetSchedule,
  defaultPollSchedule,
  type PollSchedule,
  pollSchedule,
} from './poll-schedule.ts';

/** Durable, paid KIE Market generations: start (charge), runDue (create/poll/refund), delivery. */

export {
  createGenerationService,
  type GenerationService,
  type GenerationServiceDeps,
  type RunDueResult,
  type StartGeneration,
} from './generation.service.ts';
export { type Generation, type GenerationStatus, toGeneration } from './generation.ts';
export { GenerationNotFoundError, GenerationStateError } from './generation-errors.ts';
export { generationContext } from './generation-trace.ts';
export { defaultPollSchedule, type PollSchedule } from './poll-schedule.ts';

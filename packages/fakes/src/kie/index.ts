/**
 * Fake KIE API (kie-api.md): Market jobs (createTask/recordInfo), Suno (generate/record-info), Veo 3.1
 * (veo/generate, veo/record-info), credits,
 * file upload (the upload host's file-stream-upload), result and uploaded files under /files and signed callbacks. Behaviour per model via `script`, faults via `failNext` (body codes) and `faultNext` (garbled or late answers).
 */
export { createKieFake } from './create-kie-fake.ts';
// The fake's own price list and input checks, so the bot's catalog can be tested against what KIE bills and accepts.
export { KieReject } from './kie-reject.ts';
export { checkMarketInput } from './market-model-specs.ts';
export {
  checkMarketModel,
  priceOf as kieCostOf,
  resultKindOf,
  SUNO_MODELS,
  VEO_MODELS,
} from './model-catalog.ts';
export { signKieCallback } from './sign-kie-callback.ts';
export type {
  CallbackMode,
  FakeTask,
  FakeTaskApi,
  FakeUpload,
  KieCallbackEvent,
  KieEndpoint,
  KieFake,
  KieFakeEvents,
  KieFakeOptions,
  KieFault,
  KieRequestRecord,
  KieTaskEvent,
  KieTaskState,
  ResultKind,
  SunoStatus,
  TaskBehaviour,
} from './types.ts';
export { checkVeoBody } from './veo-handlers.ts';

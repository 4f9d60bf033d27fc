/** Protocols from long texts: segmenting, pricing, durable LLM jobs (segments in parallel, synthesis), refunds. */

export { continuesPaste, FULL_PART_MIN_UNITS, joinPasteParts } from '../../text/paste-merge.ts';
export { actionItem, parseProtocol } from './parse-protocol.ts';
export { ProgressThrottle } from './progress-throttle.ts';
export {
  type CancelResult,
  type ConfirmResult,
  createProtocolService,
  type ProtocolService,
  type ProtocolServiceDeps,
  type ProtocolSettings,
  type QuoteRequest,
} from './protocol.service.ts';
export type { ActionItem, Protocol } from './protocol.ts';
export { ProtocolDeliveryError, ProtocolInterruptedError, ProtocolTimeoutError } from './protocol-errors.ts';
export {
  type ProtocolJob,
  type ProtocolJobStatus,
  type ProtocolSource,
  toProtocolJob,
} from './protocol-job.ts';
export type { ProtocolFailureNotice, ProtocolNotifier, ProtocolProgress } from './protocol-notifier.ts';
export { type ProtocolPricing, protocolPrice } from './protocol-price.ts';
export { segmentRequest, synthesisRequest } from './protocol-prompts.ts';
export type { TextOutcome, TextPart } from './receive-text.ts';
export { runSegments } from './run-segments.ts';
export { segmentText } from './segment-text.ts';

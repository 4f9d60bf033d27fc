/** KIE generation API client (kie-api.md): Market createTask/recordInfo, Suno, Veo, file upload, credits, callbacks. */
export { createKieClient } from './client.ts';
export {
  KieApiError,
  type KieApiErrorCode,
  type KieEndpoint,
  KieHttpError,
  type KieHttpErrorCode,
  KieTaskFailedError,
  mayHaveCreatedTask,
  toKieApiError,
  toKieHttpError,
} from './errors.ts';
export { meansTaskGone } from './kie-codes.ts';
export { type KieCallbackInfo, parseKieCallback } from './parse-kie-callback.ts';
export { RateLimiter, type RateLimiterOptions, type ReleaseSlot } from './rate-limiter.ts';
export { SUNO_PLACEHOLDER_CALLBACK_URL } from './suno-placeholder-callback.ts';
export type * from './types.ts';
export {
  type CallbackHeaders,
  KIE_SIGNATURE_HEADER,
  KIE_TIMESTAMP_HEADER,
  type KieCallbackRejection,
  type KieCallbackVerdict,
  type VerifyKieCallbackOptions,
  verifyKieCallback,
} from './verify-callback.ts';

/** KIE generation API client (kie-api.md): Market createTask/recordInfo and credits. */
export { createKieClient } from './client.ts';
export {
  KieApiError,
  type KieApiErrorCode,
  type KieEndpoint,
  KieHttpError,
  type KieHttpErrorCode,
  KieTaskFailedError,
  toKieApiError,
  toKieHttpError,
} from './errors.ts';
export { RateLimiter, type RateLimiterOptions, type ReleaseSlot } from './rate-limiter.ts';
export type * from './types.ts';

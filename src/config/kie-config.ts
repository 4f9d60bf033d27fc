import { z } from 'zod';
import { httpUrl, milliseconds, optionalText, positiveInt } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** KIE API base used when KIE_BASE_URL is not set (kie-api.md §1). */
export const KIE_BASE_URL_DEFAULT = 'https://api.kie.ai';
/** KIE file-upload host used when KIE_UPLOAD_BASE_URL is not set (kie-api.md §1). */
export const KIE_UPLOAD_BASE_URL_DEFAULT = 'https://kieai.redpandaai.co';

/** The KIE generation API client (src/clients/kie; .env.example "KIE generation API"). */
export const kieConfig = {
  /** KIE generation API; `apiKey` undefined means generations are unavailable. */
  kie: z
    .object({
      /** From https://kie.ai; never echoed in problems. */
      apiKey: fromEnv('KIE_API_KEY', optionalText()),
      /** @default KIE_BASE_URL_DEFAULT ('https://api.kie.ai') */
      baseUrl: fromEnv('KIE_BASE_URL', httpUrl(KIE_BASE_URL_DEFAULT)),
      /** Per request. @default 30000 */
      timeoutMs: fromEnv('KIE_TIMEOUT_MS', milliseconds(30_000)),
      // KIE's documented limits (kie-api.md §4): 20 creates per 10 s, 10 recordInfo calls per second.
      /** @default 20 */
      createPer10s: fromEnv('KIE_CREATE_LIMIT_PER_10S', positiveInt(20)),
      /** @default 10 */
      pollsPerSecond: fromEnv('KIE_POLL_LIMIT_PER_S', positiveInt(10)),
      /** Host of the file-upload API (photos for edit / image-to-video models). @default KIE_UPLOAD_BASE_URL_DEFAULT */
      uploadBaseUrl: fromEnv('KIE_UPLOAD_BASE_URL', httpUrl(KIE_UPLOAD_BASE_URL_DEFAULT)),
      /**
       * webhookHmacKey from the KIE dashboard; when set, callbacks must carry a valid signature
       * (kie-api.md §5). Like the API key, never echoed in problems.
       */
      callbackHmacKey: fromEnv('KIE_CALLBACK_HMAC_KEY', optionalText()),
    })
    .readonly(),
};

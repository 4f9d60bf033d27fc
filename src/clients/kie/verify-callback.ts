import { createHmac, timingSafeEqual } from 'node:crypto';
import { registerSecret } from '../../telemetry/redact.ts';
import { isRecord, str } from './read-fields.ts';

/** Header names of KIE's optional callback signature (kie-api.md §5). */
export const KIE_TIMESTAMP_HEADER = 'x-webhook-timestamp';
export const KIE_SIGNATURE_HEADER = 'x-webhook-signature';

/** Why a callback was refused: no headers, unusable body or timestamp, wrong signature, outside the window. */
export type KieCallbackRejection = 'missing' | 'malformed' | 'bad-signature' | 'stale';

/** The verdict on one callback; `verified` is false when no key is configured (nothing to check). */
export type KieCallbackVerdict =
  | { readonly ok: true; readonly verified: boolean }
  | { readonly ok: false; readonly reason: KieCallbackRejection };

/** Headers as node:http gives them, or a fetch `Headers`. */
export type CallbackHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Inputs of `verifyKieCallback`. */
export interface VerifyKieCallbackOptions {
  /** The body exactly as received: the task id is read from it. */
  readonly rawBody: string | Uint8Array;
  readonly headers: CallbackHeaders;
  /** KIE_CALLBACK_HMAC_KEY; undefined turns verification off. */
  readonly hmacKey: string | undefined;
  /** Accepted distance of the timestamp from now, either way. @default 300 */
  readonly maxAgeSeconds?: number;
  /** Epoch ms; tests pin it. @default Date.now() */
  readonly now?: number;
}

function header(headers: CallbackHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

/** `data.taskId` (Market, Veo, 4o) or `data.task_id` (Suno), §5. */
function taskIdOf(rawBody: string | Uint8Array): string | undefined {
  try {
    const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
    const body: unknown = JSON.parse(text);
    const data = isRecord(body) ? body.data : undefined;
    return isRecord(data) ? (str(data.taskId) ?? str(data.task_id)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a KIE callback's HMAC headers: signature = base64(HMAC-SHA256(taskId + "." + timestamp, key)),
 * compared in constant time, then the timestamp must lie within `maxAgeSeconds` of now (§5, §9 row 10).
 * Exactly what packages/fakes/src/kie/sign-kie-callback.ts produces.
 *
 * The signature covers the task id and timestamp, not the body, so a genuine signature could be replayed
 * with another body for the same task inside the window: treat a verified callback as a hint and confirm
 * with recordInfo before paying out or refunding. The scheme comes from a secondary source (UNCERTAIN),
 * so the timestamp is accepted in seconds (what the source implies) or milliseconds.
 */
export function verifyKieCallback(options: VerifyKieCallbackOptions): KieCallbackVerdict {
  const key = options.hmacKey;
  if (key === undefined || key === '') return { ok: true, verified: false };
  registerSecret(key);
  const timestamp = header(options.headers, KIE_TIMESTAMP_HEADER)?.trim();
  const signature = header(options.headers, KIE_SIGNATURE_HEADER)?.trim();
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const taskId = taskIdOf(options.rawBody);
  if (taskId === undefined) return { ok: false, reason: 'malformed' };

  const expected = Buffer.from(createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64'));
  const given = Buffer.from(signature);
  // Lengths are public (a base64 SHA-256 is always 44 characters); the content is compared in constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }

  const value = Number(timestamp);
  const atMs = value > 1e11 ? value : value * 1000;
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
  if (Math.abs((options.now ?? Date.now()) - atMs) > maxAgeMs) return { ok: false, reason: 'stale' };
  return { ok: true, verified: true };
}

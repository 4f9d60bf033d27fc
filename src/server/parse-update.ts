import type { Update } from 'grammy/types';

/** The webhook body is not an update; answered with 400 and never retried by Telegram in vain. */
export class MalformedUpdateError extends Error {
  override readonly name = 'MalformedUpdateError';
}

/** Parses a webhook body into an update, or throws MalformedUpdateError saying why. */
export function parseUpdate(body: Buffer): Update {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedUpdateError('Body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedUpdateError('Body is not a JSON object');
  }
  const id = (value as { update_id?: unknown }).update_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new MalformedUpdateError('update_id is missing or not a non-negative integer');
  }
  if (Object.keys(value).length < 2) throw new MalformedUpdateError('Update has no content');
  return value as Update;
}

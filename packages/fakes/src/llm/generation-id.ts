import { randomBytes } from 'node:crypto';

/** A fresh OpenRouter-style generation id (`gen-<unix seconds>-<random>`), also sent as `X-Generation-Id`. */
export function generationId(): string {
  return `gen-${Math.floor(Date.now() / 1000)}-${randomBytes(10).toString('base64url')}`;
}

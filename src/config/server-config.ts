import { z } from 'zod';
import { text } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** The HTTP server: health, readiness and the webhook (.env.example "HTTP server"). */
export const serverConfig = {
  /** 0 picks a free port. @default 8080 */
  port: fromEnv(
    'PORT',
    z.coerce.number({ message: 'must be a port number 0–65535' }).int().min(0).max(65535).default(8080),
  ),
  /** @default '0.0.0.0' */
  host: fromEnv('HOST', text('0.0.0.0')),
};

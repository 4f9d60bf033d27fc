import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, type Logger } from '../../src/logger.ts';

/** A real app logger whose JSON lines are kept in memory for assertions. */
export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Every line, raw, for secret scans. */
  raw(): string;
}

export function createCaptureLogger(level: 'error' | 'warn' | 'info' | 'debug' = 'debug'): CapturedLogger {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({
    level,
    format: 'json',
    transports: [new winston.transports.Stream({ stream })],
  });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => chunks.join(''),
  };
}

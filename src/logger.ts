import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';
import { getLogContext } from './telemetry/log-context.ts';
import { redact, redactDeep } from './telemetry/redact.ts';

/** The app's logger type. */
export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly format: 'json' | 'pretty';
  readonly service?: string;
  /** Extra transports (tests capture lines with a stream transport). */
  readonly transports?: winston.transport[];
}

/** Adds the async-scope fields and, inside a span, trace_id / span_id / trace_flags. */
const contextFormat = winston.format((info) => {
  const fields = getLogContext();
  if (fields) {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && info[k] === undefined) info[k] = v;
  }
  // The OTel winston instrumentation injects these too when it is on; this keeps them when it is off.
  if (info.trace_id === undefined) {
    const ctx = trace.getActiveSpan()?.spanContext();
    if (ctx && isSpanContextValid(ctx)) {
      info.trace_id = ctx.traceId;
      info.span_id = ctx.spanId;
      info.trace_flags = `0${ctx.traceFlags.toString(16)}`;
    }
  }
  return info;
});

/** Masks secrets in the message, every field and error stacks; runs at logger level so no transport skips it. */
const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = redactDeep(info[key]);
  }
  if (typeof info.message === 'string') info.message = redact(info.message);
  return info;
});

/** Turns an `err` field holding an Error into plain, serialisable fields. */
const errorFormat = winston.format((info) => {
  const err = info.err;
  if (err instanceof Error) {
    info.err = { type: err.name, message: err.message, stack: err.stack };
  }
  return info;
});

/** Creates the winston logger: JSON in production, readable lines in development. */
export function createLogger(options: LoggerOptions): Logger {
  const output =
    options.format === 'json'
      ? winston.format.json()
      : winston.format.combine(
          winston.format.colorize(),
          winston.format.printf(({ level, message, timestamp, service: _s, ...rest }) => {
            const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${timestamp} ${level} ${message}${extra}`;
          }),
        );
  return winston.createLogger({
    level: options.level,
    defaultMeta: { service: options.service ?? 'tg-genbot' },
    format: winston.format.combine(
      winston.format.timestamp(),
      errorFormat(),
      contextFormat(),
      redactFormat(),
      output,
    ),
    transports: options.transports ?? [new winston.transports.Console()],
  });
}

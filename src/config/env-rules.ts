import { z } from 'zod';

// Parse rules shared by several variables. Each builds a fresh schema (fromEnv registers instances).

const trimSlashes = (u: string) => u.replace(/\/+$/, '');

/** An http(s) URL without trailing slashes, `fallback` when unset. */
export const httpUrl = (fallback: string) =>
  z.url({ message: 'must be an http(s) URL' }).default(fallback).transform(trimSlashes);

/** An optional http(s) URL without trailing slashes. */
export const optionalHttpUrl = (message = 'must be an http(s) URL') =>
  z
    .url({ message })
    .optional()
    .transform((u) => (u === undefined ? undefined : trimSlashes(u)));

/** A string, `fallback` when unset. */
export const text = (fallback: string) => z.string().default(fallback);

/** An optional string; for secrets too, as zod reports only the path and our message, never the value. */
export const optionalText = () => z.string().optional();

/** A positive whole number, `fallback` when unset. */
export const positiveInt = (fallback: number, message = 'must be a positive integer') =>
  z.coerce.number({ message }).int().positive().default(fallback);

/** Positive whole milliseconds, `fallback` when unset. */
export const milliseconds = (fallback: number) => positiveInt(fallback, 'must be milliseconds');

/** A whole number of at least 0, `fallback` when unset. */
export const nonNegativeInt = (fallback: number, message: string) =>
  z.coerce.number({ message }).int().min(0).default(fallback);

/** A whole number of at least `min`, `fallback` when unset; `message` also for values below `min`. */
export const intAtLeast = (min: number, fallback: number, message: string) =>
  z.coerce.number({ message }).int().min(min, { message }).default(fallback);

/** A number of at least `min`, `fallback` when unset. */
export const numberAtLeast = (min: number, fallback: number, message: string) =>
  z.coerce.number({ message }).min(min, { message }).default(fallback);

/** A positive number, `fallback` when unset. */
export const positiveNumber = (fallback: number, message: string) =>
  z.coerce.number({ message }).positive({ message }).default(fallback);

/** `true`/`1` or `false`/`0`, `fallback` when unset. */
export const booleanFlag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback)
    .transform((v) => v === 'true' || v === '1');

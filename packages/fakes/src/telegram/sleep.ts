import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`; resolves false instead of throwing if `signal` aborts first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

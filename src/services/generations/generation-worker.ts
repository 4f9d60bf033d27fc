import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { releaseLeases } from '../../db/repositories/generation.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import type { GenerationService } from './generation.service.ts';
import type { GenerationStatus } from './generation.ts';

export interface GenerationWorkerOptions {
  readonly service: GenerationService;
  readonly db: Kysely<Database>;
  /**
   * Stable per instance (hostname by default): leases this id held before a crash are released at
   * start, so a restarted bot resumes its own tasks at once instead of waiting for the leases to expire.
   */
  readonly workerId: string;
  readonly logger: Logger;
  /** Rows claimed per batch. @default 25 */
  readonly batchSize?: number;
  /** Batches of creates in progress at once. @default 2 */
  readonly createBatches?: number;
  /** Batches of polls and deliveries in progress at once. @default 6 */
  readonly pollBatches?: number;
  /** Pause of a lane when nothing was due. @default 500 */
  readonly idleMs?: number;
}

/** The loop that drives durable generations; one per process. */
export interface GenerationWorker {
  start(): Promise<void>;
  /** Stops claiming and waits (up to `timeoutMs`) for running steps; unfinished rows keep their lease. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Two lanes: creates wait for KIE's create limit (20 per 10 s), polls, deliveries and owed failure
 * notices for the poll limit or Telegram. Apart, a burst of confirmations cannot hold up deliveries, and a poll backlog
 * cannot hold up new work. Each lane keeps several batches in flight, since a batch ends only when
 * its slowest row (the last in the rate limiter's queue) does.
 */
export function createGenerationWorker(options: GenerationWorkerOptions): GenerationWorker {
  const { service, db, workerId, logger } = options;
  const batchSize = options.batchSize ?? 25;
  const idleMs = options.idleMs ?? 500;
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();
  let lanes: Promise<void>[] = [];

  const lane = async (statuses: readonly GenerationStatus[], maxBatches: number, notices = false) => {
    const mine = new Set<Promise<unknown>>();
    while (!stopping.signal.aborted) {
      if (mine.size >= maxBatches) {
        await Promise.race(mine);
        continue;
      }
      let claimed = 0;
      const claimedOnce = Promise.withResolvers<void>();
      const batch = service
        .runDue({ limit: batchSize, workerId, statuses, notices })
        .then((r) => {
          claimed = r.claimed;
        })
        .catch((error: unknown) => {
          // The database being away for a moment must not end the loop.
          logger.error('Generation worker pass failed', { err: error });
        })
        .finally(() => {
          mine.delete(batch);
          running.delete(batch);
          claimedOnce.resolve();
        });
      mine.add(batch);
      running.add(batch);
      // A full batch that finished quickly means more is due: go on at once; otherwise rest a little
      // (the next batch starts after the pause even if this one is still waiting on KIE).
      await Promise.race([claimedOnce.promise, sleep(50)]);
      if (claimed < batchSize)
        await sleep(idleMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  return {
    async start() {
      const released = await releaseLeases(db, workerId);
      if (released > 0)
        logger.info('Resuming generations after a restart', { count: released, worker_id: workerId });
      lanes = [
        // Creates, and creates whose outcome is unknown (settled without calling KIE).
        lane(['pending', 'creating', 'unknown'], options.createBatches ?? 2),
        // Owed failure notices ride with deliveries: both are Telegram's work.
        lane(['running', 'succeeded'], options.pollBatches ?? 6, true),
      ];
    },
    async stop(timeoutMs) {
      stopping.abort();
      await Promise.race([Promise.all([...lanes, ...running]), sleep(timeoutMs)]);
    },
  };
}

import type { Update } from 'grammy/types';
import type { Kysely } from 'kysely';
import {
  claimUpdate,
  completeUpdate,
  listDueUpdates,
  releaseOwnClaims,
  releaseUpdateForRetry,
} from '../../db/repositories/processed-update.repository.ts';
import type { Database } from '../../db/schema.ts';

/** Attempts at one update, the first included (about 10 min of retries, see updateRetryDelayMs). */
export const MAX_UPDATE_ATTEMPTS = 6;
/** How long a claim holds an update; a handler's Bot API retries (auto-retry) stay well inside it. */
export const UPDATE_LEASE_MS = 5 * 60_000;

/** 5 s, 15 s, 45 s, 135 s, 405 s after attempts 1–5: a database restart or a deploy fits in. */
export function updateRetryDelayMs(attempt: number): number {
  return Math.min(5000 * 3 ** (attempt - 1), 10 * 60_000);
}

/** An update this instance is handling. */
export interface UpdateClaim {
  readonly botId: number;
  readonly updateId: number;
  /** 1 for the first delivery. */
  readonly attempt: number;
  /** No attempt follows this one: a failure now is told to the user and the update is done. */
  readonly final: boolean;
}

/**
 * The durable inbox behind de-duplication. An update is claimed before any feature runs (its JSON
 * kept), completed after the handler finished, or given back for a retry when the handler failed on
 * an infrastructure error; a claim whose instance died is taken over when its lease runs out.
 */
export interface UpdateInbox {
  /** Undefined when the update was handled already or another claim holds it. */
  claim(botId: number, update: Update): Promise<UpdateClaim | undefined>;
  /** The handler finished (`errorCode` when it failed for good); the update is never handled again. */
  complete(claim: UpdateClaim, errorCode?: string): Promise<void>;
  /** The handler failed on an infrastructure error and attempts remain: due again after a backoff. */
  retryLater(claim: UpdateClaim, errorCode: string): Promise<void>;
  /** At start: this instance's claims belong to a process that died; they are due at once. */
  releaseOwn(botId: number): Promise<number>;
  /** Updates whose retry is due or whose holder's lease ran out, oldest first. */
  due(botId: number, limit: number): Promise<Update[]>;
}

export interface UpdateInboxDeps {
  readonly db: Kysely<Database>;
  /** Names this instance's claims (INSTANCE_ID). */
  readonly instanceId: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default UPDATE_LEASE_MS */
  readonly leaseMs?: number;
  /** @default MAX_UPDATE_ATTEMPTS */
  readonly maxAttempts?: number;
}

export function createUpdateInbox(deps: UpdateInboxDeps): UpdateInbox {
  const { db, instanceId } = deps;
  const clock = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? UPDATE_LEASE_MS;
  const maxAttempts = deps.maxAttempts ?? MAX_UPDATE_ATTEMPTS;
  const key = (claim: UpdateClaim) => ({
    botId: claim.botId,
    updateId: claim.updateId,
    attempt: claim.attempt,
  });

  return {
    async claim(botId, update) {
      const now = clock();
      const attempt = await claimUpdate(db, {
        botId,
        updateId: update.update_id,
        payload: JSON.stringify(update),
        claimedBy: instanceId,
        now,
        leaseUntil: new Date(now.getTime() + leaseMs),
        maxAttempts,
      });
      if (attempt === undefined) return undefined;
      return { botId, updateId: update.update_id, attempt, final: attempt >= maxAttempts };
    },

    async complete(claim, errorCode) {
      await completeUpdate(db, key(claim), errorCode ?? null);
    },

    async retryLater(claim, errorCode) {
      const dueAt = new Date(clock().getTime() + updateRetryDelayMs(claim.attempt));
      await releaseUpdateForRetry(db, key(claim), dueAt, errorCode);
    },

    releaseOwn: (botId) => releaseOwnClaims(db, botId, instanceId, clock()),

    async due(botId, limit) {
      const rows = await listDueUpdates(db, { botId, now: clock(), maxAttempts, limit });
      return rows.map((r) => JSON.parse(r.payload) as Update);
    },
  };
}

import type { Kysely } from 'kysely';
import {
  countGenerationsByStatus,
  countUsers,
  sumBalances,
  sumLedgerByOperation,
} from '../../db/repositories/admin.repository.ts';
import type { Database } from '../../db/schema.ts';
import { ACTIVE_STATUSES } from '../generations/generation.ts';
import type { AdminTotals } from './admin-report.ts';

const DAY_MS = 24 * 3600 * 1000;

/** The numbers `/admin` shows, as of `now` (active users: seen in the 24 hours before it). */
export async function loadAdminTotals(db: Kysely<Database>, now: Date): Promise<AdminTotals> {
  const [people, creditsHeld, ledger, byStatus] = await Promise.all([
    countUsers(db, new Date(now.getTime() - DAY_MS)),
    sumBalances(db),
    sumLedgerByOperation(db),
    countGenerationsByStatus(db),
  ]);
  const op = (name: string) => ledger.find((r) => r.operation === name);
  const generationsByStatus = Object.fromEntries(byStatus.map((r) => [r.status, r.count]));
  return {
    users: people.users,
    activeUsers: people.active,
    creditsHeld,
    toppedUp: op('topup')?.credited ?? 0,
    charged: op('charge')?.debited ?? 0,
    refunded: op('refund')?.credited ?? 0,
    adjustedUp: op('adjustment')?.credited ?? 0,
    adjustedDown: op('adjustment')?.debited ?? 0,
    generations: byStatus.reduce((sum, r) => sum + r.count, 0),
    generationsByStatus,
    inFlight: ACTIVE_STATUSES.reduce((sum, s) => sum + (generationsByStatus[s] ?? 0), 0),
  };
}

import type { Migration } from 'kysely/migration';
import * as createUsers from './2026_11_22_14_30_00_create_users.ts';
import * as createProcessedUpdates from './2026_11_22_14_31_00_create_processed_updates.ts';
import * as createLedger from './2026_11_22_16_00_00_create_ledger.ts';
import * as createGenerations from './2026_11_23_10_00_00_create_generations.ts';

/**
 * Every migration, keyed by its timestamped name. Listed statically rather than read from disk so the
 * set is typechecked and identical in the Docker image, tests and `npm run migrate`.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_22_14_30_00_create_users': createUsers,
  '2026_11_22_14_31_00_create_processed_updates': createProcessedUpdates,
  '2026_11_22_16_00_00_create_ledger': createLedger,
  '2026_11_23_10_00_00_create_generations': createGenerations,
};

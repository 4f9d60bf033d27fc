import type { BalancesTable } from './tables/balances.table.ts';
import type { GenerationsTable } from './tables/generations.table.ts';
import type { LedgerEntriesTable } from './tables/ledger-entries.table.ts';
import type { ProcessedUpdatesTable } from './tables/processed-updates.table.ts';
import type { UsersTable } from './tables/users.table.ts';

/** Every table Kysely knows about; each entry lives in its own `tables/<name>.table.ts`. */
export interface Database {
  users: UsersTable;
  processed_updates: ProcessedUpdatesTable;
  balances: BalancesTable;
  ledger_entries: LedgerEntriesTable;
  generations: GenerationsTable;
}

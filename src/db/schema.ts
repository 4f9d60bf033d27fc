import type { AdminIncidentsTable } from './tables/admin-incidents.table.ts';
import type { BalancesTable } from './tables/balances.table.ts';
import type { GenerationDraftsTable } from './tables/generation-drafts.table.ts';
import type { GenerationsTable } from './tables/generations.table.ts';
import type { JobLeasesTable } from './tables/job-leases.table.ts';
import type { LedgerEntriesTable } from './tables/ledger-entries.table.ts';
import type { ProcessedUpdatesTable } from './tables/processed-updates.table.ts';
import type { ProtocolJobsTable } from './tables/protocol-jobs.table.ts';
import type { ProtocolPastePartsTable } from './tables/protocol-paste-parts.table.ts';
import type { ProtocolSegmentsTable } from './tables/protocol-segments.table.ts';
import type { UsersTable } from './tables/users.table.ts';

/** Every table Kysely knows about; each entry lives in its own `tables/<name>.table.ts`. */
export interface Database {
  users: UsersTable;
  processed_updates: ProcessedUpdatesTable;
  balances: BalancesTable;
  ledger_entries: LedgerEntriesTable;
  generations: GenerationsTable;
  generation_drafts: GenerationDraftsTable;
  admin_incidents: AdminIncidentsTable;
  protocol_jobs: ProtocolJobsTable;
  protocol_segments: ProtocolSegmentsTable;
  protocol_paste_parts: ProtocolPastePartsTable;
  job_leases: JobLeasesTable;
}

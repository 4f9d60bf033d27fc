import type { Migration } from 'kysely/migration';
import * as createUsers from './2026_11_22_14_30_00_create_users.ts';
import * as createProcessedUpdates from './2026_11_22_14_31_00_create_processed_updates.ts';
import * as createLedger from './2026_11_22_16_00_00_create_ledger.ts';
import * as createGenerations from './2026_11_23_10_00_00_create_generations.ts';
import * as createAdminIncidents from './2026_11_24_09_00_00_create_admin_incidents.ts';
import * as extendGenerations from './2026_11_24_10_00_00_extend_generations.ts';
import * as createGenerationDrafts from './2026_11_24_10_10_00_create_generation_drafts.ts';
import * as createProtocolJobs from './2026_11_25_09_00_00_create_protocol_jobs.ts';
import * as addFailureNotices from './2026_11_26_09_00_00_add_failure_notices.ts';
import * as reconcileUnknownCreates from './2026_12_03_10_00_00_reconcile_unknown_creates.ts';
import * as createUpdateInbox from './2026_12_03_12_00_00_create_update_inbox.ts';
import * as addUserTelegramLanguage from './2026_12_03_13_00_00_add_user_telegram_language.ts';
import * as addPasteParts from './2026_12_03_13_10_00_add_paste_parts.ts';
import * as addDraftPromptPart from './2026_12_03_14_00_00_add_draft_prompt_part.ts';

/**
 * Every migration, keyed by its timestamped name. Listed statically rather than read from disk so the
 * set is typechecked and identical in the Docker image, tests and `npm run migrate`.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_22_14_30_00_create_users': createUsers,
  '2026_11_22_14_31_00_create_processed_updates': createProcessedUpdates,
  '2026_11_22_16_00_00_create_ledger': createLedger,
  '2026_11_23_10_00_00_create_generations': createGenerations,
  '2026_11_24_09_00_00_create_admin_incidents': createAdminIncidents,
  '2026_11_24_10_00_00_extend_generations': extendGenerations,
  '2026_11_24_10_10_00_create_generation_drafts': createGenerationDrafts,
  '2026_11_25_09_00_00_create_protocol_jobs': createProtocolJobs,
  '2026_11_26_09_00_00_add_failure_notices': addFailureNotices,
  '2026_12_03_10_00_00_reconcile_unknown_creates': reconcileUnknownCreates,
  '2026_12_03_12_00_00_create_update_inbox': createUpdateInbox,
  '2026_12_03_13_00_00_add_user_telegram_language': addUserTelegramLanguage,
  '2026_12_03_13_10_00_add_paste_parts': addPasteParts,
  '2026_12_03_14_00_00_add_draft_prompt_part': addDraftPromptPart,
};

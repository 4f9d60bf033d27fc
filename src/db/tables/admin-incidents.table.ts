import type { ColumnType, Selectable } from 'kysely';

/** Operator incidents admins were alerted about; one alert per incident per quiet period. */
export interface AdminIncidentsTable {
  incident: ColumnType<string, string, never>;
  /** When admins were last alerted about this incident. */
  alerted_at: ColumnType<Date, Date | string, Date | string>;
  /** Occurrences since that alert (how many users were affected). */
  occurrences: ColumnType<number, number | undefined, number>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type AdminIncidentRow = Selectable<AdminIncidentsTable>;

import { trace } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import {
  countIncidentOccurrence,
  lockIncident,
  markIncidentAlerted,
} from '../../db/repositories/admin-incident.repository.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';

/** How long after an alert further occurrences of the same incident stay quiet. @default 1 h */
export const ADMIN_ALERT_QUIET_MS_DEFAULT = 60 * 60_000;

/** What admins are told about; `incident` is a stable code such as `kie.insufficient_credits`. */
export interface AdminAlert {
  readonly incident: string;
  /** The error reference of the occurrence that opened the incident. */
  readonly errorRef?: string | undefined;
  /** Operator-facing detail (never user input, never secrets). */
  readonly detail?: string | undefined;
}

export interface AdminAlertsDeps {
  readonly db: Kysely<Database>;
  readonly adminIds: readonly number[];
  /** Delivers one alert to one admin (the composition root renders it with i18n and the Bot API). */
  readonly send: (adminId: number, alert: AdminAlert) => Promise<void>;
  readonly logger: Logger;
  /** @default ADMIN_ALERT_QUIET_MS_DEFAULT */
  readonly quietMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Operator alerts with one message per incident, across every bot instance sharing the database. */
export interface AdminAlerts {
  /**
   * Records an occurrence; the first one of an incident (or the first after the quiet period) alerts
   * every admin and resolves true. Never throws: an alert that cannot be sent is logged.
   */
  raise(alert: AdminAlert): Promise<boolean>;
}

export function createAdminAlerts(deps: AdminAlertsDeps): AdminAlerts {
  const { db, adminIds, send, logger } = deps;
  const quietMs = deps.quietMs ?? ADMIN_ALERT_QUIET_MS_DEFAULT;
  const clock = deps.now ?? (() => new Date());

  /** Counts the occurrence and decides, under a row lock, whether this one alerts. */
  const claim = (incident: string): Promise<boolean> =>
    db.transaction().execute(async (trx) => {
      const now = clock();
      const row = await lockIncident(trx, incident, now);
      const alerting = now.getTime() - row.alerted_at.getTime() >= quietMs;
      if (alerting) await markIncidentAlerted(trx, incident, now);
      else await countIncidentOccurrence(trx, row, now);
      return alerting;
    });

  return {
    async raise(alert) {
      let alerting: boolean;
      try {
        alerting = await claim(alert.incident);
      } catch (error) {
        logger.error('Could not record an admin incident', { err: error, incident: alert.incident });
        return false;
      }
      trace.getActiveSpan()?.addEvent('admin.alert', { incident: alert.incident, 'admin.alerted': alerting });
      if (!alerting) return false;
      logger.warn('Admin alert raised', { incident: alert.incident, error_ref: alert.errorRef });
      await Promise.all(
        adminIds.map((id) =>
          send(id, alert).catch((error: unknown) =>
            logger.error('Could not deliver an admin alert', {
              err: error,
              admin_id: id,
              incident: alert.incident,
            }),
          ),
        ),
      );
      return true;
    },
  };
}

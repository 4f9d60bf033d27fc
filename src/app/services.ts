import { randomUUID } from 'node:crypto';
import { createTelegramProtocolNotifier } from '../bot/features/protocol/protocol-notifier.ts';
import type { TelegramEdge } from '../bot/telegram-edge.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { type AdminAlerts, createAdminAlerts } from '../services/admin/admin-alerts.ts';
import { type AdminService, createAdminService } from '../services/admin/index.ts';
import { type BillingService, createBillingService } from '../services/billing/billing.service.ts';
import { createDraftService, type DraftService } from '../services/drafts/draft.service.ts';
import { createProtocolService, type ProtocolService } from '../services/protocols/index.ts';
import { createUpdateInbox, type UpdateInbox } from '../services/updates/update-inbox.ts';
import type { UserService } from '../services/user.service.ts';
import type { BotMetrics } from '../telemetry/metrics.ts';
import { type Clients, createClients } from './clients.ts';
import { createGenerations, type Generations } from './generations.ts';
import type { TelegramSenders } from './telegram-senders.ts';

export interface ServicesDeps {
  readonly config: Config;
  readonly token: string;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly catalog: Catalog;
  readonly metrics: BotMetrics;
  readonly edge: TelegramEdge;
  readonly senders: TelegramSenders;
  readonly users: UserService;
  /** The clock of the update inbox and the KIE rate limiter. */
  readonly clock: () => Date;
  /** Test seam: wraps the ledger (fault injection). */
  readonly decorateBilling?: ((billing: BillingService) => BillingService) | undefined;
}

/** Every domain service, built over the database, the API clients and the edge's senders. */
export interface Services extends Clients, Generations {
  readonly billing: BillingService;
  readonly inbox: UpdateInbox;
  readonly drafts: DraftService;
  readonly alerts: AdminAlerts;
  readonly admin: AdminService;
  readonly protocols: ProtocolService | undefined;
}

export function createServices(deps: ServicesDeps): Services {
  const { config, logger, database, edge, senders, users } = deps;
  const plainBilling = createBillingService(database.db);
  const billing = deps.decorateBilling?.(plainBilling) ?? plainBilling;
  const inbox = createUpdateInbox({ db: database.db, instanceId: config.instanceId, now: deps.clock });
  const { kie, llm } = createClients(config, deps.clock);
  const drafts = createDraftService(database.db);
  const alerts = createAdminAlerts({
    db: database.db,
    adminIds: config.adminIds,
    logger,
    send: senders.sendAdminAlert,
  });
  const { generations, worker } = createGenerations({ ...deps, billing, alerts, kie });
  const admin = createAdminService({
    db: database.db,
    billing,
    users,
    kie,
    adminIds: config.adminIds,
    logger,
    refundStarPayment: senders.refundStarPayment,
  });
  const protocols = llm
    ? createProtocolService({
        db: database.db,
        billing,
        llm,
        alerts,
        logger,
        settings: config.protocol,
        errors: deps.metrics.errors,
        workerId: `${config.instanceId}/${randomUUID().slice(0, 8)}`,
        notifier: createTelegramProtocolNotifier({
          api: () => edge.bot.api,
          i18n: () => edge.i18n,
          billing,
          logger,
        }),
      })
    : undefined;
  return { billing, inbox, kie, llm, drafts, alerts, admin, generations, worker, protocols };
}

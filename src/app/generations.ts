import { createResultDelivery } from '../bot/features/generate/deliver-result.ts';
import { createInputPreparer } from '../bot/features/generate/prepare-input.ts';
import { createStatusNotifier } from '../bot/features/generate/status-notifier.ts';
import type { TelegramEdge } from '../bot/telegram-edge.ts';
import type { Catalog } from '../catalog/index.ts';
import type { KieClient } from '../clients/kie/index.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { KIE_CALLBACK_PATH } from '../server/kie-callback-handler.ts';
import type { AdminAlerts } from '../services/admin/admin-alerts.ts';
import type { BillingService } from '../services/billing/billing.service.ts';
import {
  callbackSafetyNetSchedule,
  createGenerationService,
  createGenerationWorker,
  type GenerationService,
  type GenerationWorker,
  pollSchedule,
} from '../services/generations/index.ts';
import type { UserService } from '../services/user.service.ts';

export interface GenerationsDeps {
  readonly config: Config;
  readonly token: string;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly edge: TelegramEdge;
  readonly catalog: Catalog;
  readonly users: UserService;
  readonly billing: BillingService;
  readonly alerts: AdminAlerts;
  readonly kie: KieClient | undefined;
}

/** Paid KIE generations and their worker; both undefined without a KIE key (unless DRY_RUN). */
export interface Generations {
  readonly generations: GenerationService | undefined;
  readonly worker: GenerationWorker | undefined;
}

/** The generation service with its Telegram side (input upload, result delivery, status message). */
export function createGenerations(deps: GenerationsDeps): Generations {
  const { config, token, logger, database, edge, catalog, users, billing, alerts, kie } = deps;
  const { bot, i18n } = edge;
  const gen = config.generations;
  const hookDeps = { api: bot.api, i18n, catalog, users, logger, defaultLanguage: config.defaultLanguage };
  const delivery = createResultDelivery(hookDeps);
  const notify = createStatusNotifier({ ...hookDeps, billing, alerts, intervalMs: gen.statusIntervalMs });
  // DRY_RUN runs the whole flow without KIE, so it needs no key.
  const generations =
    kie || gen.dryRun
      ? createGenerationService({
          db: database.db,
          billing,
          kie,
          dryRun: gen.dryRun,
          maxInFlightPerUser: gen.maxInFlightPerUser,
          timeoutMs: gen.timeoutMs,
          schedule: pollSchedule(gen.pollFirstMs),
          logger,
          // With callbacks, polls are only a safety net for a callback that never comes.
          ...(gen.publicUrl && {
            callbackUrl: (id: string) => `${gen.publicUrl}${KIE_CALLBACK_PATH}?generation=${id}`,
            schedule: callbackSafetyNetSchedule(gen.pollFirstMs),
          }),
          notifier: {
            ...(kie && {
              prepareInput: (g, signal) =>
                createInputPreparer({ api: bot.api, kie, apiRoot: config.telegramApiRoot, token })(g, signal),
            }),
            deliver: (g) => delivery(g),
            progress: (g, progress) => notify.progress(g, progress),
            refunded: (g) => notify.refunded(g),
          },
        })
      : undefined;
  const worker = generations
    ? createGenerationWorker({ service: generations, db: database.db, workerId: config.instanceId, logger })
    : undefined;
  return { generations, worker };
}

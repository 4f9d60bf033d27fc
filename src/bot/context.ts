import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { AdminAlerts } from '../services/admin/admin-alerts.ts';
import type { AdminService } from '../services/admin/index.ts';
import type { BillingService } from '../services/billing/billing.service.ts';
import type { DraftService } from '../services/drafts/draft.service.ts';
import type { GenerationService } from '../services/generations/index.ts';
import type { PaymentProvider } from '../services/payments/payment-provider.ts';
import type { TopUpPack } from '../services/payments/top-up-pack.ts';
import type { ProtocolService } from '../services/protocols/index.ts';
import type { UpdateClaim, UpdateInbox } from '../services/updates/update-inbox.ts';
import type { User, UserService } from '../services/user.service.ts';
import type { BotMetrics } from '../telemetry/metrics.ts';

/** What the bot needs from the outside world; main.ts and tests build it. */
export interface BotDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly users: UserService;
  /** The durable update inbox: claims before features run, completes or schedules a retry after. */
  readonly inbox: UpdateInbox;
  readonly metrics: BotMetrics;
  /** The credits ledger. */
  readonly billing: BillingService;
  /** Telegram Stars packs users can buy credits with (from the catalog). */
  readonly packs: readonly TopUpPack[];
  /** How packs are sold and paid for (Telegram Stars): invoices, verification, the ledger key. */
  readonly payments: PaymentProvider;
  /** Operator alerts (e.g. the KIE or LLM account is out of credits), one per incident. */
  readonly alerts: AdminAlerts;
  /** Generation models and Stars packs (catalog/catalog.json). */
  readonly catalog: Catalog;
  /** Paid KIE generations; undefined when KIE is not configured (and not DRY_RUN). */
  readonly generations: GenerationService | undefined;
  /** Generations being set up in the chat. */
  readonly drafts: DraftService;
  /** /admin (ADMIN_IDS only): totals, user lookup, ledgered adjustments, task re-checks. */
  readonly admin: AdminService;
  /** Protocols from long texts; undefined when no LLM is configured (LLM_API_KEY). */
  readonly protocols: ProtocolService | undefined;
}

/** A Stars top-up pack (a payments concept; re-exported for the bot's features). */
export type { TopUpPack };

/** Per-update facts the tracing middleware reads when the update ends. */
export interface UpdateState {
  /** The feature that handled the update (`bot.feature`). */
  feature?: string;
  /** Set when the update was a redelivery and was skipped. */
  duplicate?: boolean;
  /** The error.type of a failure the error handler dealt with. */
  errorCode?: string;
  /** This update's claim in the inbox (set by dedupe before any feature runs). */
  claim?: UpdateClaim;
  /**
   * Set by the error handler instead of telling the user: the handler failed on an infrastructure
   * error and the update will be handled again (its error.type).
   */
  retryLater?: string;
}

/** The context every middleware sees. */
export type BotContext = Context &
  I18nFlavor & {
    readonly deps: BotDeps;
    readonly state: UpdateState;
    /** The sender, loaded (and last_seen updated) before features run; absent for updates without one. */
    user: User | undefined;
  };

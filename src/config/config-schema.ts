import { z } from 'zod';
import { behaviourConfig } from './behaviour-config.ts';
import { dataConfig } from './data-config.ts';
import { generationsConfig } from './generations-config.ts';
import { kieBalanceConfig } from './kie-balance-config.ts';
import { kieConfig } from './kie-config.ts';
import { llmConfig } from './llm-config.ts';
import { pricingConfig } from './pricing-config.ts';
import { protocolConfig } from './protocol-config.ts';
import { serverConfig } from './server-config.ts';
import { starsConfig } from './stars-config.ts';
import { telegramConfig } from './telegram-config.ts';

/**
 * The whole configuration in its final shape; each leaf names its variable (fromEnv), so Config is this
 * schema's output and nothing else lists the keys. Areas follow .env.example's sections, in its order.
 */
export const configSchema = z
  .object({
    ...telegramConfig,
    ...serverConfig,
    ...dataConfig,
    ...behaviourConfig,
    ...kieConfig,
    ...generationsConfig,
    ...llmConfig,
    ...protocolConfig,
    ...pricingConfig,
    ...starsConfig,
    ...kieBalanceConfig,
  })
  .transform(({ nodeEnv, logFormat, webhook, ...config }) => ({
    ...config,
    /** Webhook mode's URL and secret; undefined in polling mode. */
    webhook:
      config.mode === 'webhook' && webhook.url && webhook.secret
        ? Object.freeze({ url: webhook.url, secret: webhook.secret })
        : undefined,
    /** LOG_FORMAT, else readable lines in development and JSON elsewhere. */
    logFormat: logFormat ?? (nodeEnv === 'development' ? ('pretty' as const) : ('json' as const)),
  }))
  .readonly();

/** Validated, immutable configuration (every object in it is frozen); an interface so messages name it. */
export interface Config extends z.output<typeof configSchema> {}
/** KIE client settings (see src/clients/kie). */
export type KieConfig = Config['kie'];
/** The generation flow's settings. */
export type GenerationsConfig = Config['generations'];
/** LLM client settings (see src/clients/llm). */
export type LlmConfig = Config['llm'];
/** The protocol flow's settings (see src/services/protocols). */
export type ProtocolConfig = Config['protocol'];
/** Inputs of the margin guard: every enabled option combination must sell at ≥ KIE cost × minMargin. */
export type PricingConfig = Config['pricing'];
/** Reconciliation of Stars payments against getStarTransactions, and the support contact. */
export type StarsConfig = Config['stars'];
/** The KIE balance check: a free GET /api/v1/chat/credit per instance per interval. */
export type KieBalanceConfig = Config['kieBalance'];

// The public entry of the configuration; the schema lives in src/config/, one file per .env.example section.
export { ConfigError } from './config/config-error.ts';
export type {
  Config,
  GenerationsConfig,
  KieBalanceConfig,
  KieConfig,
  LlmConfig,
  PricingConfig,
  ProtocolConfig,
  StarsConfig,
} from './config/config-schema.ts';
export { CATALOG_PATH_DEFAULT } from './config/data-config.ts';
export { KIE_BASE_URL_DEFAULT, KIE_UPLOAD_BASE_URL_DEFAULT } from './config/kie-config.ts';
export { LLM_BASE_URL_DEFAULT, LLM_MODEL_DEFAULT } from './config/llm-config.ts';
export { CONFIG_KEYS, parseConfig } from './config/parse-config.ts';
export { requireBotToken } from './config/require-bot-token.ts';
export { TELEGRAM_API_ROOT_DEFAULT } from './config/telegram-config.ts';

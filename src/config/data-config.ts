import { z } from 'zod';
import { text } from './env-rules.ts';
import { fromEnv } from './from-env.ts';

/** Catalog file (models, prices, Stars packs) used when CATALOG_PATH is not set. */
export const CATALOG_PATH_DEFAULT = './catalog/catalog.json';

/** Where the bot keeps and reads its data (.env.example "Data"). */
export const dataConfig = {
  /** PostgreSQL; unset: embedded PGlite under dataDir. */
  databaseUrl: fromEnv(
    'DATABASE_URL',
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  /** PGlite's folder when databaseUrl is unset (`:memory:` keeps nothing). @default './data' */
  dataDir: fromEnv('DATA_DIR', text('./data')),
  /** JSON file with the generation models and Stars packs (src/catalog). @default CATALOG_PATH_DEFAULT */
  catalogPath: fromEnv('CATALOG_PATH', text(CATALOG_PATH_DEFAULT)),
};

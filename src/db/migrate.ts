import { parseConfig } from '../config.ts';
import { createDatabase } from './database.ts';
import { migrateToLatest } from './migrator.ts';

// `npm run migrate`: the same migrations the bot applies at start-up, for operators who migrate first.
const config = parseConfig(process.env);
const handle = await createDatabase(
  config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir },
);
try {
  const applied = await migrateToLatest(handle.db, handle.schema);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await handle.destroy();
}

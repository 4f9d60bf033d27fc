import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@tg-genbot/sandbox';
import { createCaptureLogger } from '../../support/capture-logger.ts';
import { createTestDatabase } from '../../support/test-database.ts';

/** Where the browser tests' trace links point. */
export const TEST_GRAFANA_URL = 'http://grafana.test:3000';

/** A sandbox for the browser tests; `sandbox` is the running one (a new one after `restart()`). */
export interface WebSandbox {
  readonly sandbox: Sandbox;
  /**
   * Stops the sandbox and starts a new one on the same data dir, database and web chat port, as
   * stopping and starting `npm run sandbox` does: an open page reconnects to it. `whileStopped`
   * runs in between (e.g. to see the page notice it).
   */
  restart(whileStopped?: () => Promise<void>): Promise<Sandbox>;
  dispose(): Promise<void>;
}

/**
 * `npm run sandbox` in this process (so a test sees the fakes and the exported spans), on a
 * private test database (PGlite, or PostgreSQL with TEST_DATABASE_URL), with ephemeral ports
 * and KIE tasks ten times faster than in the sandbox.
 */
export async function startWebSandbox(env: Record<string, string> = {}): Promise<WebSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-genbot-web-'));
  const testDb = createTestDatabase();
  const database = await testDb.open({ migrate: false });
  const start = (telegramPort: number) =>
    startSandbox({
      env: {
        DATA_DIR: dataDir,
        SANDBOX_TELEGRAM_PORT: String(telegramPort),
        SANDBOX_HOST: '127.0.0.1',
        PORT: '0',
        HOST: '127.0.0.1',
        GRAFANA_URL: TEST_GRAFANA_URL,
        SHUTDOWN_TIMEOUT_MS: '3000',
        ...env,
      },
      logger: createCaptureLogger().logger,
      database,
      kieTimeScale: 0.1,
    });
  let sandbox = await start(0);
  return {
    get sandbox() {
      return sandbox;
    },
    async restart(whileStopped) {
      const port = sandbox.telegram.port;
      await sandbox.stop();
      await whileStopped?.();
      sandbox = await start(port);
      return sandbox;
    },
    async dispose() {
      await sandbox.stop();
      await testDb.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startBotProcess } from '../support/bot-process.ts';
import { freePort } from '../support/free-port.ts';

describe('npm run sandbox', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-genbot-sandbox-'));
  const running: Array<ReturnType<typeof startBotProcess>> = [];
  after(async () => {
    for (const p of running) await p.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start() {
    const env = {
      DATA_DIR: dataDir,
      OTEL_SDK_DISABLED: 'true',
      SANDBOX_TELEGRAM_PORT: String(await freePort()),
      PORT: String(await freePort()),
      SANDBOX_CHAT: '1',
    };
    const sandbox = startBotProcess(env, 'packages/sandbox/src/main.ts');
    running.push(sandbox);
    await sandbox.waitFor(/Sandbox ready/);
    return { sandbox, env };
  }

  it('chats from the terminal: commands, numbered buttons, edits; the language survives a restart', async () => {
    const { sandbox, env } = await start();
    const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
    assert.equal(health.status, 200);
    // The web chat is served by the Telegram fake, at the address printed.
    const webChat = `http://127.0.0.1:${env.SANDBOX_TELEGRAM_PORT}/`;
    assert.ok(sandbox.output().includes(`Web chat: ${webChat}`), sandbox.output());
    assert.match(await (await fetch(webChat)).text(), /<title>Sandbox web chat<\/title>/);
    const getMe = await fetch(
      `http://127.0.0.1:${env.SANDBOX_TELEGRAM_PORT}/bot1000000001:SANDBOX-local-token-not-a-secret-000000/getMe`,
    );
    assert.equal(((await getMe.json()) as { ok: boolean }).ok, true);

    // Buttons are numbered in order; the menu grows with the features, so numbers are read, not assumed.
    const buttonNumber = (label: RegExp): string => {
      const numbers = [...sandbox.output().matchAll(new RegExp(`\\[(\\d+)\\] ${label.source}`, 'g'))];
      assert.ok(numbers.length > 0, `no button ${label} in:\n${sandbox.output()}`);
      return numbers.at(-1)?.[1] as string;
    };
    sandbox.child.stdin?.write('/start\n');
    await sandbox.waitFor(
      /Hi, You! 👋[\s\S]*\[1\] 🎨 Generate[\s\S]*💰 Balance and top-up[\s\S]*❓ Help\s+\[\d+\] 🌐 Language/,
    );
    sandbox.child.stdin?.write(`:press ${buttonNumber(/🌐 Language/)}\n`);
    await sandbox.waitFor(/message \d+ edited\nChoose your language:[\s\S]*Русский/);
    sandbox.child.stdin?.write(`:press ${buttonNumber(/[^\n[]*Русский/)}\n`);
    await sandbox.waitFor(/Язык переключён на русский/);
    sandbox.child.stdin?.write(':quit\n');
    assert.equal(await sandbox.stop(), 0);

    const again = startBotProcess(
      { ...env, SANDBOX_TELEGRAM_PORT: String(await freePort()), PORT: String(await freePort()) },
      'packages/sandbox/src/main.ts',
    );
    running.push(again);
    await again.waitFor(/Sandbox ready/);
    again.child.stdin?.write('/start\n');
    await again.waitFor(/Привет, You!/);
    again.child.stdin?.write(':quit\n');
    assert.equal(await again.stop(), 0);
  });
});

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTelegramFake } from '@tg-genbot/fakes/telegram';
import { TEST_TOKEN } from '../support/bot-harness.ts';
import { type Instruction, packageOf, parseDockerfile, runtimeImports, type Stage } from './dockerfile.ts';
import { readText, repoPath } from './stack-files.ts';

const packageJson = JSON.parse(readText('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const stages = parseDockerfile(readText('Dockerfile'));
const runtime = stages.at(-1) as Stage;
const build = stages[0] as Stage;
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'COPY');

/** `COPY [--from=x] a b dest` → { from, sources, dest }. */
function copyParts(instruction: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mts|js|mjs)$/.test(file) && !/\.test\.[mc]?[tj]s$/.test(file))
    .map((file) => join(dir, file))
    .filter((file) => statSync(file).isFile());
}

/** Bare imports of the app's non-test sources, with the files that make them. */
function appImports(): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const file of sourceFiles(repoPath('src'))) {
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (!packageOf(specifier)) continue;
      imports.set(specifier, [...(imports.get(specifier) ?? []), file]);
    }
  }
  return imports;
}

describe('Dockerfile', () => {
  it('is multi-stage on a pinned Node 24 image, the same Node the project pins', () => {
    assert.ok(stages.length >= 2, 'expected a build and a runtime stage');
    const pinned = packageJson.devDependencies.node;
    for (const stage of stages) {
      const version = /^node:(\d+\.\d+\.\d+)(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$/.exec(stage.image)?.[1];
      assert.ok(version, `base image "${stage.image}" is not node:<major.minor.patch>`);
      assert.match(version, /^24\./, `${stage.image} is not Node 24`);
      assert.equal(version, pinned, `image Node ${version} differs from devDependency node ${pinned}`);
    }
  });

  it('typechecks with dev dependencies in the build stage', () => {
    assert.ok(
      runs(build).some((r) => /^npm ci\b/.test(r) && !r.includes('--omit=dev')),
      'build stage: npm ci',
    );
    assert.ok(
      runs(build).some((r) => /\bnpm run typecheck\b/.test(r)),
      'build stage: npm run typecheck',
    );
  });

  it('installs production dependencies only, runs as node, and starts like `npm start`', () => {
    assert.ok(
      runs(runtime).some((r) => /^npm ci\b.*--omit=dev/.test(r)),
      'runtime stage: npm ci --omit=dev',
    );
    const users = runtime.instructions.filter((i) => i.keyword === 'USER');
    assert.equal(users.at(-1)?.args, 'node', 'runtime stage must end as USER node');
    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1);
    assert.ok(cmd, 'no CMD');
    const argv = JSON.parse(cmd.args) as string[];
    assert.deepEqual(argv, ['node', '--import', './src/instrumentation.ts', 'src/main.ts']);
    assert.equal(argv.join(' '), packageJson.scripts.start);
  });

  it('copies sources that exist, from the context or from the build stage', () => {
    const stageNames = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      for (const instruction of copies(stage)) {
        const { from, sources } = copyParts(instruction);
        if (from) {
          assert.ok(stageNames.has(from), `line ${instruction.line}: unknown stage ${from}`);
          continue;
        }
        for (const source of sources)
          assert.ok(existsSync(repoPath(source)), `line ${instruction.line}: ${source} missing`);
      }
    }
    const runtimeSources = copies(runtime).flatMap((c) => copyParts(c).sources);
    for (const required of ['package.json', 'package-lock.json'])
      assert.ok(runtimeSources.includes(required), required);
    assert.ok(
      runtimeSources.some((s) => s.endsWith('src')),
      'runtime stage copies no src',
    );
  });

  it('keeps secrets, git and local state out of the build context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.env', '.git', 'node_modules', 'data'])
      assert.ok(ignored.includes(entry), `.dockerignore: ${entry}`);
  });

  it('lists every package the app imports at run time in dependencies, not devDependencies', () => {
    const missing: string[] = [];
    for (const [specifier, files] of appImports()) {
      const name = packageOf(specifier) as string;
      if (!packageJson.dependencies[name]) missing.push(`${name} (imported by ${files.join(', ')})`);
    }
    assert.deepEqual(missing, []);
  });

  it("never imports a fake or the sandbox from the bot's code", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(repoPath('src'))) {
      for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
        if (/^@tg-genbot\//.test(specifier) || /(^|\/)packages\//.test(specifier))
          offenders.push(`${file}: ${specifier}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('builds the sandbox as its own stage that runs like `npm run sandbox`, with the fakes', () => {
    const sandbox = stages.find((s) => s.name === 'sandbox');
    assert.ok(sandbox, 'no sandbox stage');
    assert.notEqual(sandbox, runtime, 'the default target must be the production image');
    const cmd = sandbox.instructions.filter((i) => i.keyword === 'CMD').at(-1);
    assert.equal((JSON.parse(cmd?.args ?? '[]') as string[]).join(' '), packageJson.scripts.sandbox);
    assert.ok(copies(sandbox).some((c) => copyParts(c).sources.some((s) => s.endsWith('packages'))));
  });

  it('finds imports the way the check above needs', () => {
    const source = [
      "import type { Pool } from 'pg';",
      "import { Bot, type Context } from 'grammy';",
      "import './side-effect.ts';",
      "export { x } from '@opentelemetry/api/build/x.js';",
      "const m = await import('winston');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(runtimeImports(source).map(packageOf).filter(Boolean).sort(), [
      '@opentelemetry/api',
      'grammy',
      'winston',
    ]);
  });

  it('installs from a clean copy with production dependencies only, and every imported package loads', {
    skip: process.env.SKIP_DOCKER_INSTALL_TEST === '1' ? 'SKIP_DOCKER_INSTALL_TEST=1' : false,
    timeout: 600_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-genbot-image-'));
    try {
      // What the runtime stage COPYs: package files from the context, src from the build stage.
      for (const instruction of copies(runtime)) {
        const { from, sources } = copyParts(instruction);
        for (const source of sources) {
          const local = from ? source.replace(/^\/app\//, '') : source;
          if (existsSync(repoPath(local))) cpSync(repoPath(local), join(dir, local), { recursive: true });
        }
      }
      // The production image's file list: the bot's sources and run-time data, no fake, no sandbox.
      const imageFiles = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
        statSync(join(dir, file)).isFile(),
      );
      assert.ok(imageFiles.includes(join('src', 'main.ts')), 'the image holds src/main.ts');
      assert.deepEqual(
        imageFiles.filter((file) => /(^|\/)(packages|fakes|sandbox)(\/|$)/.test(file)),
        [],
        'the production image holds a fake or the sandbox',
      );
      const install = spawnSync(
        'npm',
        [
          'ci',
          '--omit=dev',
          '--ignore-scripts',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
        ],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
      );
      const outOfSync = /in sync|Missing: .* from lock file/.test(install.stderr)
        ? 'package-lock.json does not satisfy package.json, so the image build (npm ci) fails the same way; ' +
          "regenerate the lockfile with npm install (it must list every platform's optional packages).\n"
        : '';
      assert.equal(
        install.status,
        0,
        `${outOfSync}npm ci --omit=dev failed:\n${install.stderr.slice(0, 2000)}`,
      );

      // Without the workspaces' manifests npm installs none of them, nor what only they need.
      for (const name of ['@tg-genbot/fakes', '@tg-genbot/sandbox', '@resvg/resvg-js'])
        assert.ok(!existsSync(join(dir, 'node_modules', name)), `${name} installed in the production image`);
      for (const name of Object.keys(packageJson.dependencies)) {
        assert.ok(
          existsSync(join(dir, 'node_modules', name, 'package.json')),
          `dependency ${name} not installed`,
        );
      }
      const lock = JSON.parse(readText('package-lock.json')) as {
        packages: Record<string, { dev?: boolean }>;
      };
      const devOnly = Object.keys(packageJson.devDependencies).filter(
        (name) => lock.packages[`node_modules/${name}`]?.dev,
      );
      assert.ok(devOnly.includes('node'), 'the `node` devDependency should be dev-only in the lockfile');
      for (const name of devOnly)
        assert.ok(!existsSync(join(dir, 'node_modules', name)), `devDependency ${name} installed`);

      // Load every package the app imports, from the installed copy, on this (Node 24) runtime.
      const specifiers = [...appImports().keys()];
      const probe = join(dir, 'probe-imports.mjs');
      writeFileSync(
        probe,
        `const failures = [];
for (const specifier of ${JSON.stringify(specifiers)}) {
  try { await import(specifier); } catch (error) { failures.push(specifier + ': ' + error.message); }
}
console.log(JSON.stringify(failures));
process.exit(0);
`,
      );
      const run = spawnSync(process.execPath, [probe], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]'), []);

      // The image's CMD, from the copy, against the Telegram fake: it must start (locales, catalog and
      // migrations are all there) and stop cleanly on SIGTERM, as `docker stop` sends.
      await startsAndStops(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function startsAndStops(dir: string): Promise<void> {
  const fake = createTelegramFake({ rateLimits: false, defaultToken: TEST_TOKEN });
  await fake.start();
  const child = spawn(process.execPath, ['--import', './src/instrumentation.ts', 'src/main.ts'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: join(dir, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
      OTEL_SDK_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('Bot started') && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(output, /Bot started/, `the image's command did not start:\n${output}`);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fake.stop();
  }
}

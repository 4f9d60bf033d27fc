import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import {
  type ComposeService,
  interpolateCompose,
  loadCompose,
  repoPath,
  serviceDependencies,
  serviceEnv,
  serviceVolumes,
} from './stack-files.ts';

/**
 * Services that cannot report health from inside their container, and why.
 * Every other service must have a healthcheck; adding one without either fails.
 */
const NO_HEALTHCHECK: Record<string, string> = {
  'otel-collector':
    'distroless image: no shell, no wget, no health CLI (health_check extension on :13133 only)',
};

/** Services that keep state, and so must mount a named volume (data survives down/up). */
const STATEFUL = ['postgres', 'tempo', 'loki', 'prometheus', 'grafana', 'sandbox'];

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = Object.entries(compose.services);

  it('is valid against the compose-spec JSON schema', () => {
    const schema = JSON.parse(readFileSync(repoPath('test/stack/fixtures/compose-spec.json'), 'utf8'));
    // The schema declares draft-07 by a URL ajv does not preload; its keywords are draft-07.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    assert.ok(valid, ajv.errorsText(validate.errors, { separator: '\n' }));
  });

  it('has the services of the stack', () => {
    const names = Object.keys(compose.services).sort();
    for (const required of [
      'bot',
      'sandbox',
      'postgres',
      'otel-collector',
      'tempo',
      'loki',
      'prometheus',
      'grafana',
    ]) {
      assert.ok(names.includes(required), `missing service ${required}`);
    }
  });

  it('pins every image to a version tag', () => {
    for (const [name, service] of services) {
      if (service.build) {
        assert.ok(
          service.image === undefined || !service.image.includes('/'),
          `${name}: built image named like a registry image`,
        );
        continue;
      }
      const image = service.image ?? '';
      const tag = /^[^@]+:([^:/@]+)(@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
      assert.ok(tag, `${name}: image "${image}" has no tag`);
      assert.notEqual(tag, 'latest', `${name}: image uses :latest`);
      assert.match(tag, /\d/, `${name}: tag "${tag}" names no version`);
      assert.doesNotMatch(image, /\$\{/, `${name}: image tag comes from a variable`);
    }
  });

  it('has a healthcheck on every service that can report health', () => {
    const without = services.filter(([, s]) => !s.healthcheck || s.healthcheck.disable).map(([name]) => name);
    assert.deepEqual(without.sort(), Object.keys(NO_HEALTHCHECK).sort());
    for (const [name, service] of services) {
      const test = service.healthcheck?.test;
      if (!test) continue;
      assert.ok(
        Array.isArray(test) ? ['CMD', 'CMD-SHELL'].includes(test[0] ?? '') : test.length > 0,
        `${name}: test`,
      );
    }
  });

  it('points depends_on at existing services, with a condition each target can meet', () => {
    for (const [name, service] of services) {
      for (const [target, condition] of Object.entries(serviceDependencies(service))) {
        const dependency = compose.services[target];
        assert.ok(dependency, `${name} depends on missing service ${target}`);
        if (condition === 'service_healthy')
          assert.ok(
            dependency.healthcheck,
            `${name} waits for ${target} to be healthy, which has no healthcheck`,
          );
        if (condition === 'service_completed_successfully')
          assert.equal(dependency.restart, 'no', `${target} must be a one-shot job`);
        assert.ok(
          !dependency.profiles || service.profiles,
          `${name} (always on) depends on ${target}, which needs a profile`,
        );
      }
    }
  });

  it('has no dependency cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      assert.ok(!visiting.has(name), `cycle: ${[...path, name].join(' -> ')}`);
      visiting.add(name);
      for (const target of Object.keys(serviceDependencies(compose.services[name] as ComposeService)))
        visit(target, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const [name] of services) visit(name, []);
  });

  it('bind-mounts config files that exist at the mounted path', () => {
    for (const [name, service] of services) {
      for (const volume of serviceVolumes(service)) {
        if (volume.type !== 'bind') continue;
        const source = volume.source ?? '';
        assert.ok(source.startsWith('./'), `${name}: bind mount ${source} is not inside the repository`);
        assert.ok(existsSync(repoPath(source)), `${name}: ${source} does not exist`);
        assert.ok(volume.read_only, `${name}: config mount ${source} should be read-only`);
        if (statSync(repoPath(source)).isFile())
          assert.ok(statSync(repoPath(source)).size > 0, `${name}: ${source} is empty`);
      }
    }
  });

  it('reads each --config file from a mounted path', () => {
    for (const [name, service] of services) {
      const args = Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
      const targets = serviceVolumes(service).map((v) => v.target);
      for (const arg of args) {
        const path = /^--?config(?:\.file)?=(\/.+)$/.exec(arg)?.[1];
        if (!path) continue;
        assert.ok(
          targets.some((t) => path === t || path.startsWith(`${t}/`)),
          `${name}: ${arg} is not under a mounted path (${targets.join(', ')})`,
        );
      }
    }
  });

  it('keeps state in declared named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = new Set<string>();
    for (const [name, service] of services) {
      for (const volume of serviceVolumes(service)) {
        if (volume.type !== 'volume') continue;
        assert.ok(declared.includes(volume.source ?? ''), `${name}: volume ${volume.source} is not declared`);
        used.add(volume.source ?? '');
      }
    }
    assert.deepEqual([...used].sort(), declared.sort(), 'declared volumes that no service uses');
    for (const name of STATEFUL) {
      const mounts = serviceVolumes(compose.services[name] as ComposeService);
      assert.ok(
        mounts.some((v) => v.type === 'volume'),
        `${name} keeps state but mounts no named volume`,
      );
    }
  });

  it('publishes no host port twice', () => {
    const seen = new Map<string, string>();
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        for (const hostPort of publishedPorts(port)) {
          const owner = seen.get(hostPort);
          assert.equal(owner, undefined, `${name} publishes ${hostPort}, already published by ${owner}`);
          seen.set(hostPort, name);
        }
      }
    }
    assert.ok(
      seen.size >= 8,
      `expected the stack's ports to be published, got ${[...seen.keys()].join(', ')}`,
    );
  });

  it('serves Grafana on localhost:3000 with anonymous viewer access', () => {
    const grafana = compose.services.grafana as ComposeService;
    assert.ok((grafana.ports ?? []).map(String).some((p) => interpolateCompose(p) === '127.0.0.1:3000:3000'));
    const env = serviceEnv(grafana);
    assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'true');
    assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
  });

  it('runs the real bot by default and the sandbox only in the sandbox profile', () => {
    const bot = compose.services.bot as ComposeService;
    const sandbox = compose.services.sandbox as ComposeService;
    assert.equal(bot.profiles, undefined, 'the real bot must start with a plain `docker compose up`');
    assert.deepEqual(sandbox.profiles, ['sandbox']);
    // The sandbox image is the Dockerfile's `sandbox` stage (the fakes are not in the production image).
    assert.equal(typeof sandbox.build === 'object' ? sandbox.build.target : undefined, 'sandbox');
    assert.notEqual(sandbox.image, bot.image);
    assert.equal(sandbox.command, undefined, 'the sandbox runs its stage CMD');
    assert.equal(bot.command, undefined, 'the bot runs the image CMD (src/main.ts)');
    const botEnv = serviceEnv(bot);
    assert.match(interpolateCompose(botEnv.DATABASE_URL ?? ''), /^postgres:\/\/[^@]+@postgres:5432\//);
    assert.equal(serviceDependencies(bot).postgres, 'service_healthy');
    // The sandbox needs no accounts: no .env, no DATABASE_URL (embedded PGlite under DATA_DIR).
    assert.equal(sandbox.env_file, undefined);
    assert.equal(serviceEnv(sandbox).DATABASE_URL, undefined);
    assert.ok(serviceEnv(sandbox).DATA_DIR);
  });

  it("sends the bot's telemetry to the collector as tg-genbot over OTLP/HTTP", () => {
    for (const name of ['bot', 'sandbox']) {
      const env = serviceEnv(compose.services[name] as ComposeService);
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318', name);
      assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf', name);
      assert.equal(env.OTEL_SERVICE_NAME, 'tg-genbot', name);
      assert.match(env.OTEL_RESOURCE_ATTRIBUTES ?? '', /deployment\.environment\.name=/, name);
      assert.ok(serviceDependencies(compose.services[name] as ComposeService)['otel-collector'], name);
    }
  });

  it('parses published ports in every compose form', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
    assert.deepEqual(publishedPorts('127.0.0.1:${P:-8080}:8080'), ['8080/tcp']);
    assert.deepEqual(publishedPorts('3000:3000/udp'), ['3000/udp']);
    assert.deepEqual(publishedPorts('9000-9001:9000-9001'), ['9000/tcp', '9001/tcp']);
    assert.deepEqual(publishedPorts('8080'), []);
    assert.deepEqual(publishedPorts({ target: 80, published: '8081' }), ['8081/tcp']);
  });
});

/** Host ports a `ports:` entry publishes, as `port/protocol`; none for container-only entries. */
function publishedPorts(
  entry: string | number | { target: number | string; published?: number | string; protocol?: string },
): string[] {
  if (typeof entry === 'number') return [];
  if (typeof entry === 'object') {
    return entry.published === undefined
      ? []
      : expandRange(String(entry.published)).map((p) => `${p}/${entry.protocol ?? 'tcp'}`);
  }
  const [mapping = '', protocol = 'tcp'] = interpolateCompose(entry).split('/');
  const parts = mapping.split(':');
  if (parts.length < 2) return [];
  const host = parts.length === 3 ? parts[1] : parts[0];
  return host ? expandRange(host).map((p) => `${p}/${protocol}`) : [];
}

function expandRange(ports: string): number[] {
  const [from = '', to = from] = ports.split('-');
  const out: number[] = [];
  for (let port = Number(from); port <= Number(to); port++) out.push(port);
  return out;
}

import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  appProjects,
  builtEntry,
  dockerEnv,
  dockerStages,
  ENTRYPOINT,
  entrypointCommands,
  exists,
  instructions,
  read,
  ROOT,
  runtimeStage,
  servedPaths,
  servedPort,
  unreadVariables,
  yamlFile,
} from './deployment-files';

/*
 * There is no container runtime on our machines: these tests check what the
 * Dockerfile, its entry script and docker-compose.yml ask for against what
 * the code serves and reads, so a renamed variable, port or path fails here
 * (docs/deployment.md).
 */

const commands = entrypointCommands();
const stages = dockerStages(read('Dockerfile'));
const runtime = runtimeStage();
const imageEnv = dockerEnv(runtime);

describe('the entry script', () => {
  it('starts each app from the file its build writes and its serve target runs', () => {
    const apps = appProjects();
    expect([...commands.keys()].sort()).toEqual(apps.map((a) => a.name).sort());
    for (const app of apps) {
      expect(commands.get(app.name)).toBe(builtEntry(app.name));
      expect(exists(`apps/${app.name}/src/main.ts`)).toBe(true);
      expect(app.buildCommand).toBe(`node infra/scripts/build-app.mjs ${app.name}`);
      if (app.serveCommand) expect(app.serveCommand).toBe(`node ${builtEntry(app.name)}`);
    }
  });

  it('starts the API the end-to-end tests start', () => {
    expect(read('test/support/api-process.ts')).toContain(`join(ROOT, '${commands.get('api')}')`);
  });
});

describe('the Dockerfile', () => {
  const [build] = stages;

  it('builds every app in a stage with the development dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions(build!, 'RUN')).toContain('npm ci --no-audit --no-fund');
    const loop = instructions(build!, 'RUN').find((r) => r.includes('infra/scripts/build-app.mjs'));
    const built = /for app in ([\w ]+);/.exec(loop ?? '')?.[1]?.split(' ');
    expect(built?.sort()).toEqual([...commands.keys()].sort());
  });

  it('runs production dependencies and the built apps only, as a user that is not root', () => {
    expect(instructions(runtime, 'RUN')).toContainEqual(expect.stringMatching(/^npm ci --omit=dev\b/));
    expect(instructions(runtime, 'COPY')).toContain(`--from=${build!.name} /app/dist dist`);
    const [user] = instructions(runtime, 'USER').slice(-1);
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('enters through the entry script, the API by default, on the port it exposes', () => {
    expect(instructions(runtime, 'ENTRYPOINT')).toEqual([`["/app/${ENTRYPOINT}"]`]);
    // Run directly, not through a shell: COPY keeps the mode it has in the checkout.
    expect(statSync(join(ROOT, ENTRYPOINT)).mode & 0o111).toBe(0o111);
    expect(instructions(runtime, 'COPY')).toContain(`${ENTRYPOINT} ${ENTRYPOINT}`);
    expect(instructions(runtime, 'CMD')).toEqual(['["api"]']);
    expect(instructions(runtime, 'EXPOSE')).toEqual([imageEnv['PORT']]);
    // A container must be reachable from outside itself.
    expect(imageEnv['HOST']).toBe('0.0.0.0');
    expect(unreadVariables(Object.keys(imageEnv))).toEqual([]);
  });

  it('sends every file it copies (the .dockerignore keeps none of them out)', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const copied = stages
      .flatMap((s) => instructions(s, 'COPY'))
      .filter((c) => !c.startsWith('--from='))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) {
      expect({ source, exists: exists(source) }).toEqual({ source, exists: true });
      expect({ source, ignoredBy: ignored.filter((p) => source === p || source.startsWith(`${p}/`)) }).toEqual({
        source,
        ignoredBy: [],
      });
    }
  });
});

interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  const { services } = yamlFile<{ services: Record<string, ComposeService> }>('docker-compose.yml');

  it('keeps PostgreSQL and Kafka usable alone, for the tests', () => {
    expect(services['postgres']?.depends_on).toBeUndefined();
    expect(services['kafka']?.depends_on).toBeUndefined();
  });

  it.each(['api', 'projector', 'relay'])(
    'runs %s from the Dockerfile after PostgreSQL and Kafka are healthy, probing what it serves',
    (name) => {
      const service = services[name]!;
      expect(service.build).toBe('.');
      expect(service.command).toEqual([name]);
      expect(commands.has(name)).toBe(true);
      expect(service.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
      });
      const env = service.environment ?? {};
      expect(unreadVariables(Object.keys(env))).toEqual([]);

      const probe = service.healthcheck?.test.join(' ') ?? '';
      const [, port, path] = /http:\/\/127\.0\.0\.1:(\d+)(\/[\w/]*)/.exec(probe) ?? [];
      expect(Number(port)).toBe(servedPort(name, env));
      expect(servedPaths(name)).toContain(path);

      // The addresses are the other services' own, on the compose network.
      expect(new URL(env['DATABASE_URL'] ?? '').hostname).toBe('postgres');
      const kafka = services['kafka']!.environment ?? {};
      expect(kafka['KAFKA_ADVERTISED_LISTENERS']?.split(',')).toContainEqual(
        expect.stringMatching(new RegExp(`://${env['KAFKA_BROKERS']}$`)),
      );
      expect(env['RUN_PROJECTIONS']).toBe('false');
      expect(env['KAFKA_RELAY']).toBe('off');
    },
  );
});

import { HEALTH_PATHS } from '@caretrail/health';
import {
  entrypointCommands,
  instructions,
  k8sObjects,
  runtimeStage,
  servedPaths,
  servedPort,
  unreadVariables,
  yamlFile,
  type K8sObject,
} from './deployment-files';

/*
 * No cluster here: these tests check what the manifests in infra/k8s ask for
 * against what the code serves and reads, so a renamed variable, port or
 * path fails here (docs/deployment.md).
 */

const commands = entrypointCommands();

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { limits?: { memory?: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}

describe('infra/k8s', () => {
  const objects = k8sObjects('infra/k8s');
  const of = (kind: string): K8sObject[] => objects.filter((o) => o.object.kind === kind).map((o) => o.object);
  const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata.name, c['data'] as Record<string, string>]));
  const deployments = new Map(
    of('Deployment').map((d) => [d.metadata.name, d as K8sObject & { spec: { template: { spec: PodSpec } } }]),
  );
  const kustomization = yamlFile<{ resources: string[]; images: { name: string }[] }>('infra/k8s/kustomization.yaml');

  it('lists every manifest in the kustomization, and each parses', () => {
    expect(new Set(kustomization.resources)).toEqual(new Set(objects.map((o) => o.file)));
    expect(objects.every((o) => o.object.apiVersion && o.object.metadata.name)).toBe(true);
  });

  it('has a Deployment for the api, the projector and the relay', () => {
    expect([...deployments.keys()].sort()).toEqual(['caretrail-api', 'caretrail-projector', 'caretrail-relay']);
  });

  it.each(['api', 'projector', 'relay'])('runs %s from the image, configured and probed on what it serves', (name) => {
    const pod = deployments.get(`caretrail-${name}`)!.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const uid = instructions(runtimeStage(), 'USER').slice(-1)[0]?.split(':')[0];
    expect(String(pod.securityContext?.runAsUser)).toBe(uid);
    const [container] = pod.containers;
    expect(kustomization.images.map((i) => i.name)).toContain(container!.image);
    expect(container!.args).toEqual([name]);
    expect(commands.has(name)).toBe(true);

    // Settings: a ConfigMap of this set, and Secret references; all read by the code.
    const env: Record<string, string> = {};
    for (const source of container!.envFrom ?? []) {
      const data = configMaps.get(source.configMapRef?.name ?? '');
      expect(data).toBeDefined();
      Object.assign(env, data);
    }
    for (const variable of container!.env ?? []) env[variable.name] = variable.value ?? `<${variable.name}>`;
    expect(unreadVariables(Object.keys(env))).toEqual([]);
    const secrets = (container!.env ?? []).filter((v) => v.valueFrom?.secretKeyRef).map((v) => v.name);
    expect(secrets).toContain('DATABASE_URL');
    expect(env['HOST']).toBe('0.0.0.0');

    // Probes: on a port the process listens on, at a path it answers.
    const ports = new Map((container!.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(new Set(ports.values())).toEqual(new Set([servedPort(name, env)]));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const check = container![probe];
      expect({ probe, defined: check !== undefined }).toEqual({ probe, defined: true });
      const port = check?.httpGet?.port ?? check?.tcpSocket?.port;
      expect(typeof port === 'number' ? port : ports.get(String(port))).toBe(servedPort(name, env));
      if (check?.httpGet) expect(servedPaths(name)).toContain(check.httpGet.path);
    }
    if (name !== 'api') {
      expect(container!.livenessProbe?.httpGet?.path).toBe(HEALTH_PATHS.live);
      expect(container!.readinessProbe?.httpGet?.path).toBe(HEALTH_PATHS.ready);
    }
  });

  it("bounds the projector's heap well inside its memory limit, as docker-compose.yml does", () => {
    const [container] = deployments.get('caretrail-projector')!.spec.template.spec.containers;
    const nodeOptions = container!.env?.find((v) => v.name === 'NODE_OPTIONS')?.value ?? '';
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    const limitMiB = Number(/^(\d+)Mi$/.exec(container!.resources?.limits?.memory ?? '')?.[1]);
    // The heap beside code, buffers and the young generation (docs/deployment.md, "Memory").
    expect(heapMiB).toBeGreaterThan(0);
    expect(heapMiB * 1.5).toBeLessThanOrEqual(limitMiB);
    const compose = yamlFile<{ services: Record<string, { environment?: Record<string, string> }> }>(
      'docker-compose.yml',
    );
    expect(compose.services['projector']?.environment?.['NODE_OPTIONS']).toBe(nodeOptions);
  });

  it('puts a Service in front of the API pods and its named port', () => {
    const [service] = of('Service') as (K8sObject & {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    })[];
    const api = deployments.get('caretrail-api')!.spec as unknown as {
      template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    };
    expect(api.template.metadata.labels).toMatchObject(service!.spec.selector);
    const named = api.template.spec.containers[0]!.ports!.map((p) => p.name);
    expect(named).toContain(service!.spec.ports[0]!.targetPort);
  });
});

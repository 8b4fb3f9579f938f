/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- rendered manifests are untyped YAML; the checks read their fields as they find them. */
/**
 * deploy/k8s rendered offline (kustomize built by scripts/ensure-servers.sh) and checked:
 * every object against the Kubernetes schemas, then the invariants a deployment of
 * Jobwire relies on. The services' own config modules say which settings exist.
 */
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { ConfigError, exitWithinMs } from '@jobwire/service-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { containerEnv, entries, exampleSecretsEnv, find, KUSTOMIZE, matches, preStopSeconds, renderOverlay, schemaProblem, workloads, type Container, type K8sObject } from './manifests.js';
import { SERVICE_CONFIGS as SERVICES } from './service-configs.js';

/** The example secrets with every placeholder replaced by a random value (the URL keeps its shape). */
async function filledSecrets(): Promise<string> {
  return (await exampleSecretsEnv()).replace(/CHANGE_ME[A-Za-z0-9-]*/g, () => randomBytes(24).toString('hex'));
}

function allContainers(workload: K8sObject): { container: Container; init: boolean }[] {
  const spec = workload.spec.template.spec;
  return [...(spec.initContainers ?? []).map((container: Container) => ({ container, init: true })), ...spec.containers.map((container: Container) => ({ container, init: false }))];
}

const rendered: Record<'dev' | 'prod', K8sObject[]> = { dev: [], prod: [] };

beforeAll(async () => {
  await access(KUSTOMIZE).catch(() => {
    throw new Error(`${KUSTOMIZE} is missing: scripts/ensure-servers.sh builds it`);
  });
  rendered.dev = await renderOverlay('dev');
  rendered.prod = await renderOverlay('prod', { secretsEnv: await filledSecrets() });
}, 60_000);

describe.each(['dev', 'prod'] as const)('deploy/k8s/%s', (overlay) => {
  const objects = () => rendered[overlay];

  it('renders every object valid against the Kubernetes schemas', async () => {
    expect(objects().length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const object of objects()) {
      const problem = await schemaProblem(object);
      if (problem !== undefined) problems.push(`${object.kind}/${object.metadata.name}: ${problem}`);
    }
    expect(problems).toEqual([]);
    const namespaces = new Set(objects().filter((object) => object.kind !== 'Namespace').map((object) => object.metadata.namespace));
    expect([...namespaces]).toEqual([overlay === 'dev' ? 'jobwire-dev' : 'jobwire']);
  });

  it('gives every container probes, requests and limits, a pinned image, a non-root user and a read-only root', () => {
    const problems: string[] = [];
    for (const workload of workloads(objects())) {
      const podSecurity = workload.spec.template.spec.securityContext ?? {};
      for (const { container, init } of allContainers(workload)) {
        const where = `${workload.kind}/${workload.metadata.name} ${container.name}`;
        if (!init && (container.readinessProbe === undefined || container.livenessProbe === undefined)) problems.push(`${where}: readiness and liveness probes`);
        for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) if (container.resources?.[kind]?.[resource] === undefined) problems.push(`${where}: ${kind}.${resource}`);
        const image: string = container.image;
        const tag = image.includes('@sha256:') ? 'digest' : image.split('/').pop()!.split(':')[1];
        if (tag === undefined || tag === 'latest' || !/^(digest|\d+\.\d+\.\d+[\w.-]*)$/.test(tag)) problems.push(`${where}: image ${image} is not pinned to a version`);
        const security = container.securityContext ?? {};
        if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot`);
        if ((security.runAsUser ?? podSecurity.runAsUser) === 0) problems.push(`${where}: runs as uid 0`);
        if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
        if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
        if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities not dropped`);
      }
      if (workload.spec.template.spec.automountServiceAccountToken !== false) problems.push(`${workload.metadata.name}: mounts a service account token`);
      const account = find(objects(), 'ServiceAccount', workload.spec.template.spec.serviceAccountName);
      if (account === undefined) problems.push(`${workload.metadata.name}: its ServiceAccount is not rendered`);
      else if ((account as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !== false) problems.push(`ServiceAccount/${account.metadata.name} mounts its token`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every Deployment an autoscaler and a disruption budget, every StatefulSet a budget', () => {
    const autoscalers = objects().filter((object) => object.kind === 'HorizontalPodAutoscaler');
    const budgets = objects().filter((object) => object.kind === 'PodDisruptionBudget');
    for (const workload of workloads(objects())) {
      const labels = workload.spec.template.metadata.labels;
      expect(budgets.filter((budget) => matches(budget.spec.selector.matchLabels, labels)), `${workload.metadata.name} PDB`).toHaveLength(1);
      if (workload.kind !== 'Deployment') continue;
      const hpa = autoscalers.find((object) => object.spec.scaleTargetRef.kind === 'Deployment' && object.spec.scaleTargetRef.name === workload.metadata.name);
      expect(hpa, `${workload.metadata.name} HPA`).toBeDefined();
      expect(hpa!.spec.metrics.map((metric: { resource?: { name: string } }) => metric.resource?.name)).toContain('cpu');
      if (overlay === 'prod') {
        expect(workload.spec.replicas, `${workload.metadata.name}: the HPA owns the count`).toBeUndefined();
        expect(hpa!.spec.minReplicas, `${workload.metadata.name} min replicas`).toBeGreaterThanOrEqual(2);
      } else {
        expect([workload.spec.replicas, hpa!.spec.minReplicas, hpa!.spec.maxReplicas]).toEqual([1, 1, 1]);
      }
    }
    // A budget must allow a node drain with one replica: minAvailable 1 on a single pod would not.
    for (const budget of budgets) {
      const workload = workloads(objects()).find((object) => matches(budget.spec.selector.matchLabels, object.spec.template.metadata.labels))!;
      const least = workload.kind === 'StatefulSet' ? workload.spec.replicas : (find(objects(), 'HorizontalPodAutoscaler', workload.metadata.name)?.spec.minReplicas ?? 1);
      if (budget.spec.minAvailable !== undefined) expect(budget.spec.minAvailable, `${budget.metadata.name} PDB`).toBeLessThan(least);
    }
  });

  it('selects a pod template with every Service and routes the Ingress only to the gateway', () => {
    const templates = workloads(objects()).map((workload) => ({ workload, labels: workload.spec.template.metadata.labels, ports: workload.spec.template.spec.containers.flatMap((container: Container) => container.ports ?? []) }));
    for (const service of objects().filter((object) => object.kind === 'Service')) {
      const target = templates.find((template) => matches(service.spec.selector, template.labels));
      expect(target, `Service/${service.metadata.name}`).toBeDefined();
      for (const port of service.spec.ports) {
        const named = target!.ports.some((p: { name?: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort);
        expect(named, `Service/${service.metadata.name} port ${port.name}`).toBe(true);
      }
    }
    const ingresses = objects().filter((object) => object.kind === 'Ingress');
    expect(ingresses).toHaveLength(1);
    const backends = ingresses[0]!.spec.rules.flatMap((rule: { http: { paths: { backend: { service: { name: string } } }[] } }) => rule.http.paths.map((path) => path.backend.service.name));
    expect(new Set(backends)).toEqual(new Set(['gateway']));
    if (overlay === 'prod') expect(ingresses[0]!.spec.tls).toBeDefined();
  });

  it('denies all ingress by default and lets in only the gateway port from outside the namespace', () => {
    const policies = objects().filter((object) => object.kind === 'NetworkPolicy');
    const denyAll = policies.find((policy) => Object.keys(policy.spec.podSelector ?? {}).length === 0 && policy.spec.policyTypes.includes('Ingress') && (policy.spec.ingress ?? []).length === 0);
    expect(denyAll).toBeDefined();
    for (const name of ['auth', 'users', 'jobs', 'executor']) {
      const labels = find(objects(), 'Deployment', name)!.spec.template.metadata.labels;
      const rules = policies.filter((policy) => matches(policy.spec.podSelector?.matchLabels, labels)).flatMap((policy) => policy.spec.ingress ?? []);
      // Nothing inbound but the probe/metrics port: the services take their work from NATS.
      const ports = new Set(rules.flatMap((rule: { ports?: { port: number | string }[] }) => (rule.ports ?? [{ port: 'any' }]).map((p) => String(p.port))));
      const probePort = String(find(objects(), 'Deployment', name)!.spec.template.spec.containers[0].ports[0].containerPort);
      expect([...ports], `${name} inbound ports`).toEqual(ports.size === 0 ? [] : [probePort]);
    }
  });

  it('annotates every Jobwire pod for Prometheus on a port it listens on', () => {
    for (const name of Object.keys(SERVICES)) {
      const template = find(objects(), 'Deployment', name)!.spec.template;
      const annotations = template.metadata.annotations ?? {};
      expect(annotations['prometheus.io/scrape'], name).toBe('true');
      expect(annotations['prometheus.io/path'], name).toBe('/metrics');
      const ports = template.spec.containers[0].ports.map((port: { containerPort: number }) => String(port.containerPort));
      expect(ports, name).toContain(annotations['prometheus.io/port']);
    }
  });

  it('finds every ConfigMap and Secret key a pod reads', () => {
    const problems: string[] = [];
    for (const workload of workloads(objects())) {
      const spec = workload.spec.template.spec;
      for (const { container } of allContainers(workload)) {
        try {
          containerEnv(objects(), container, `${workload.metadata.name}-0`);
        } catch (error) {
          problems.push(`${workload.metadata.name} ${container.name}: ${(error as Error).message}`);
        }
      }
      for (const volume of spec.volumes ?? []) {
        const source = volume.configMap ?? volume.secret;
        if (source === undefined) continue;
        const object = find(objects(), volume.configMap ? 'ConfigMap' : 'Secret', source.name ?? source.secretName);
        if (object === undefined) {
          problems.push(`${workload.metadata.name} volume ${volume.name}: ${source.name ?? source.secretName} is not rendered`);
          continue;
        }
        for (const item of source.items ?? []) if (entries(object)[item.key] === undefined) problems.push(`${workload.metadata.name} volume ${volume.name}: no key ${item.key}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("sets only variables of each service's config schema, and the values load", () => {
    for (const [name, service] of Object.entries(SERVICES)) {
      const container = find(objects(), 'Deployment', name)!.spec.template.spec.containers[0];
      const env = containerEnv(objects(), container, `${name}-7d9f8c6b5-x2x4q`);
      const unknown = Object.keys(env).filter((variable) => !service.variables.has(variable));
      expect(unknown, `${name}: variables no config schema reads`).toEqual([]);
      expect(() => service.load(env), name).not.toThrow();
    }
  });

  it('gives every pod a grace period longer than its preStop hook and its shutdown deadline', () => {
    for (const [name, service] of Object.entries(SERVICES)) {
      const pod = find(objects(), 'Deployment', name)!.spec.template.spec;
      const container = pod.containers[0];
      const deadlineMs = exitWithinMs(service.load(containerEnv(objects(), container, `${name}-0`)).deadlineMs);
      const needed = preStopSeconds(container) + deadlineMs / 1000;
      expect(pod.terminationGracePeriodSeconds, `${name}: preStop ${preStopSeconds(container)} s + exit within ${deadlineMs} ms`).toBeGreaterThanOrEqual(Math.ceil(needed));
      expect(preStopSeconds(container), `${name} preStop`).toBeGreaterThan(0);
    }
  });
});

describe('deploy/k8s/prod', () => {
  it('runs NATS as a 3-node JetStream cluster and MongoDB as a 3-member replica set, each on its own volumes', () => {
    const objects = rendered.prod;
    const nats = find(objects, 'StatefulSet', 'nats')!;
    const mongodb = find(objects, 'StatefulSet', 'mongodb')!;
    expect(nats.spec.replicas).toBe(3);
    expect(mongodb.spec.replicas).toBe(3);
    for (const set of [nats, mongodb]) expect(set.spec.volumeClaimTemplates).toHaveLength(1);
    const natsConf = Object.values(entries(objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('nats-config'))!)).join('\n');
    expect(natsConf).toMatch(/jetstream/);
    expect(natsConf.match(/nats:\/\/nats-\d\.nats-headless:6222/g)?.length).toBe(3);
    const rsInit = mongodb.spec.template.spec.containers.find((container: Container) => container.name === 'rs-init');
    expect(containerEnv(objects, rsInit, 'mongodb-0').MONGO_MEMBERS).toBe('3');
    const common = entries(objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('jobwire-common'))!);
    expect(common.JETSTREAM_REPLICAS).toBe('3');
    expect(common.NATS_URL?.split(',')).toHaveLength(3);
    expect(common.NODE_ENV).toBe('production');
  });

  it('does not render without prod/secrets.env', async () => {
    await expect(renderOverlay('prod')).rejects.toThrow(/secrets\.env/);
  });

  it('renders the committed example, but every service refuses to start on its placeholders', async () => {
    const objects = await renderOverlay('prod', { secretsEnv: await exampleSecretsEnv() });
    for (const [name, service] of Object.entries(SERVICES)) {
      const env = containerEnv(objects, find(objects, 'Deployment', name)!.spec.template.spec.containers[0], `${name}-0`);
      const placeholders = Object.entries(env).filter(([, value]) => value.includes('CHANGE_ME')).map(([variable]) => variable);
      if (placeholders.length === 0) continue;
      let refused: unknown;
      try {
        service.load(env);
      } catch (error) {
        refused = error;
      }
      expect(refused, name).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).problems.map((problem) => problem.variable).sort(), name).toEqual(placeholders.sort());
    }
  });
});

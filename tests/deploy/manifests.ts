/* eslint-disable @typescript-eslint/no-unsafe-argument -- rendered manifests are untyped YAML; the checks read their fields as they find them. */
/**
 * Renders deploy/k8s overlays with the kustomize that scripts/ensure-servers.sh builds,
 * and reads the rendered objects: pod templates, the environment a container gets, and
 * validation against the Kubernetes schemas (kubernetes-models).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@jobwire/devstack';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** A rendered object, loosely typed: the tests read what they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML
export type Container = any;

export const KUSTOMIZE = join(repoRoot(), '.tools', 'bin', 'kustomize');

/** Renders one overlay of a copy of deploy/k8s (so prod can get a secrets.env without touching the checkout). */
export async function renderOverlay(overlay: 'dev' | 'prod', options: { secretsEnv?: string } = {}): Promise<K8sObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'jobwire-k8s-'));
  try {
    await cp(join(repoRoot(), 'deploy', 'k8s'), dir, { recursive: true, filter: (source) => !source.endsWith('secrets.env') });
    if (options.secretsEnv !== undefined) await writeFile(join(dir, overlay, 'secrets.env'), options.secretsEnv);
    const { stdout } = await run(KUSTOMIZE, ['build', join(dir, overlay)], { maxBuffer: 32 * 1024 * 1024 });
    return parseAllDocuments(stdout).map((doc) => doc.toJS() as K8sObject).filter((object) => object !== null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The committed example of prod/secrets.env, with every placeholder left in. */
export function exampleSecretsEnv(): Promise<string> {
  return readFile(join(repoRoot(), 'deploy', 'k8s', 'prod', 'secrets.env.example'), 'utf8');
}

/** Validates an object against the schema of its apiVersion and kind; answers the problem or undefined. */
export async function schemaProblem(object: K8sObject): Promise<string | undefined> {
  const modulePath = `kubernetes-models/${object.apiVersion}`;
  let models: Record<string, unknown>;
  try {
    models = (await import(modulePath)) as Record<string, unknown>;
  } catch {
    return `no schema for ${object.apiVersion}`;
  }
  const Model = models[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (Model === undefined) return `no schema for ${object.apiVersion} ${object.kind}`;
  // kustomize wraps long base64 values over lines; the API server's decoder skips line
  // breaks, the schema's "byte" format does not.
  const data = object.kind === 'Secret' && object.data !== undefined ? { ...object, data: Object.fromEntries(Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s+/g, '')])) } : object;
  try {
    new Model(data).validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((object) => WORKLOAD_KINDS.has(object.kind));
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** Every key of a ConfigMap or Secret, decoded. */
export function entries(object: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object.data ?? {})) out[key] = object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  for (const [key, value] of Object.entries(object.stringData ?? {})) out[key] = value;
  return out;
}

/**
 * The environment a container starts with, as the kubelet builds it: envFrom sources
 * first, then env entries (values, ConfigMap/Secret keys; field references are named
 * with a stand-in of the pod's name).
 */
export function containerEnv(objects: K8sObject[], container: Container, podName: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const object = find(objects, source.configMapRef ? 'ConfigMap' : 'Secret', ref.name);
    if (object === undefined) throw new Error(`envFrom names ${ref.name}, which is not rendered`);
    Object.assign(env, entries(object));
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (variable.valueFrom?.fieldRef) env[variable.name] = podName;
    else {
      const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
      const object = find(objects, variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret', ref?.name);
      const value = object === undefined ? undefined : entries(object)[ref.key];
      if (value !== undefined) env[variable.name] = value;
      else if (ref?.optional !== true) throw new Error(`${variable.name} reads ${ref?.name}/${ref?.key}, which is not rendered`);
    }
  }
  return env;
}

/** Seconds a preStop `sleep N` hook waits (0 without one). */
export function preStopSeconds(container: Container): number {
  const command: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
  if (command.length === 0) return 0;
  if (command[0] !== 'sleep') throw new Error(`preStop of ${container.name} is not a sleep: ${command.join(' ')}`);
  return Number(command[1]);
}

export function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

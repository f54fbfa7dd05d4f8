/**
 * Test helpers for the workspace renderer: load a fixture case (devfile + optional agent config,
 * workspace identity and case options) through the real loaders, and validate rendered objects against
 * the Kubernetes OpenAPI schema with `kubernetes-models` (a devDependency: tests only).
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { Deployment as K8sDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy as K8sNetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap as K8sConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim as K8sPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { ResourceQuota as K8sResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Secret as K8sSecret } from 'kubernetes-models/v1/Secret';
import { Service as K8sService } from 'kubernetes-models/v1/Service';
import { ServiceAccount as K8sServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { defaultAgentConfig, parseAgentConfig, RemoteDevelopmentSettings } from '../../lib/agent-config';
import { Result } from '../../lib/common/diagnostics';
import { loadDevfile } from '../../lib/devfile';
import type { Devfile, DevfileMode } from '../../lib/devfile/model';
import { DEFAULT_WORKSPACE_IDENTITY, parseWorkspaceIdentity, WorkspaceIdentity } from '../../lib/workspace/identity';
import { GitLabVersion, parseGitLabVersion } from '../../lib/common/gitlab-version';
import type { RenderOptions } from '../../lib/workspace/context';
import type { KubernetesObject } from '../../lib/workspace/kubernetes';

export const FIXTURES = join(__dirname, 'fixtures');

export interface FixtureCase {
  readonly name: string;
  readonly dir: string;
  readonly devfile: Devfile;
  readonly agentConfig: RemoteDevelopmentSettings;
  readonly workspace: WorkspaceIdentity;
  /** `case.yaml`'s `gitlabVersion` and `renderOptions` (GitLab instance settings). */
  readonly options: RenderOptions;
  readonly expectedPath: string;
}

/** A fixture's `case.yaml`: loader options, the GitLab version (a string) and instance settings. */
interface CaseFile {
  readonly mode?: DevfileMode;
  readonly editorComponent?: string;
  readonly gitlabVersion?: string;
  readonly renderOptions?: Omit<RenderOptions, 'gitlabVersion' | 'sources'>;
}

export function fixtureCaseNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

function unwrap<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} did not load:\n${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n')}`);
  return result.value;
}

export function loadFixtureCase(name: string): FixtureCase {
  const dir = join(FIXTURES, name);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const caseFile: CaseFile = existsSync(join(dir, 'case.yaml')) ? (parse(read('case.yaml')) as CaseFile) : {};
  let gitlabVersion: GitLabVersion | undefined;
  if (caseFile.gitlabVersion !== undefined) {
    const v = parseGitLabVersion(String(caseFile.gitlabVersion));
    if (!v.ok) throw new Error(`${name}/case.yaml: ${v.message}`);
    gitlabVersion = v.value;
  }
  const loadOptions = {
    ...(caseFile.mode && { mode: caseFile.mode }),
    ...(caseFile.editorComponent && { editorComponent: caseFile.editorComponent }),
    ...(gitlabVersion && { gitlabVersion }),
  };
  const devfile = unwrap(loadDevfile(read('devfile.yaml'), { file: `${name}/devfile.yaml`, ...loadOptions }), `${name}/devfile.yaml`);
  const agentConfig = existsSync(join(dir, 'agent-config.yaml'))
    ? unwrap(parseAgentConfig(read('agent-config.yaml'), `${name}/agent-config.yaml`, { ...(gitlabVersion && { gitlabVersion }) }), `${name}/agent-config.yaml`)
    : defaultAgentConfig();
  const workspace = existsSync(join(dir, 'workspace.yaml'))
    ? unwrap(parseWorkspaceIdentity(read('workspace.yaml'), `${name}/workspace.yaml`), `${name}/workspace.yaml`)
    : DEFAULT_WORKSPACE_IDENTITY;
  const options: RenderOptions = { ...caseFile.renderOptions, ...(gitlabVersion && { gitlabVersion }) };
  return { name, dir, devfile, agentConfig, workspace, options, expectedPath: join(dir, 'expected.yaml') };
}

type Validatable = { validate(): void };
const MODELS: Record<string, new (data: never) => Validatable> = {
  ConfigMap: K8sConfigMap as never,
  Deployment: K8sDeployment as never,
  Service: K8sService as never,
  PersistentVolumeClaim: K8sPersistentVolumeClaim as never,
  ServiceAccount: K8sServiceAccount as never,
  NetworkPolicy: K8sNetworkPolicy as never,
  ResourceQuota: K8sResourceQuota as never,
  Secret: K8sSecret as never,
};

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Problems Kubernetes would refuse the object for: the OpenAPI schema (via kubernetes-models) plus the
 * name rules the schema does not carry (object names, container and port names, label values, unique
 * names and mount paths). Empty when the object is valid.
 */
export function kubernetesProblems(object: KubernetesObject): string[] {
  const problems: string[] = [];
  const where = `${object.kind}/${object.metadata.name}`;
  const Model = MODELS[object.kind];
  if (!Model) return [`${where}: no schema for kind ${object.kind}`];
  try {
    new Model(JSON.parse(JSON.stringify(object)) as never).validate();
  } catch (err) {
    problems.push(`${where}: schema: ${(err as Error).message}`);
  }
  const name = object.metadata.name;
  const nameOk = object.kind === 'Service' ? DNS1035_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!nameOk) problems.push(`${where}: invalid name`);
  if (!DNS1123_LABEL.test(object.metadata.namespace) || object.metadata.namespace.length > 63) problems.push(`${where}: invalid namespace`);
  for (const [k, v] of Object.entries(object.metadata.labels)) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${where}: label ${k} has invalid value '${v}'`);
  }
  if (object.kind === 'Deployment') {
    const spec = object.spec.template.spec;
    const all = [...spec.initContainers, ...spec.containers];
    const names = new Set<string>();
    for (const c of all) {
      if (!DNS1123_LABEL.test(c.name) || c.name.length > 63) problems.push(`${where}: container name '${c.name}' invalid`);
      if (names.has(c.name)) problems.push(`${where}: container name '${c.name}' used twice`);
      names.add(c.name);
      const portNames = new Set<string>();
      for (const p of c.ports ?? []) {
        if (p.name.length > 15 || !IANA_SVC_NAME.test(p.name)) problems.push(`${where}: port name '${p.name}' invalid`);
        if (portNames.has(p.name)) problems.push(`${where}: port name '${p.name}' used twice in ${c.name}`);
        portNames.add(p.name);
      }
      const paths = new Set<string>();
      for (const m of c.volumeMounts) {
        if (!spec.volumes.some((v) => v.name === m.name)) problems.push(`${where}: ${c.name} mounts unknown volume ${m.name}`);
        if (paths.has(m.mountPath)) problems.push(`${where}: ${c.name} mounts two volumes at ${m.mountPath}`);
        paths.add(m.mountPath);
      }
    }
    const volumeNames = spec.volumes.map((v) => v.name);
    if (new Set(volumeNames).size !== volumeNames.length) problems.push(`${where}: duplicate volume names`);
    const selector = object.spec.selector.matchLabels;
    for (const [k, v] of Object.entries(selector)) {
      if (object.spec.template.metadata.labels[k] !== v) problems.push(`${where}: selector label ${k} not on the pod template`);
    }
  }
  if (object.kind === 'Service') {
    const portNames = object.spec.ports.map((p) => p.name);
    if (new Set(portNames).size !== portNames.length) problems.push(`${where}: duplicate Service port names`);
    const ports = object.spec.ports.map((p) => p.port);
    if (new Set(ports).size !== ports.length) problems.push(`${where}: duplicate Service ports`);
  }
  return problems;
}

export function allKubernetesProblems(objects: readonly KubernetesObject[]): string[] {
  return objects.flatMap(kubernetesProblems);
}

/** The object of a kind (and name), failing the test when absent. */
export function find<K extends KubernetesObject['kind']>(objects: readonly KubernetesObject[], kind: K, name?: string): Extract<KubernetesObject, { kind: K }> {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` named ${name}` : ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found as Extract<KubernetesObject, { kind: K }>;
}

export function decodeSecret(data: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

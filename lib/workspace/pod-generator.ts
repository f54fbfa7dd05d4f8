/**
 * Step 5 of the renderer: the processed devfile becomes containers, init containers, volumes, PVCs and
 * Service ports exactly as GitLab's devfile parser (the Go devfile/library generators, called through
 * GitLab's devfile gem) builds them:
 *
 * - containers: container components in file order, minus those an apply command of `preStart` names
 *   (devfile/library also drops those of `postStop`, which a loaded devfile never has); init containers:
 *   one per apply command of `preStart`, named `<component>-<command id>` (cut to 55 characters)
 *   `-<position in preStart, from 1>`;
 * - env: the devfile's, then `PROJECTS_ROOT` and `PROJECT_SOURCE` = `/projects` (devfile mode: `sourceMapping`
 *   when set, and none with `mountSources: false`);
 * - resources from `cpu/memory` `Limit/Request` as canonical Kubernetes quantities (`1024Mi` -> `1Gi`),
 *   then, in devfile mode, the `resources` of a `container-overrides` attribute merged over them;
 * - ports: one per endpoint (`port-<n>` when the name is over 15 characters), TCP (devfile mode: UDP for `udp`);
 * - volumes: one per volume component, sorted by name: a PVC `<workspace>-<volume>` or, for
 *   `ephemeral: true`, an emptyDir; mounts in each container sorted by volume name;
 * - Service ports: the containers' ports, once per port number, except ports whose endpoints are all
 *   `exposure: none`.
 *
 * Pure. Returns diagnostics for what Kubernetes would refuse: a resource or size that is not a
 * quantity, two volumes at one mount path.
 */
import type { Diagnostic } from '../common/diagnostics';
import { GITLAB_MOUNT_PATHS } from '../devfile/rules/common';
import { commandsRunBy } from '../devfile/commands';
import type { Command, ContainerComponent, Devfile, DevfileMode, Endpoint, VolumeComponent } from '../devfile/model';
import {
  DEFAULT_VOLUME_SIZE,
  INIT_CONTAINER_NAME_MAX_PREFIX,
  PORT_NAME_MAX_LENGTH,
  WORKSPACE_DATA_VOLUME_NAME,
  WORKSPACE_DATA_VOLUME_PATH,
} from '../common/gitlab-contract';
import { compareStrings, RenderContext } from './context';
import type { Container, ContainerPort, ResourceRequirements, ServicePort, Volume, VolumeMount } from './kubernetes';
import { canonicalQuantity } from '../common/quantity';

export interface GeneratedPod {
  readonly containers: Container[];
  readonly initContainers: Container[];
  readonly volumes: Volume[];
  /** Non-ephemeral volume components, in volume order. */
  readonly claims: ReadonlyArray<{ readonly name: string; readonly storage: string }>;
  readonly servicePorts: ServicePort[];
  readonly diagnostics: Diagnostic[];
}

export function generatePod(devfile: Devfile, context: RenderContext): GeneratedPod {
  const diagnostics: Diagnostic[] = [];
  const containerComponents = devfile.components.filter((c): c is ContainerComponent => c.kind === 'container');
  const volumeComponents = devfile.components
    .filter((c): c is VolumeComponent => c.kind === 'volume')
    .sort((a, b) => compareStrings(a.name, b.name));
  const volumeNames = new Set(volumeComponents.map((v) => v.name));
  const componentIndex = (name: string) => devfile.components.findIndex((c) => c.name === name);

  const toContainer = (component: ContainerComponent, name: string): Container =>
    buildContainer(component, name, devfile.mode, volumeNames, (path, message) =>
      diagnostics.push(context.diagnostic('devfile', ['components', componentIndex(component.name), ...path], message, 'render/quantity')),
    );

  for (const component of containerComponents) {
    for (const problem of mountPathProblems(component, volumeNames)) {
      diagnostics.push(context.diagnostic('devfile', ['components', componentIndex(component.name), 'container', 'volumeMounts', ...problem.path], problem.message, 'render/mount-path'));
    }
  }

  // GitLab runs only preStart apply commands (as init containers): preStop and postStop are empty in a
  // loaded devfile (gitlab mode refuses entries, devfile mode drops them), so only preStart is expanded.
  const preStart = devfile.events.preStart.flatMap((id) => commandsRunBy(devfile, id));
  const appliedComponents = new Set(preStart.map(applyComponent).filter((c): c is string => !!c));

  const containers = containerComponents
    .filter((c) => !appliedComponents.has(c.name))
    .map((c) => toContainer(c, c.name));

  const initContainers: Container[] = [];
  preStart.forEach((command, i) => {
    const component = applyComponent(command);
    for (const c of containerComponents) {
      if (c.name !== component) continue;
      const prefix = `${c.name}-${command.id}`.slice(0, INIT_CONTAINER_NAME_MAX_PREFIX);
      const name = `${prefix}-${i + 1}`;
      // Containers and init containers share one name space in a pod.
      if (containers.some((other) => other.name === name)) {
        diagnostics.push(context.diagnostic('devfile', ['components', componentIndex(name)],
          `component '${name}' has the name of the init container that preStart command '${command.id}' runs component '${c.name}' in (<component>-<command id>-<position>); rename the component or the command`,
          'render/init-container-name'));
      }
      initContainers.push(toContainer(c, name));
    }
  });

  const volumes: Volume[] = volumeComponents.map((v) =>
    v.volume.ephemeral
      ? { name: v.name, emptyDir: {} }
      : { name: v.name, persistentVolumeClaim: { claimName: context.pvcName(v.name) } },
  );
  const claims = volumeComponents
    .filter((v) => !v.volume.ephemeral)
    .map((v) => {
      // An empty size is no size (devfile/library), as for container resources.
      const size = v.volume.size || DEFAULT_VOLUME_SIZE;
      const storage = canonicalQuantity(size);
      if (storage === undefined) {
        diagnostics.push(context.diagnostic('devfile', ['components', componentIndex(v.name), 'volume', 'size'], `volume '${v.name}' has size '${size}', which is not a Kubernetes quantity (e.g. 1Gi, 500Mi)`, 'render/quantity'));
      }
      return { name: v.name, storage: storage ?? size };
    });

  return {
    containers,
    initContainers,
    volumes,
    claims,
    servicePorts: servicePorts(containers, containerComponents),
    // A component two preStart commands apply is built twice; report its problems once.
    diagnostics: diagnostics.filter((d, i) => diagnostics.findIndex((e) => e.path === d.path && e.message === d.message) === i),
  };
}

/**
 * A safety net for hand-built models (the loader rule `devfile/mount-path` checks devfiles): two volumes at
 * one path make Kubernetes refuse the pod. Checks the devfile's own mounts (the data
 * volume mount GitLab adds comes last in the processed component) against each other and GitLab's paths.
 */
function mountPathProblems(component: ContainerComponent, volumeNames: ReadonlySet<string>): Array<{ path: Array<string | number>; message: string }> {
  const mounts = component.container.volumeMounts;
  const own = mounts.filter((m) => m.name !== WORKSPACE_DATA_VOLUME_NAME);
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const seen = new Map<string, string>();
  own.forEach((m, j) => {
    if (!volumeNames.has(m.name)) return;
    const path = m.path || `/${m.name}`;
    const at = m.path ? [j, 'path'] : [j];
    const reserved = GITLAB_MOUNT_PATHS.get(path);
    if (reserved && (path !== WORKSPACE_DATA_VOLUME_PATH || mounts.length > own.length)) {
      problems.push({ path: at, message: `volume '${m.name}' is mounted at ${path}, where GitLab mounts ${reserved}; choose another path` });
    } else if (seen.has(path)) {
      problems.push({ path: at, message: `volume '${m.name}' is mounted at ${path}, where volume '${seen.get(path)}' is mounted already; each path takes one volume` });
    }
    seen.set(path, m.name);
  });
  return problems;
}

function applyComponent(command: Command): string | undefined {
  return command.kind === 'apply' ? command.apply.component : undefined;
}

function buildContainer(
  component: ContainerComponent,
  name: string,
  mode: DevfileMode,
  volumeNames: ReadonlySet<string>,
  report: (path: string[], message: string) => void,
): Container {
  const c = component.container;
  const env = c.env.map((e) => ({ name: e.name, value: e.value }));
  // Reference section 2: in GitLab's rules every container gets `/projects` (where GitLab mounts the
  // workspace data, whatever `sourceMapping` says). Devfile mode follows devfile/library: `sourceMapping`
  // names the root, and a container kept off the data volume (`mountSources: false`, except the editor's
  // and the tools injector, which need it) gets neither.
  const mountsData = c.volumeMounts.some((m) => m.name === WORKSPACE_DATA_VOLUME_NAME);
  if (mode === 'gitlab' || mountsData) {
    const root = (mode === 'devfile' && c.sourceMapping) || WORKSPACE_DATA_VOLUME_PATH;
    env.push({ name: 'PROJECTS_ROOT', value: root }, { name: 'PROJECT_SOURCE', value: root });
  }
  const ports = containerPorts(c.endpoints, mode);
  const volumeMounts: VolumeMount[] = c.volumeMounts
    .filter((m) => volumeNames.has(m.name))
    .map((m) => ({ name: m.name, mountPath: m.path || `/${m.name}` }))
    .sort((a, b) => compareStrings(a.name, b.name));
  return {
    name,
    image: c.image,
    ...(c.command !== undefined && { command: [...c.command] }),
    ...(c.args !== undefined && { args: [...c.args] }),
    env,
    ...(ports.length > 0 && { ports }),
    resources: resources(component, report),
    volumeMounts,
    imagePullPolicy: 'Always',
  };
}

function resources(component: ContainerComponent, report: (path: string[], message: string) => void): ResourceRequirements {
  const c = component.container;
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  const put = (target: Record<string, string>, key: string, value: string | undefined, path: string[]) => {
    if (value === undefined || value === '') return;
    const canonical = canonicalQuantity(String(value));
    if (canonical === undefined) {
      report(path, `container '${component.name}' has ${path[path.length - 1]} '${value}', which is not a Kubernetes quantity (e.g. 500m, 1Gi)`);
      target[key] = String(value);
    } else {
      target[key] = canonical;
    }
  };
  put(limits, 'cpu', c.cpuLimit, ['container', 'cpuLimit']);
  put(limits, 'memory', c.memoryLimit, ['container', 'memoryLimit']);
  put(requests, 'cpu', c.cpuRequest, ['container', 'cpuRequest']);
  put(requests, 'memory', c.memoryRequest, ['container', 'memoryRequest']);
  // Devfile mode: `container-overrides: {resources: ...}` is a strategic merge patch of the container.
  const overrides = component.resourceOverrides;
  for (const [target, section] of [[limits, 'limits'], [requests, 'requests']] as const) {
    for (const [key, value] of Object.entries(overrides?.[section] ?? {})) {
      put(target, key, value, ['attributes', 'container-overrides', 'resources', section, key]);
    }
  }
  return {
    ...(Object.keys(limits).length > 0 && { limits: sortKeys(limits) }),
    ...(Object.keys(requests).length > 0 && { requests: sortKeys(requests) }),
  };
}

function sortKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * devfile/library's port naming. Devfile mode also renames a digits-only endpoint name (valid in a
 * devfile, refused by Kubernetes as a port name) to `port-<n>`; gitlab mode keeps GitLab's output.
 */
function containerPorts(endpoints: readonly Endpoint[], mode: DevfileMode): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const names = new Set<string>();
  for (const e of endpoints) {
    const unusable = e.name.length > PORT_NAME_MAX_LENGTH || (mode === 'devfile' && !/[a-z]/.test(e.name));
    const name = unusable ? `port-${e.targetPort}` : e.name;
    if (names.has(name)) continue;
    names.add(name);
    // Reference section 2: `protocol: TCP` in GitLab's rules; devfile mode keeps devfile/library's UDP for `udp`.
    ports.push({ name, containerPort: e.targetPort, protocol: mode === 'devfile' && e.protocol === 'udp' ? 'UDP' : 'TCP' });
  }
  return ports;
}

type Exposure = 'public' | 'internal' | 'none';

/** The highest exposure any endpoint gives a port (public > internal > none), over all container components. */
function portExposure(components: readonly ContainerComponent[]): ReadonlyMap<number, Exposure> {
  const rank: Record<Exposure, number> = { none: 0, internal: 1, public: 2 };
  const map = new Map<number, Exposure>();
  for (const c of components) {
    for (const e of c.container.endpoints) {
      const exposure: Exposure = e.exposure ?? 'public';
      const current = map.get(e.targetPort);
      if (current === undefined || rank[exposure] > rank[current]) map.set(e.targetPort, exposure);
    }
  }
  return map;
}

function servicePorts(containers: readonly Container[], components: readonly ContainerComponent[]): ServicePort[] {
  const exposure = portExposure(components);
  const seen = new Set<number>();
  const out: ServicePort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (seen.has(p.containerPort)) continue;
      seen.add(p.containerPort);
      if (exposure.get(p.containerPort) === 'none') continue;
      out.push({ name: p.name, port: p.containerPort, targetPort: p.containerPort });
    }
  }
  return out;
}

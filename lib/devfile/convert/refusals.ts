/**
 * What `convert` refuses: the parts of a devfile that GitLab cannot run and that no edit can turn into
 * something GitLab runs without guessing what the author meant. Each refusal names the element and says
 * what to do instead. Runs before any edit, on the text as written.
 */
import { WORKSPACE_DATA_VOLUME_PATH } from '../../common/gitlab-contract';
import { GITLAB_ENDPOINTS } from '../rules/common';
import { asArray, asObject, asString, componentKind, has, isObject, isSupportedComponentKind, isTruthy, withArticle } from '../raw';
import { ConvertStep, StepContext } from './context';


/** The container-overrides resources convert folds into the container, and the container field each becomes. */
export const FOLDED_RESOURCES: ReadonlyArray<{ readonly section: 'limits' | 'requests'; readonly resource: string; readonly field: string }> = [
  { section: 'limits', resource: 'cpu', field: 'cpuLimit' },
  { section: 'limits', resource: 'memory', field: 'memoryLimit' },
  { section: 'requests', resource: 'cpu', field: 'cpuRequest' },
  { section: 'requests', resource: 'memory', field: 'memoryRequest' },
];

const POD_OVERRIDES_ADVICE = 'set what the workspace pod needs in the agent config (remote_development settings) and remove the attribute';

const refuseRoot: ConvertStep = (ctx) => {
  if (has(ctx.devfile, 'parent')) {
    ctx.refuse(['parent'], 'parent',
      '"parent" cannot be converted: the parent devfile is not fetched here, and GitLab does not merge parents; ' +
        'copy the components and commands you need from the parent into this file, remove "parent", and convert again');
  }
  if (isTruthy(asObject(ctx.devfile.attributes)['pod-overrides'])) {
    ctx.refuse(['attributes', 'pod-overrides'], 'pod-overrides',
      `the devfile attribute pod-overrides cannot be converted: GitLab builds the workspace pod itself and applies no overrides; ${POD_OVERRIDES_ADVICE}`);
  }
};

const KIND_ADVICE: Record<string, string> = {
  kubernetes: 'apply these Kubernetes objects from CI or your cluster\'s own manifests instead',
  openshift: 'apply these OpenShift objects from CI or your cluster\'s own manifests instead',
  image: 'build the image in CI and name it in a container component instead',
};

const refuseComponents: ConvertStep = (ctx) => {
  asArray(ctx.devfile.components).forEach((raw, i) => {
    const c = asObject(raw);
    const name = asString(c.name) ?? `components[${i}]`;
    const kind = componentKind(c);
    if (kind && !isSupportedComponentKind(kind)) {
      ctx.refuse(['components', i, kind], 'component-type',
        `component "${name}" is ${withArticle(kind)} component, which a GitLab workspace cannot run (only container and volume components): ` +
          `${KIND_ADVICE[kind]}, then remove the component and the commands that apply it`);
    }
    const attributes = asObject(c.attributes);
    if (isTruthy(attributes['pod-overrides'])) {
      ctx.refuse(['components', i, 'attributes', 'pod-overrides'], 'pod-overrides',
        `component "${name}" has a pod-overrides attribute, which GitLab does not apply and which has no container equivalent: ${POD_OVERRIDES_ADVICE}`);
    }
    refuseContainerOverrides(ctx, i, name, attributes['container-overrides']);
    const container = c.container;
    if (!isObject(container)) return;
    if (isTruthy(container.dedicatedPod)) {
      ctx.refuse(['components', i, 'container', 'dedicatedPod'], 'dedicated-pod',
        `component "${name}" sets dedicatedPod, but GitLab runs every container of a workspace in one pod (sharing its network and ports): ` +
          'remove dedicatedPod if the container can share the pod, or run it outside the workspace');
    }
    asArray(container.endpoints).forEach((e, j) => {
      const port = asObject(e).targetPort;
      const what = GITLAB_ENDPOINTS.find((g) => g.port === port)?.what;
      if (what) {
        ctx.refuse(['components', i, 'container', 'endpoints', j, 'targetPort'], 'gitlab-port',
          `endpoint "${String(asObject(e).name)}" of component "${name}" uses port ${String(port)}, where GitLab runs ${what} in the same pod: ` +
            'make the application listen on another port and change targetPort to it');
      }
    });
    if (container.mountSources === false) {
      asArray(container.volumeMounts).forEach((m, j) => {
        const mount = asObject(m);
        const path = asString(mount.path) || `/${String(mount.name)}`;
        if (path !== WORKSPACE_DATA_VOLUME_PATH) return;
        ctx.refuse(['components', i, 'container', 'volumeMounts', j], 'mount-path',
          `component "${name}" keeps the project off its container (mountSources: false) and mounts the volume "${String(mount.name)}" at ${path} instead, ` +
            `but GitLab mounts the project at ${path} in every container: mount the volume at another path`);
      });
    }
  });
};

function refuseContainerOverrides(ctx: StepContext, i: number, name: string, overrides: unknown): void {
  if (!isTruthy(overrides)) return;
  const at = ['components', i, 'attributes', 'container-overrides'];
  const fold = FOLDED_RESOURCES.map((r) => `resources.${r.section}.${r.resource}`).join(', ');
  if (!isObject(overrides)) {
    ctx.refuse(at, 'container-overrides', `the container-overrides attribute of component "${name}" is not a mapping; only ${fold} can be folded into the container: remove it`);
    return;
  }
  for (const key of Object.keys(overrides)) {
    if (key === 'resources') continue;
    ctx.refuse([...at, key], 'container-overrides',
      `the container-overrides attribute of component "${name}" sets "${key}", which GitLab does not apply; only ${fold} can be folded into the container: remove "${key}"`);
  }
  const resources = overrides.resources;
  if (resources === undefined || resources === null) return;
  if (!isObject(resources)) {
    ctx.refuse([...at, 'resources'], 'container-overrides', `"resources" of the container-overrides of component "${name}" is not a mapping; use ${fold}`);
    return;
  }
  for (const [section, values] of Object.entries(resources)) {
    if (section !== 'limits' && section !== 'requests') {
      ctx.refuse([...at, 'resources', section], 'container-overrides',
        `the container-overrides of component "${name}" set resources.${section}; a GitLab workspace container takes only limits and requests of cpu and memory: remove it`);
      continue;
    }
    for (const [resource, value] of Object.entries(asObject(values))) {
      const known = FOLDED_RESOURCES.some((r) => r.section === section && r.resource === resource);
      if (!known) {
        ctx.refuse([...at, 'resources', section, resource], 'container-overrides',
          `the container-overrides of component "${name}" set resources.${section}."${resource}"; a GitLab workspace container takes only cpu and memory ` +
            '(cpuLimit, memoryLimit, cpuRequest, memoryRequest): remove it (special hardware is scheduled through the agent config and the cluster)');
      } else if (typeof value !== 'string' && typeof value !== 'number') {
        ctx.refuse([...at, 'resources', section, resource], 'container-overrides',
          `resources.${section}.${resource} of the container-overrides of component "${name}" must be a quantity such as 500m or 2Gi`);
      }
    }
  }
}

/** The refusals, in reporting order. */
export const REFUSALS: readonly ConvertStep[] = [refuseRoot, refuseComponents];

/** The devfile root keys convert removes; problems inside them need no fixing. */
export const REMOVED_ROOT_KEYS = ['projects', 'starterProjects', 'dependentProjects'] as const;

/**
 * What a workspace pod asks the scheduler for (pure): the requests the scheduler and the Cluster
 * Autoscaler count for a pod, computed from a pod GitLab would render. Kubernetes counts a pod's
 * effective request of a resource as the larger of the sum over its app containers and the largest of
 * its init containers (init containers run one at a time, before the app containers), plus the
 * RuntimeClass's pod overhead (https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-overhead/).
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { Quantity, formatQuantity, parseQuantity } from '../common/quantity';
import { DEFAULT_GITLAB_VERSION, GitLabVersion } from '../common/gitlab-version';
import { loadDevfile } from '../devfile/load';
import type { Container, Deployment, PodSpec } from './kubernetes';
import { DEFAULT_WORKSPACE_IDENTITY } from './identity';
import { renderWorkspace } from './render';

/** CPU and memory requests as canonical Kubernetes quantities; absent: none requested. */
export interface PodRequests {
  readonly cpu?: string;
  readonly memory?: string;
}

/**
 * The smallest workspace GitLab runs: a devfile with one container that sets no resources of its own
 * (the shape of GitLab's default devfile), so the agent's `default_resources_per_workspace_container`
 * apply to it. GitLab adds the tools injector init container (100m CPU / 256Mi requested).
 */
export const DEFAULT_SIZED_DEVFILE = [
  'schemaVersion: 2.2.0',
  'components:',
  '  - name: development-environment',
  '    attributes:',
  '      gl/inject-editor: true',
  '    container:',
  '      image: registry.gitlab.com/gitlab-org/gitlab-build-images/workspaces/ubuntu-24.04:latest',
  '',
].join('\n');

type Resource = 'cpu' | 'memory';

function requested(c: Container, resource: Resource): bigint {
  const text = c.resources.requests?.[resource];
  const q = text === undefined ? undefined : parseQuantity(text);
  return q ? q.nano : 0n;
}

function format(nano: bigint, resource: Resource): string | undefined {
  if (nano === 0n) return undefined;
  const q: Quantity = { nano, format: resource === 'memory' ? 'BinarySI' : 'DecimalSI' };
  return formatQuantity(q);
}

/**
 * The requests the scheduler counts for a pod: per resource, max(sum of app containers, largest init
 * container) plus `overhead` (a RuntimeClass's `overhead.podFixed`).
 */
export function podSchedulingRequests(spec: Pick<PodSpec, 'containers' | 'initContainers'>, overhead: PodRequests = {}): PodRequests {
  const one = (resource: Resource): string | undefined => {
    const apps = spec.containers.reduce((sum, c) => sum + requested(c, resource), 0n);
    const inits = (spec.initContainers ?? []).reduce((max, c) => (requested(c, resource) > max ? requested(c, resource) : max), 0n);
    const extra = overhead[resource] === undefined ? 0n : (parseQuantity(overhead[resource]!)?.nano ?? 0n);
    return format((apps > inits ? apps : inits) + extra, resource);
  };
  const cpu = one('cpu');
  const memory = one('memory');
  return { ...(cpu !== undefined && { cpu }), ...(memory !== undefined && { memory }) };
}

/**
 * The scheduling requests of a default-sized workspace (DEFAULT_SIZED_DEVFILE) as GitLab `gitlabVersion`
 * renders it with these agent settings, plus the RuntimeClass overhead. Throws when the settings cannot
 * render a workspace (check them with resolveAgentConfig first).
 */
export function defaultWorkspaceRequests(agentConfig: RemoteDevelopmentSettings, options: { gitlabVersion?: GitLabVersion; overhead?: PodRequests } = {}): PodRequests {
  const gitlabVersion = options.gitlabVersion ?? DEFAULT_GITLAB_VERSION;
  const devfile = loadDevfile(DEFAULT_SIZED_DEVFILE, { file: '<default-sized devfile>', gitlabVersion });
  if (!devfile.ok) throw new Error('defaultWorkspaceRequests: the default-sized devfile does not load');
  const objects = renderWorkspace({ devfile: devfile.value, agentConfig, workspace: DEFAULT_WORKSPACE_IDENTITY, options: { gitlabVersion } });
  const deployment = objects.find((o): o is Deployment => o.kind === 'Deployment');
  if (!deployment) throw new Error('defaultWorkspaceRequests: the rendered workspace has no Deployment');
  return podSchedulingRequests(deployment.spec.template.spec, options.overhead);
}

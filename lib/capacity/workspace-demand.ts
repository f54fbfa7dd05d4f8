/**
 * What one default-sized workspace asks of a node, worked out by rendering GitLab's default devfile (the one
 * GitLab uses for a project without a devfile: one container `development-environment` with
 * `gl/inject-editor`, no resources of its own) with the agent's settings through this project's renderer,
 * then counting its pod as the scheduler does: the larger of its biggest init container and the sum of its
 * containers, per resource; and its PersistentVolumeClaims. Pure. The stack computes the same from the
 * settings alone (./default-workspace.ts); a test holds the two together.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import type { GitLabVersion } from '../common/gitlab-version';
import { loadDevfile } from '../devfile/load';
import { DEFAULT_WORKSPACE_IDENTITY, renderWorkspaceResult } from '../workspace';
import type { Container, Deployment, KubernetesObject, PersistentVolumeClaim } from '../workspace/kubernetes';
import type { WorkspaceDemand } from './capacity';
import { cpuMillicores as cpuMilli, memoryMebibytes as memoryMiB } from './default-workspace';

/** GitLab's default devfile (GitLab 18.x, `default_devfile.yaml`), as a project without a devfile gets it. */
export const GITLAB_DEFAULT_DEVFILE = `schemaVersion: 2.2.0
components:
  - name: development-environment
    attributes:
      gl/inject-editor: true
    container:
      image: registry.gitlab.com/gitlab-org/gitlab-build-images/workspaces/ubuntu-24.04:20250109224147-golang-1.23-node-23.6-yarn-1.22-ruby-3.3.7-python-3.13-git-2.47.1-bash
`;

/** The scheduler's view of a pod's requests: max(largest init container, sum of containers), per resource. */
export function podRequests(containers: readonly Container[], initContainers: readonly Container[] = []): { cpuMilli: number; memoryMiB: number } {
  const req = (c: Container) => (c.resources?.requests ?? {}) as Record<string, string | undefined>;
  const sumCpu = containers.reduce((a, c) => a + cpuMilli(req(c).cpu), 0);
  const sumMemory = containers.reduce((a, c) => a + memoryMiB(req(c).memory), 0);
  const initCpu = Math.max(0, ...initContainers.map((c) => cpuMilli(req(c).cpu)));
  const initMemory = Math.max(0, ...initContainers.map((c) => memoryMiB(req(c).memory)));
  return { cpuMilli: Math.max(sumCpu, initCpu), memoryMiB: Math.max(sumMemory, initMemory) };
}

/** The demand of a rendered workspace (its Deployment's pod, its PersistentVolumeClaims). */
export function renderedWorkspaceDemand(objects: readonly KubernetesObject[], source: string): WorkspaceDemand {
  const deployment = objects.find((o): o is Deployment => o.kind === 'Deployment');
  if (!deployment) throw new Error('the rendered workspace has no Deployment');
  const pod = deployment.spec.template.spec;
  const claims = objects.filter((o): o is PersistentVolumeClaim => o.kind === 'PersistentVolumeClaim');
  const dataClaim = claims.find((c) => c.metadata.name.endsWith('-gl-workspace-data')) ?? claims[0];
  const size = dataClaim?.spec.resources?.requests?.storage;
  const sizeGiB = size ? Math.ceil(memoryMiB(size) / 1024) : 0;
  return { ...podRequests(pod.containers, pod.initContainers ?? []), volumes: claims.length, volumeGiB: sizeGiB, source };
}

/**
 * The demand of a default-sized workspace: GitLab's default devfile rendered with the agent's settings
 * (`default_resources_per_workspace_container` fills in the container's requests).
 */
export function defaultWorkspaceDemand(settings: RemoteDevelopmentSettings, gitlabVersion?: GitLabVersion): WorkspaceDemand {
  const devfile = loadDevfile(GITLAB_DEFAULT_DEVFILE, { file: '<GitLab default devfile>', ...(gitlabVersion && { gitlabVersion }) });
  if (!devfile.ok) throw new Error(`GitLab's default devfile does not load: ${devfile.diagnostics.map((d) => d.message).join('; ')}`);
  const rendered = renderWorkspaceResult({ devfile: devfile.value, agentConfig: settings, workspace: DEFAULT_WORKSPACE_IDENTITY, ...(gitlabVersion && { options: { gitlabVersion } }) });
  if (!rendered.ok) throw new Error(`GitLab's default devfile does not render: ${rendered.diagnostics.map((d) => d.message).join('; ')}`);
  return renderedWorkspaceDemand(rendered.value, 'GitLab\'s default devfile rendered by lib/workspace with the agent\'s default_resources_per_workspace_container');
}

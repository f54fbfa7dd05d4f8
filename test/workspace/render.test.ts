/**
 * The properties of the rendered objects that matter, feature by feature (reference section 2), on the
 * fixture cases and on hand-built devfile models for what the loader does not let through.
 */
import { spawnSync } from 'child_process';
import { defaultAgentConfig, maxResourcesSha256 } from '../../lib/agent-config';
import type { RemoteDevelopmentSettings } from '../../lib/agent-config/types';
import { DiagnosticsError } from '../../lib/common/diagnostics';
import { loadDevfile } from '../../lib/devfile';
import type { ContainerComponent, Devfile } from '../../lib/devfile/model';
import {
  DEFAULT_WORKSPACE_IDENTITY,
  parseWorkspaceIdentity,
  resolveWorkspaceIdentity,
  WorkspaceIdentity,
  workspaceObjectNames,
} from '../../lib/workspace/identity';
import type { Container, KubernetesObject } from '../../lib/workspace/kubernetes';
import { renderProcessedDevfileResult, renderWorkspace, renderWorkspaceResult } from '../../lib/workspace/render';
import { parseAllDocuments } from 'yaml';
import { toJsonArray, toYamlStream } from '../../lib/workspace/serialize';
import { allKubernetesProblems, decodeSecret, find, loadFixtureCase } from './helpers';

const WS = 'workspace-7-42-abc123';

function renderCase(name: string): KubernetesObject[] {
  const c = loadFixtureCase(name);
  return renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace, options: c.options });
}

function devfileOf(yaml: string, mode: 'gitlab' | 'devfile' = 'gitlab'): Devfile {
  const loaded = loadDevfile(yaml, { file: 'devfile.yaml', mode });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.value;
}

const MINIMAL = `schemaVersion: 2.2.0
components:
  - name: tooling-container
    attributes: {gl/inject-editor: true}
    container: {image: alpine:3.20}
`;

function render(devfile: Devfile, agentConfig: RemoteDevelopmentSettings = defaultAgentConfig(), workspace: WorkspaceIdentity = DEFAULT_WORKSPACE_IDENTITY) {
  return renderWorkspace({ devfile, agentConfig, workspace });
}

/** GitLab's desired-config stage alone, on a devfile taken as already processed. */
function renderProcessedDevfile(processedDevfile: Devfile): KubernetesObject[] {
  const r = renderProcessedDevfileResult({ processedDevfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
  if (!r.ok) throw new DiagnosticsError(r.diagnostics);
  return r.value;
}

const pod = (objects: KubernetesObject[]) => find(objects, 'Deployment').spec.template.spec;
const container = (objects: KubernetesObject[], name: string): Container => {
  const c = [...pod(objects).containers, ...pod(objects).initContainers].find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
};

describe('object set, order and names', () => {
  it('emits the reference table in order, with GitLab names', () => {
    const objects = renderCase('max-resources-quota');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `ConfigMap/${WS}-workspace-inventory`,
      `Deployment/${WS}`,
      `Service/${WS}`,
      `PersistentVolumeClaim/${WS}-gl-workspace-data`,
      `ServiceAccount/${WS}`,
      `NetworkPolicy/${WS}`,
      `ConfigMap/${WS}-scripts-configmap`,
      `ConfigMap/${WS}-secrets-inventory`,
      `ResourceQuota/${WS}`,
      `Secret/${WS}-env-var`,
      `Secret/${WS}-file`,
    ]);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['gl-rd-ns-7-42-abc123']));
  });

  it('never emits a Namespace or an Ingress', () => {
    const kinds = renderCase('project-poststart').map((o) => o.kind as string);
    expect(kinds).not.toContain('Namespace');
    expect(kinds).not.toContain('Ingress');
  });

  it('refuses a workspace name that would make an invalid label value, as an error, not an object', () => {
    const name = `workspace-${'7'.repeat(40)}`;
    const result = renderWorkspaceResult({ devfile: devfileOf(MINIMAL), agentConfig: defaultAgentConfig(), workspace: { ...DEFAULT_WORKSPACE_IDENTITY, name } });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', path: 'name', rule: 'workspace/name-too-long', message: expect.stringContaining('at most 43') }),
    ]);
    expect(() => render(devfileOf(MINIMAL), defaultAgentConfig(), { ...DEFAULT_WORKSPACE_IDENTITY, name })).toThrow(DiagnosticsError);
  });

  it('accepts the longest allowed name (43 characters) and stays within Kubernetes limits', () => {
    const name = `w${'x'.repeat(42)}`;
    const objects = render(devfileOf(MINIMAL), defaultAgentConfig(), { ...DEFAULT_WORKSPACE_IDENTITY, name });
    expect(allKubernetesProblems(objects)).toEqual([]);
  });

  it('refuses a name that is not a Service name and a namespace that is not a namespace name', () => {
    const result = renderWorkspaceResult({
      devfile: devfileOf(MINIMAL),
      agentConfig: defaultAgentConfig(),
      workspace: { ...DEFAULT_WORKSPACE_IDENTITY, name: '7-starts-with-digit', namespace: 'Bad_NS' },
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.path)).toEqual(['name', 'namespace']);
  });

  it.each([
    ['not a Service name', { name: '7-starts-with-digit' }],
    ['too long', { name: `workspace-${'7'.repeat(40)}` }],
    ['a bad namespace', { namespace: 'Bad_NS' }],
  ])('checks a name built in code (%s) with the identity checker\'s rule id and message', (_, fields) => {
    const rendered = renderWorkspaceResult({ devfile: devfileOf(MINIMAL), agentConfig: defaultAgentConfig(), workspace: { ...DEFAULT_WORKSPACE_IDENTITY, ...fields } });
    const checked = resolveWorkspaceIdentity(fields);
    const essence = (d: { rule: string; path: string; message: string }) => ({ rule: d.rule, path: d.path, message: d.message });
    expect(rendered.ok).toBe(false);
    expect(checked.ok).toBe(false);
    expect(rendered.diagnostics.map(essence)).toEqual(checked.diagnostics.map(essence));
  });

  it('points a name problem at its line in the workspace file given as a source', () => {
    const parsed = parseWorkspaceIdentity('id: 9\n\nname: workspace-7-42-abc123\n', 'ws.yaml');
    if (!parsed.ok) throw new Error('identity did not parse');
    const result = renderWorkspaceResult({
      devfile: devfileOf(MINIMAL),
      agentConfig: defaultAgentConfig(),
      workspace: { ...parsed.value, name: `w${'x'.repeat(50)}` },
      options: { sources: { workspace: parsed.source } },
    });
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: 'ws.yaml', line: 3, column: 7, path: 'name', rule: 'workspace/name-too-long' })]);
  });

  it('names every object from workspaceObjectNames', () => {
    const objects = renderCase('volume-components');
    const names = workspaceObjectNames(WS);
    const named = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    expect(named('Deployment')).toEqual([names.deployment]);
    expect(named('Service')).toEqual([names.service]);
    expect(named('ServiceAccount')).toEqual([names.serviceAccount]);
    expect(named('ConfigMap')).toEqual(expect.arrayContaining([names.workspaceInventory, names.secretsInventory]));
    expect(named('Secret')).toEqual([names.envSecret, names.fileSecret]);
    expect(named('PersistentVolumeClaim')).toContain(names.dataVolumeClaim);
    expect(pod(objects).serviceAccountName).toBe(names.serviceAccount);
  });
});

describe('labels and annotations', () => {
  const objects = renderCase('network-policy-off-egress-pull-secrets');

  it('puts the agent labels and the agent id on every object; inventories add their inventory-id', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ team: 'platform', 'agent.gitlab.com/id': '7' });
      expect(o.metadata.labels['workspaces.gitlab.com/id']).toBeUndefined();
    }
    expect(find(objects, 'ConfigMap', `${WS}-workspace-inventory`).metadata.labels['cli-utils.sigs.k8s.io/inventory-id']).toBe(`${WS}-workspace-inventory`);
    expect(find(objects, 'ConfigMap', `${WS}-secrets-inventory`).metadata.labels['cli-utils.sigs.k8s.io/inventory-id']).toBe(`${WS}-secrets-inventory`);
  });

  it('puts the agent annotations, host template, workspace id and max-resources digest on every object', () => {
    const agent = loadFixtureCase('network-policy-off-egress-pull-secrets').agentConfig;
    for (const o of objects) {
      expect(o.metadata.annotations).toMatchObject({
        'example.org/owner': 'platform-team',
        'workspaces.gitlab.com/host-template': `{{.port}}-${WS}.ws.example.org`,
        'workspaces.gitlab.com/id': '1234',
        'workspaces.gitlab.com/max-resources-per-workspace-sha256': maxResourcesSha256(agent),
      });
    }
  });

  it('names the owning inventory on every non-inventory object: Secrets in the secrets inventory', () => {
    for (const o of objects) {
      const owner = o.metadata.annotations['config.k8s.io/owning-inventory'];
      if (o.metadata.name.endsWith('-inventory')) expect(owner).toBeUndefined();
      else if (o.kind === 'Secret') expect(owner).toBe(`${WS}-secrets-inventory`);
      else expect(owner).toBe(`${WS}-workspace-inventory`);
    }
  });

  it('marks what agentk applies in partial reconciliations: not the Secrets, their inventory or the ResourceQuota', () => {
    const partial = (o: KubernetesObject) => o.metadata.annotations['workspaces.gitlab.com/include-in-partial-reconciliation'];
    const all = renderCase('max-resources-quota');
    for (const o of all) {
      const excluded = o.kind === 'Secret' || o.kind === 'ResourceQuota' || o.metadata.name.endsWith('-secrets-inventory');
      expect({ object: `${o.kind}/${o.metadata.name}`, partial: partial(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, partial: excluded ? undefined : 'true' });
    }
    expect(find(all, 'Deployment').spec.template.metadata.annotations['workspaces.gitlab.com/include-in-partial-reconciliation']).toBe('true');
  });

  it('gives the pod template the same labels and annotations; selectors use the labels', () => {
    const d = find(objects, 'Deployment');
    expect(d.spec.template.metadata.labels).toEqual(d.metadata.labels);
    expect(d.spec.template.metadata.annotations).toEqual(d.metadata.annotations);
    expect(d.spec.selector.matchLabels).toEqual(d.metadata.labels);
    expect(find(objects, 'Service').spec.selector).toEqual(d.metadata.labels);
  });
});

describe('shared namespace', () => {
  const objects = renderCase('shared-namespace');

  it('puts every object in the shared namespace with the workspace id label', () => {
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('team-workspaces');
      expect(o.metadata.labels['workspaces.gitlab.com/id']).toBe('77');
    }
  });

  it('selects one workspace in the Deployment, Service and NetworkPolicy', () => {
    expect(find(objects, 'Deployment').spec.selector.matchLabels['workspaces.gitlab.com/id']).toBe('77');
    expect(find(objects, 'Service').spec.selector['workspaces.gitlab.com/id']).toBe('77');
    expect(find(objects, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: { 'workspaces.gitlab.com/id': '77' } });
  });

  it('emits no ResourceQuota even with max resources (a shared namespace has many workspaces)', () => {
    const c = loadFixtureCase('shared-namespace');
    const agentConfig = { ...c.agentConfig, maxResourcesPerWorkspace: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } };
    expect(render(c.devfile, agentConfig, c.workspace).map((o) => o.kind)).not.toContain('ResourceQuota');
  });

  it('has an unselecting podSelector in its own namespace', () => {
    expect(find(renderCase('basic'), 'NetworkPolicy').spec.podSelector).toEqual({});
  });
});

describe('Deployment', () => {
  it('runs one replica when Running, none when Stopped, with the Recreate strategy', () => {
    expect(find(renderCase('basic'), 'Deployment').spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(find(renderCase('stopped'), 'Deployment').spec.replicas).toBe(0);
  });

  it('keeps the volume and Secrets of a stopped workspace', () => {
    const kinds = renderCase('stopped').map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['PersistentVolumeClaim', 'Secret']));
  });

  it('sends only the two inventories for a terminated workspace, so agentk prunes the rest', () => {
    expect(renderCase('terminated').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/workspace-7-42-zz9zz9-workspace-inventory',
      'ConfigMap/workspace-7-42-zz9zz9-secrets-inventory',
    ]);
  });

  it('sets the pod and container security contexts, service account, no runtime class by default', () => {
    const objects = renderCase('basic');
    const spec = pod(objects);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 5001, fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(spec.serviceAccountName).toBe(WS);
    expect(spec.runtimeClassName).toBeUndefined();
    expect(spec.hostUsers).toBeUndefined();
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, runAsUser: 5001 });
      expect(c.imagePullPolicy).toBe('Always');
      expect(c.envFrom).toEqual([{ secretRef: { name: `${WS}-env-var` } }]);
    }
  });

  it('sets the runtime class and lets privilege escalation through (Sysbox)', () => {
    const spec = pod(renderCase('runtime-class'));
    expect(spec.runtimeClassName).toBe('sysbox-runc');
    expect(spec.containers[0].securityContext?.allowPrivilegeEscalation).toBe(true);
  });

  it('turns user namespaces on with hostUsers: false (the fixed GitLab behaviour)', () => {
    const spec = pod(renderCase('user-namespaces'));
    expect(spec.hostUsers).toBe(false);
    expect(spec.initContainers[0].securityContext?.allowPrivilegeEscalation).toBe(true);
  });

  it('writes hostUsers: true before GitLab 18.6, as GitLab did', () => {
    const c = loadFixtureCase('user-namespaces');
    const at = (gitlabVersion: '18.5' | '18.6') => pod(renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace, options: { gitlabVersion } })).hostUsers;
    expect([at('18.5'), at('18.6')]).toEqual([true, false]);
    expect(pod(renderCase('gitlab-18-2')).hostUsers).toBe(true);
  });

  it('fills in default resources where the devfile is silent; the devfile wins; quantities are canonical', () => {
    const objects = renderCase('max-resources-quota');
    expect(container(objects, 'tooling-container').resources).toEqual({
      limits: { memory: '2Gi', cpu: '1' },
      requests: { cpu: '500m', memory: '512Mi' },
    });
    expect(container(objects, 'cache').resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '0.5', memory: '512Mi' } });
    expect(find(objects, 'ResourceQuota').spec.hard).toEqual({ 'limits.cpu': '2', 'limits.memory': '4Gi', 'requests.cpu': '1', 'requests.memory': '1Gi' });
  });

  it('mounts the data volume and the file variables in every container, the scripts in containers only', () => {
    const objects = renderCase('basic');
    const spec = pod(objects);
    expect(spec.volumes).toEqual([
      { name: 'gl-workspace-data', persistentVolumeClaim: { claimName: `${WS}-gl-workspace-data` } },
      { name: 'gl-workspace-variables', projected: { defaultMode: 0o774, sources: [{ secret: { name: `${WS}-file` } }] } },
      {
        name: 'gl-workspace-scripts',
        projected: { defaultMode: 0o555, sources: [{ configMap: { name: `${WS}-scripts-configmap`, items: expect.any(Array) } }] },
      },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'gl-workspace-data', mountPath: '/projects' },
      { name: 'gl-workspace-variables', mountPath: '/.workspace-data/variables/file' },
      { name: 'gl-workspace-scripts', mountPath: '/workspace-scripts' },
    ]);
    expect(spec.initContainers[0].volumeMounts.map((m) => m.name)).toEqual(['gl-workspace-data', 'gl-workspace-variables']);
  });

  it('turns devfile volume components into volumes sorted by name: PVCs, or emptyDir when ephemeral', () => {
    const objects = renderCase('volume-components');
    expect(pod(objects).volumes.slice(0, 4)).toEqual([
      { name: 'a-logs', persistentVolumeClaim: { claimName: `${WS}-a-logs` } },
      { name: 'build-tmp', emptyDir: {} },
      { name: 'gl-workspace-data', persistentVolumeClaim: { claimName: `${WS}-gl-workspace-data` } },
      { name: 'm2-cache', persistentVolumeClaim: { claimName: `${WS}-m2-cache` } },
    ]);
    expect(container(objects, 'tooling-container').volumeMounts.slice(0, 3)).toEqual([
      { name: 'build-tmp', mountPath: '/build-tmp' },
      { name: 'gl-workspace-data', mountPath: '/projects' },
      { name: 'm2-cache', mountPath: '/home/user/.m2' },
    ]);
    const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => [c.metadata.name, c.kind === 'PersistentVolumeClaim' && c.spec.resources.requests.storage])).toEqual([
      [`${WS}-a-logs`, '2Gi'],
      [`${WS}-gl-workspace-data`, '50Gi'],
      [`${WS}-m2-cache`, '1Gi'],
    ]);
  });

  it('refuses a devfile volume mounted where GitLab mounts its own, or two volumes at one path', () => {
    const text = `schemaVersion: 2.2.0
components:
  - name: tooling-container
    attributes: {gl/inject-editor: true}
    container:
      image: alpine
      volumeMounts:
        - {name: data, path: /projects}
        - {name: cache, path: /cache}
        - {name: more, path: /cache}
  - {name: data, volume: {size: 1Gi}}
  - {name: cache, volume: {size: 1Gi}}
  - {name: more, volume: {size: 1Gi}}
`;
    // The loader refuses it (so validate and render agree) ...
    const loaded = loadDevfile(text, { file: 'devfile.yaml' });
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics.map((d) => [d.path, d.rule])).toEqual([
      ['components[0].container.volumeMounts[0].path', 'devfile/mount-path'],
      ['components[0].container.volumeMounts[2].path', 'devfile/mount-path'],
    ]);
    // ... and the renderer still refuses a hand-built model with the same mounts.
    const valid = devfileOf(text.replace('path: /projects', 'path: /data').replace('{name: more, path: /cache}', '{name: more, path: /more}'));
    const devfile: Devfile = {
      ...valid,
      components: valid.components.map((c) => (c.kind === 'container'
        ? { ...c, container: { ...c.container, volumeMounts: [{ name: 'data', path: '/projects' }, { name: 'cache', path: '/cache' }, { name: 'more', path: '/cache' }] } }
        : c)),
    };
    const result = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.path, d.rule])).toEqual([
      ['components[0].container.volumeMounts[0].path', 'render/mount-path'],
      ['components[0].container.volumeMounts[2].path', 'render/mount-path'],
    ]);
    expect(result.diagnostics[0].message).toContain('where GitLab mounts the workspace data volume');
  });

  it('gives the data PVC 50Gi, ReadWriteOnce and no storage class', () => {
    const pvc = find(renderCase('basic'), 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } });
  });
});

describe('tools injector, main component, endpoints', () => {
  const objects = renderCase('project-poststart');

  it('copies the editor with the tools injector init container', () => {
    const injector = pod(objects).initContainers[0];
    expect(injector.name).toBe('gl-tools-injector-gl-tools-injector-command-1');
    expect(injector.env?.[0]).toEqual({ name: 'GL_TOOLS_DIR', value: '/projects/.gl-tools' });
    expect(injector.resources).toEqual({ limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(pod(objects).containers.map((c) => c.name)).toEqual(['tooling-container', 'database-container']);
  });

  it('gives the main component the editor env after its own, then PROJECTS_ROOT and PROJECT_SOURCE', () => {
    expect(container(objects, 'tooling-container').env).toEqual([
      { name: 'NODE_ENV', value: 'development' },
      { name: 'GL_TOOLS_DIR', value: '/projects/.gl-tools' },
      { name: 'GL_VSCODE_LOG_LEVEL', value: 'info' },
      { name: 'GL_VSCODE_PORT', value: '60001' },
      { name: 'GL_SSH_PORT', value: '60022' },
      { name: 'GL_VSCODE_ENABLE_MARKETPLACE', value: 'false' },
      { name: 'PROJECTS_ROOT', value: '/projects' },
      { name: 'PROJECT_SOURCE', value: '/projects' },
    ]);
    expect(container(objects, 'database-container').env?.map((e) => e.name)).toEqual(['POSTGRES_PASSWORD', 'PROJECTS_ROOT', 'PROJECT_SOURCE']);
  });

  it('keeps the main container alive unless overrideCommand is false (the keep-alive ends in a newline, as GitLab reads it from a file)', () => {
    expect(container(objects, 'tooling-container')).toMatchObject({ command: ['/bin/sh', '-c'], args: ['tail -f /dev/null\n'] });
    expect(container(objects, 'database-container').command).toBeUndefined();
    const kept = renderCase('main-command-kept');
    expect(container(kept, 'tooling-container')).toMatchObject({ command: ['python', '-m', 'http.server'], args: ['8000'] });
  });

  it('gives a non-main container the keep-alive with overrideCommand: true and leaves the others\' commands alone', () => {
    const objects2 = renderCase('override-command');
    expect(container(objects2, 'sidecar')).toMatchObject({ command: ['/bin/sh', '-c'], args: ['tail -f /dev/null\n'] });
    expect(container(objects2, 'redis').command).toBeUndefined();
    expect(container(objects2, 'tooling-container')).toMatchObject({ command: ['python', '-m', 'http.server'], args: ['8000'] });
  });

  it('before GitLab 18.4 always replaced the main component\'s command, and left the others\'', () => {
    const old = renderCase('gitlab-18-2');
    expect(container(old, 'tooling-container')).toMatchObject({ command: ['/bin/sh', '-c'], args: ['tail -f /dev/null\n'] });
    expect(container(old, 'database-container')).toMatchObject({ command: ['docker-entrypoint.sh'], args: ['postgres'] });
  });

  it('turns endpoints into container ports and Service ports, editor and SSH last', () => {
    expect(container(objects, 'tooling-container').ports).toEqual([
      { name: 'http-3000', containerPort: 3000, protocol: 'TCP' },
      { name: 'editor-server', containerPort: 60001, protocol: 'TCP' },
      { name: 'ssh-server', containerPort: 60022, protocol: 'TCP' },
    ]);
    // No type, as GitLab writes it: Kubernetes' default (ClusterIP) applies.
    expect(find(objects, 'Service').spec).toEqual({
      ports: [
        { name: 'http-3000', port: 3000, targetPort: 3000 },
        { name: 'editor-server', port: 60001, targetPort: 60001 },
        { name: 'ssh-server', port: 60022, targetPort: 60022 },
        { name: 'postgres', port: 5432, targetPort: 5432 },
      ],
      selector: { 'agent.gitlab.com/id': '7' },
    });
  });

  it('leaves endpoints with exposure none out of the Service, not out of the container', () => {
    const kept = renderCase('main-command-kept');
    expect(container(kept, 'tooling-container').ports?.map((p) => p.name)).toEqual(['web', 'debug', 'editor-server', 'ssh-server']);
    expect(find(kept, 'Service').spec.ports.map((p) => p.name)).toEqual(['web', 'editor-server', 'ssh-server']);
  });

  it('keeps two endpoints on one port as two container ports and one Service port (highest exposure wins)', () => {
    const same = renderCase('endpoints-same-port');
    expect(container(same, 'tooling-container').ports?.slice(0, 2)).toEqual([
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      { name: 'prometheus', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(find(same, 'Service').spec.ports.slice(0, 2)).toEqual([
      { name: 'metrics', port: 9090, targetPort: 9090 },
      { name: 'app', port: 8080, targetPort: 8080 },
    ]);
  });

  it('uses GitLab\'s tools injector image by default and the instance setting when given', () => {
    expect(pod(objects).initContainers[0].image).toMatch(/^registry\.gitlab\.com\/gitlab-org\/gitlab-build-images:.*workspaces-tools@sha256:/);
    const c = loadFixtureCase('basic');
    const custom = renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace, options: { toolsInjectorImage: 'registry.example.com/tools:1', extensionsMarketplaceEnabled: true } });
    expect(pod(custom).initContainers[0].image).toBe('registry.example.com/tools:1');
    expect(container(custom, 'tooling-container').env).toContainEqual({ name: 'GL_VSCODE_ENABLE_MARKETPLACE', value: 'true' });
  });
});

describe('preStart apply components', () => {
  const objects = renderCase('prestart-init-containers');

  it('runs them as init containers named <component>-<command>-<position>, before the tools injector', () => {
    expect(pod(objects).initContainers.map((c) => c.name)).toEqual([
      'setup-copy-seed-1',
      'setup-copy-seed-again-2',
      'gl-tools-injector-gl-tools-injector-command-3',
    ]);
    expect(container(objects, 'setup-copy-seed-1')).toMatchObject({ command: ['/bin/sh', '-c'], args: ['cp -r /seed/. /projects/'], resources: { limits: { memory: '256Mi' } } });
  });

  it('does not run them as containers', () => {
    expect(pod(objects).containers.map((c) => c.name)).toEqual(['tooling-container']);
  });

  it('reports a container component named like an init container (a pod refuses two containers of one name)', () => {
    const text = `${MINIMAL}  - name: setup
    container: {image: alpine}
  - name: setup-copy-1
    container: {image: alpine}
commands:
  - id: copy
    apply: {component: setup}
events:
  preStart: [copy]
`;
    // The loader refuses it (validate and render agree); the renderer still checks hand-built models.
    const loaded = loadDevfile(text, { file: 'devfile.yaml' });
    expect(loaded.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'components[2].name', rule: 'devfile/init-container-name' })]);
    const valid = devfileOf(text.replace('- name: setup-copy-1', '- name: other'));
    const devfile: Devfile = { ...valid, components: valid.components.map((c) => (c.name === 'other' ? { ...c, name: 'setup-copy-1' } : c)) };
    const result = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'components[2]', rule: 'render/init-container-name' })]);
  });
});

describe('postStart (GitLab 18.5+: per component)', () => {
  const objects = renderCase('project-poststart');
  const scripts = find(objects, 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
  const scriptsVolume = pod(objects).volumes.find((v) => v.name === 'gl-workspace-scripts');
  /** The scripts a runner runs, in order, each with the directory it runs in. */
  const ran = (runner: string) => [...runner.matchAll(/^(?:\(cd (\S+) && )?(\/workspace-scripts\/\S+?)\)? \|\| true$/gm)].map((m) => (m[1] ? `${m[2]} in ${m[1]}` : m[2]));

  it('puts each command in the scripts ConfigMap, plus the main component\'s blocking runner and one non-blocking runner per component', () => {
    expect(Object.keys(scripts)).toEqual([
      'database-container-gl-run-non-blocking-poststart-commands.sh',
      'gl-clone-project-command',
      'gl-clone-unshallow-command',
      'gl-init-tools-command',
      'gl-sleep-until-container-is-running-command',
      'gl-start-sshd-command',
      'install-dependencies',
      'seed-database',
      'tooling-container-gl-run-internal-blocking-poststart-commands.sh',
      'tooling-container-gl-run-non-blocking-poststart-commands.sh',
    ]);
    expect(scripts['install-dependencies']).toBe('npm ci');
  });

  it('runs GitLab\'s commands in /projects and the main component\'s in the project, each component only its own', () => {
    expect(ran(scripts['tooling-container-gl-run-internal-blocking-poststart-commands.sh'])).toEqual([
      '/workspace-scripts/tooling-container/gl-clone-project-command in /projects',
      '/workspace-scripts/tooling-container/gl-clone-unshallow-command in /projects',
      '/workspace-scripts/tooling-container/gl-start-sshd-command in /projects',
      '/workspace-scripts/tooling-container/gl-init-tools-command in /projects',
    ]);
    expect(ran(scripts['tooling-container-gl-run-non-blocking-poststart-commands.sh'])).toEqual([
      '/workspace-scripts/tooling-container/gl-sleep-until-container-is-running-command in /projects',
      '/workspace-scripts/tooling-container/install-dependencies in "${PROJECT_SOURCE}"/app',
    ]);
    // Another component's command runs in its container's own working directory.
    expect(ran(scripts['database-container-gl-run-non-blocking-poststart-commands.sh'])).toEqual(['/workspace-scripts/database-container/seed-database']);
  });

  it('projects each script under its component\'s directory', () => {
    expect(scriptsVolume).toEqual({
      name: 'gl-workspace-scripts',
      projected: {
        defaultMode: 0o555,
        sources: [{
          configMap: {
            name: `${WS}-scripts-configmap`,
            items: [
              ...['gl-clone-project-command', 'gl-clone-unshallow-command', 'gl-start-sshd-command', 'gl-init-tools-command', 'gl-sleep-until-container-is-running-command', 'install-dependencies']
                .map((id) => ({ key: id, path: `tooling-container/${id}` })),
              { key: 'seed-database', path: 'database-container/seed-database' },
              { key: 'tooling-container-gl-run-internal-blocking-poststart-commands.sh', path: 'tooling-container/gl-run-internal-blocking-poststart-commands.sh' },
              { key: 'tooling-container-gl-run-non-blocking-poststart-commands.sh', path: 'tooling-container/gl-run-non-blocking-poststart-commands.sh' },
              { key: 'database-container-gl-run-non-blocking-poststart-commands.sh', path: 'database-container/gl-run-non-blocking-poststart-commands.sh' },
            ],
          },
        }],
      },
    });
  });

  it('clones the project shallowly into /projects/<path> unless already cloned', () => {
    const clone = scripts['gl-clone-project-command'];
    expect(clone).toContain('git clone --depth 10 --branch main https://gitlab.example.com/group/app.git /projects/app\n');
    expect(clone).toContain('if [ -f /projects/.gl_project_cloning_successful ]');
    expect(scripts['gl-start-sshd-command']).toContain('-p "${GL_SSH_PORT}"');
    expect(scripts['gl-start-sshd-command']).toContain('log_file="${GL_WORKSPACE_LOGS_DIR}/tooling-container/start-sshd.log"');
    expect(scripts['gl-init-tools-command']).toContain('--port "${GL_VSCODE_PORT}"');
    expect(scripts['gl-init-tools-command']).toContain('log_file="${GL_WORKSPACE_LOGS_DIR}/tooling-container/start-vscode.log"');
  });

  it('hooks each container a postStart command names with its own runners; only the main component runs the blocking one', () => {
    const hook = (name: string) => container(objects, name).lifecycle?.postStart.exec.command;
    const main = hook('tooling-container');
    expect(main?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(main?.[2]).toContain('"/workspace-scripts/tooling-container/gl-run-internal-blocking-poststart-commands.sh" 1>>"${GL_WORKSPACE_LOGS_DIR}/tooling-container/poststart-stdout.log"');
    expect(main?.[2]).toMatch(/"\/workspace-scripts\/tooling-container\/gl-run-non-blocking-poststart-commands\.sh" .* &\n/);
    const db = hook('database-container');
    expect(db?.[2]).not.toContain('gl-run-internal-blocking');
    expect(db?.[2]).toMatch(/"\/workspace-scripts\/database-container\/gl-run-non-blocking-poststart-commands\.sh" 1>>"\$\{GL_WORKSPACE_LOGS_DIR\}\/database-container\/poststart-stdout\.log" .* &\n/);
    expect(pod(objects).initContainers.every((c) => c.lifecycle === undefined)).toBe(true);
  });

  it('writes scripts that POSIX sh parses (sh -n)', () => {
    const hooks = pod(objects).containers.map((c) => c.lifecycle?.postStart.exec.command[2]).filter((h): h is string => h !== undefined);
    const credentialHelper = decodeSecret(find(objects, 'Secret', `${WS}-file`).data)['gl_git_credential_store.sh'];
    const agentw = find(renderCase('proxy-disabled-agentw'), 'ConfigMap', 'date-butterfly-darkturquoise-scripts-configmap').data?.['gl-start-agentw-command'] ?? '';
    expect(agentw).toContain('"${GL_TOOLS_DIR}/agentw"');
    for (const [name, script] of [...Object.entries(scripts), ...hooks.map((h, i) => [`hook ${i}`, h]), ['credential helper', credentialHelper], ['agentw', agentw]]) {
      const check = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
      expect({ name, status: check.status, stderr: check.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });

  it('has no clone step without a project, but still starts sshd and the editor', () => {
    const data = find(renderCase('basic'), 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    expect(Object.keys(data)).not.toContain('gl-clone-project-command');
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['gl-start-sshd-command', 'gl-init-tools-command']));
  });

  it('quotes project values so they cannot break out of the script', () => {
    const c = loadFixtureCase('project-poststart');
    const workspace = { ...c.workspace, project: { url: 'https://gitlab.example.com/g/app.git', path: 'app', ref: "it's-$(reboot)" } };
    const data = find(render(c.devfile, c.agentConfig, workspace), 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    expect(data['gl-clone-project-command']).toContain(`--branch 'it'\\''s-$(reboot)'`);
  });

  it('runs a command in its workingDir, escaped, with the devfile\'s $PROJECT_SOURCE and $PROJECTS_ROOT left to the shell', () => {
    const devfile = devfileOf(`${MINIMAL}commands:
  - {id: a, exec: {component: tooling-container, commandLine: make, workingDir: "\${PROJECT_SOURCE}/sub dir"}}
  - {id: b, exec: {component: tooling-container, commandLine: make, workingDir: "$PROJECTS_ROOT/x;rm -rf /"}}
events: {postStart: [a, b]}
`);
    const data = find(render(devfile), 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    const runner = data['tooling-container-gl-run-non-blocking-poststart-commands.sh'];
    expect(runner).toContain('(cd "${PROJECT_SOURCE}"/sub\\ dir && /workspace-scripts/tooling-container/a) || true');
    expect(data['tooling-container-gl-run-non-blocking-poststart-commands.sh']).toContain('(cd "${PROJECTS_ROOT}"/x\\;rm\\ -rf\\ / && /workspace-scripts/tooling-container/b) || true');
  });
});

describe('postStart before GitLab 18.5', () => {
  it('18.2: two runners for the pod, no workingDir, every container runs both', () => {
    const objects = renderCase('gitlab-18-2');
    const data = find(objects, 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    expect(Object.keys(data).filter((k) => k.endsWith('.sh'))).toEqual(['gl-run-internal-blocking-poststart-commands.sh', 'gl-run-non-blocking-poststart-commands.sh']);
    expect(data['gl-run-non-blocking-poststart-commands.sh']).toContain('\n/workspace-scripts/install-dependencies || true\n');
    for (const name of ['tooling-container', 'database-container']) {
      expect(container(objects, name).lifecycle?.postStart.exec.command[2]).toContain('"/workspace-scripts/gl-run-internal-blocking-poststart-commands.sh" 1>>"${GL_WORKSPACE_LOGS_DIR}/poststart-stdout.log"');
    }
    expect(pod(objects).volumes.find((v) => v.name === 'gl-workspace-scripts')).toEqual({
      name: 'gl-workspace-scripts', projected: { defaultMode: 0o555, sources: [{ configMap: { name: `${WS}-scripts-configmap` } }] },
    });
  });

  it('18.4: the runners cd into each command\'s workingDir', () => {
    const data = find(renderCase('gitlab-18-4'), 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    const runner = data['gl-run-non-blocking-poststart-commands.sh'];
    expect(runner).toContain('(cd "${PROJECT_SOURCE}"/app && /workspace-scripts/install-dependencies) || true');
    expect(runner).toContain('(cd "${PROJECT_SOURCE}"/docs && /workspace-scripts/build-docs) || true');
    expect(runner).toContain('(cd /seed && /workspace-scripts/seed-database) || true');
  });

  it('renders a legacy workspace (no gl-internal-blocking label) with one blocking runner', () => {
    const devfile = devfileOf(`${MINIMAL}commands:
  - {id: a, exec: {component: tooling-container, commandLine: make}}
events: {postStart: [a]}
`);
    const legacy = { ...devfile, events: { ...devfile.events, postStart: ['a'] } };
    const objects = renderProcessedDevfile(legacy);
    const data = find(objects, 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    expect(Object.keys(data)).toEqual(['a', 'gl-run-poststart-commands.sh']);
    expect(container(objects, 'tooling-container').lifecycle?.postStart.exec.command[2]).toContain('"/workspace-scripts/gl-run-poststart-commands.sh" 1>>"${GL_WORKSPACE_LOGS_DIR}/poststart-stdout.log"');
  });
});

describe('ServiceAccount and NetworkPolicy', () => {
  it('does not automount a token and lists the image pull secrets', () => {
    const sa = find(renderCase('network-policy-off-egress-pull-secrets'), 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.imagePullSecrets).toEqual([{ name: 'registry-a' }, { name: 'registry-b' }]);
  });

  it('emits no NetworkPolicy when the agent turns it off', () => {
    expect(renderCase('network-policy-off-egress-pull-secrets').map((o) => o.kind)).not.toContain('NetworkPolicy');
  });

  it('lets in only the proxy, lets out DNS to kube-system then each egress rule', () => {
    const policy = find(renderCase('egress-rules'), 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gitlab-workspaces' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gitlab-workspaces-proxy' } },
      }],
    }]);
    expect(policy.spec.egress).toEqual([
      { ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] },
    ]);
  });
});

describe('a workspace the instance serves itself (GitLab 18.4+, proxy without HTTP)', () => {
  const objects = renderCase('proxy-disabled-agentw');
  const name = 'date-butterfly-darkturquoise';

  it('starts agentw first, as a blocking internal command in /projects', () => {
    const data = find(objects, 'ConfigMap', `${name}-scripts-configmap`).data ?? {};
    expect(data['tooling-container-gl-run-internal-blocking-poststart-commands.sh']).toMatch(/^#!\/bin\/sh\n[^\n]*\n[^\n]*\n\(cd \/projects && \/workspace-scripts\/tooling-container\/gl-start-agentw-command\) \|\| true\n/);
  });

  it('serves the workspace under the instance\'s workspaces host and lets no proxy in', () => {
    const env = decodeSecret(find(objects, 'Secret', `${name}-env-var`).data);
    expect(env.GL_WORKSPACE_DOMAIN_TEMPLATE).toBe(`\${PORT}-${name}.workspaces.gitlab.example.com`);
    expect(env.GL_GITLAB_AGENT_SERVER_ADDRESS).toBe('wss://gitlab.example.com/-/kubernetes-agent/');
    const policy = find(objects, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    expect(policy.spec.ingress).toEqual([]);
  });

  it('does not start agentw when the instance serves no workspaces (the proxy then serves them)', () => {
    const c = loadFixtureCase('proxy-disabled-agentw');
    const data = find(renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace }), 'ConfigMap', `${name}-scripts-configmap`).data ?? {};
    expect(Object.keys(data)).not.toContain('gl-start-agentw-command');
  });

  it('keeps the proxy ingress rule when the proxy serves SSH only', () => {
    const c = loadFixtureCase('proxy-disabled-agentw');
    const agentConfig = { ...c.agentConfig, gitlabWorkspacesProxy: { ...c.agentConfig.gitlabWorkspacesProxy, sshEnabled: true } };
    const policy = find(renderWorkspace({ devfile: c.devfile, agentConfig, workspace: c.workspace, options: c.options }), 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toHaveLength(1);
  });
});

describe('the agent server address derived from gitlabUrl (the stack\'s defaultKasAddress)', () => {
  const address = (gitlabUrl: string) => {
    const result = renderWorkspaceResult({ devfile: devfileOf(MINIMAL), agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY, options: { gitlabUrl } });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    return decodeSecret(find(result.value, 'Secret', `${DEFAULT_WORKSPACE_IDENTITY.name}-env-var`).data).GL_GITLAB_AGENT_SERVER_ADDRESS;
  };

  it.each([
    ['https://gitlab.com', 'wss://kas.gitlab.com'],
    ['https://gitlab.acme.dev', 'wss://gitlab.acme.dev/-/kubernetes-agent/'],
    ['https://gitlab.acme.dev/gitlab', 'wss://gitlab.acme.dev/gitlab/-/kubernetes-agent/'],
    ['https://gitlab.acme.dev:8443/gitlab/', 'wss://gitlab.acme.dev:8443/gitlab/-/kubernetes-agent/'],
    ['http://gitlab.internal', 'ws://gitlab.internal/-/kubernetes-agent/'],
  ])('%s: %s', (url, kas) => expect(address(url)).toBe(kas));

  it('reports an unusable gitlabUrl instead of deriving from it', () => {
    const result = renderWorkspaceResult({ devfile: devfileOf(MINIMAL), agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY, options: { gitlabUrl: 'not a url' } });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.path)).toEqual(['gitlabUrl']);
  });
});

describe('Secrets', () => {
  const objects = renderCase('project-poststart');
  const env = decodeSecret(find(objects, 'Secret', `${WS}-env-var`).data);
  const file = decodeSecret(find(objects, 'Secret', `${WS}-file`).data);

  it('holds GitLab\'s environment variables, then the workspace\'s, base64 in data', () => {
    expect(env).toEqual({
      GL_WORKSPACE_LOGS_DIR: '/projects/workspace-logs',
      GL_TOKEN_FILE_PATH: '/.workspace-data/variables/file/gl_token',
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '/.workspace-data/variables/file/gl_git_credential_store.sh',
      GIT_CONFIG_KEY_1: 'user.name',
      GIT_CONFIG_VALUE_1: 'Ada Lovelace',
      GIT_CONFIG_KEY_2: 'user.email',
      GIT_CONFIG_VALUE_2: 'ada@example.com',
      GL_WORKSPACE_DOMAIN_TEMPLATE: `\${PORT}-${WS}.workspaces.example.dev`,
      GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL: 'https://open-vsx.org/vscode/gallery',
      GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL: 'https://open-vsx.org/vscode/item',
      GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE: 'https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{versionRaw}/{path}',
      GITLAB_WORKFLOW_INSTANCE_URL: 'https://gitlab.com/',
      GITLAB_WORKFLOW_TOKEN_FILE: '/.workspace-data/variables/file/gl_token',
      GL_AGENTW_TOKEN_FILE_PATH: '/.workspace-data/variables/file/gl_agentw_token',
      GL_GITLAB_AGENT_SERVER_ADDRESS: 'wss://kas.gitlab.com',
      GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS: ':60031',
      FEATURE_FLAG: 'on',
    });
    expect(Object.keys(env).slice(-1)).toEqual(['FEATURE_FLAG']);
    expect(find(objects, 'Secret', `${WS}-env-var`).data.FEATURE_FLAG).toBe('b24=');
  });

  it('holds the token file (empty: only GitLab can mint it), the credential helper, file variables and the state file', () => {
    expect(Object.keys(file)).toEqual(['gl_token', 'gl_git_credential_store.sh', 'gl_agentw_token', 'settings.json', 'gl_workspace_reconciled_actual_state.txt']);
    expect(file.gl_token).toBe('');
    expect(file.gl_agentw_token).toBe('');
    expect(file['gl_git_credential_store.sh']).toMatch(/^#!\/bin\/sh\n[\s\S]*password=\$\(cat "\$\{GL_TOKEN_FILE_PATH\}"\)/);
    expect(file['settings.json']).toBe('{"theme": "dark"}');
    expect(file['gl_workspace_reconciled_actual_state.txt']).toBe('Running');
  });

  it('lets a workspace variable override GitLab\'s, and takes the token from the options', () => {
    const c = loadFixtureCase('project-poststart');
    const workspace = { ...c.workspace, variables: [{ key: 'GL_WORKSPACE_LOGS_DIR', value: '/tmp/logs', type: 'env' as const }] };
    const objects2 = renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace, options: { token: 'glpat-example' } });
    expect(decodeSecret(find(objects2, 'Secret', `${WS}-env-var`).data).GL_WORKSPACE_LOGS_DIR).toBe('/tmp/logs');
    expect(decodeSecret(find(objects2, 'Secret', `${WS}-file`).data).gl_token).toBe('glpat-example');
  });

  it('writes GitLab 18.9\'s values field by field: {versionRaw} in the default resource URL template, agentw observability on :60031; older versions keep {version}', () => {
    const c = loadFixtureCase('project-poststart');
    const envAt = (gitlabVersion: '18.8' | '18.9') => decodeSecret(find(renderWorkspace({ devfile: c.devfile, agentConfig: c.agentConfig, workspace: c.workspace, options: { gitlabVersion } }), 'Secret', `${WS}-env-var`).data);
    expect(envAt('18.9')).toMatchObject({
      GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE: 'https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{versionRaw}/{path}',
      GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS: ':60031',
    });
    expect(envAt('18.8')).toMatchObject({
      GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE: 'https://open-vsx.org/vscode/unpkg/{publisher}/{name}/{version}/{path}',
      GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS: ':60031',
    });
  });

  it('takes the instance\'s URLs and marketplace from the options', () => {
    const data = decodeSecret(find(renderCase('extension-marketplace'), 'Secret', `${WS}-env-var`).data);
    expect(data).toMatchObject({
      GITLAB_WORKFLOW_INSTANCE_URL: 'https://gitlab.example.com/',
      GL_GITLAB_AGENT_SERVER_ADDRESS: 'wss://kas.gitlab.example.com',
      GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL: 'https://marketplace.example.com/vscode/gallery',
      GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL: 'https://marketplace.example.com/vscode/item',
      GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE: 'https://marketplace.example.com/vscode/unpkg/{publisher}/{name}/{version}/{path}',
    });
    expect(container(renderCase('extension-marketplace'), 'tooling-container').env).toContainEqual({ name: 'GL_VSCODE_ENABLE_MARKETPLACE', value: 'true' });
  });

  it('has no agentw variables before GitLab 18.4', () => {
    const data = decodeSecret(find(renderCase('gitlab-18-2'), 'Secret', `${WS}-env-var`).data);
    expect(Object.keys(data).filter((k) => /AGENT/.test(k))).toEqual([]);
    expect(Object.keys(decodeSecret(find(renderCase('gitlab-18-2'), 'Secret', `${WS}-file`).data))).not.toContain('gl_agentw_token');
  });

  it('configures only the credential helper when the workspace has no user', () => {
    const c = loadFixtureCase('basic');
    const { user: _user, ...noUser } = c.workspace;
    const data = decodeSecret(find(render(c.devfile, c.agentConfig, noUser), 'Secret', `${WS}-env-var`).data);
    expect(data.GIT_CONFIG_COUNT).toBe('1');
    expect(data.GIT_CONFIG_KEY_1).toBeUndefined();
  });
});

describe('devfile mode', () => {
  const objects = renderCase('devfile-mode');

  it('applies container-overrides resources over the devfile\'s', () => {
    expect(container(objects, 'runtime').resources).toEqual({ limits: { cpu: '1', memory: '2Gi' } });
  });

  it('keeps mountSources: false containers off /projects and without PROJECTS_ROOT', () => {
    const mongo = container(objects, 'mongo');
    expect(mongo.volumeMounts.map((m) => m.mountPath)).not.toContain('/projects');
    expect(mongo.env).toBeUndefined();
    expect(mongo.volumeMounts[0]).toEqual({ name: 'mongo-data', mountPath: '/data/db' });
  });

  it('expands composite postStart commands and honours exec workingDir (in the runner) and env (in the script)', () => {
    const data = find(objects, 'ConfigMap', `${WS}-scripts-configmap`).data ?? {};
    expect(data.install).toBe('export NPM_CONFIG_LOGLEVEL="warn"\nnpm install');
    expect(data['runtime-gl-run-non-blocking-poststart-commands.sh']).toMatch(/\(cd "\$\{PROJECT_SOURCE\}" && \/workspace-scripts\/runtime\/install\) \|\| true[\s\S]*\/runtime\/run\) \|\| true/);
    expect(Object.keys(data)).not.toContain('install-and-run');
  });

  it('keeps mountSources: false containers on /projects, with PROJECTS_ROOT, in gitlab mode', () => {
    const cache = container(renderCase('max-resources-quota'), 'cache');
    expect(cache.volumeMounts.map((m) => m.mountPath)).toContain('/projects');
    expect(cache.env).toEqual([{ name: 'PROJECTS_ROOT', value: '/projects' }, { name: 'PROJECT_SOURCE', value: '/projects' }]);
  });
});

describe('what the loader does not let through (hand-built models)', () => {
  const base = devfileOf(MINIMAL);
  const main = base.components[0] as ContainerComponent;
  const withMain = (patch: Partial<ContainerComponent['container']>, extra: Partial<Devfile> = {}): Devfile => ({
    ...base,
    components: [{ ...main, container: { ...main.container, ...patch } }],
    ...extra,
  });

  it('names ports of long endpoint names port-<n>, keeps one port per name, TCP (devfile mode: UDP for udp)', () => {
    const devfile = withMain({
      endpoints: [
        { name: 'a-very-long-endpoint-name', targetPort: 8080 },
        { name: 'dns', targetPort: 5353, protocol: 'udp' },
        { name: 'dns', targetPort: 5354 },
      ],
    });
    const objects = render(devfile);
    expect(container(objects, 'tooling-container').ports?.slice(0, 3)).toEqual([
      { name: 'port-8080', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 5353, protocol: 'TCP' },
      { name: 'editor-server', containerPort: 60001, protocol: 'TCP' },
    ]);
    expect(allKubernetesProblems(objects)).toEqual([]);
    expect(container(render({ ...devfile, mode: 'devfile' }), 'tooling-container').ports?.[1].protocol).toBe('UDP');
  });

  it('reports postStart scripts too large for one ConfigMap instead of emitting it', () => {
    const devfile = withMain({}, {
      commands: [{ kind: 'exec', id: 'huge', attributes: {}, exec: { component: 'tooling-container', commandLine: `echo ${'x'.repeat(1024 * 1024)}` } }],
      events: { ...base.events, postStart: ['huge'] },
    });
    const result = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', path: 'events.postStart', rule: 'render/configmap-size' })]);
  });

  it('reports a resource that is not a Kubernetes quantity as an error at its path', () => {
    const result = renderWorkspaceResult({ devfile: withMain({ memoryLimit: 'lots' }), agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ path: 'components[0].container.memoryLimit', message: expect.stringContaining("'lots'") })]);
  });

  it('sets PROJECTS_ROOT and PROJECT_SOURCE to /projects in gitlab mode (reference section 2), to sourceMapping in devfile mode', () => {
    const gitlab = container(render(withMain({ sourceMapping: '/src' })), 'tooling-container').env ?? [];
    expect(gitlab.slice(-2)).toEqual([{ name: 'PROJECTS_ROOT', value: '/projects' }, { name: 'PROJECT_SOURCE', value: '/projects' }]);
    const devfileMode = container(render({ ...withMain({ sourceMapping: '/src' }), mode: 'devfile' }), 'tooling-container').env ?? [];
    expect(devfileMode.slice(-2)).toEqual([{ name: 'PROJECTS_ROOT', value: '/src' }, { name: 'PROJECT_SOURCE', value: '/src' }]);
  });

  it('keeps the editor component on /projects, with PROJECTS_ROOT, even with mountSources: false in devfile mode', () => {
    const main = container(render({ ...withMain({ mountSources: false }), mode: 'devfile' }), 'tooling-container');
    expect(main.volumeMounts.map((m) => m.mountPath)).toContain('/projects');
    expect(main.env?.slice(-2)).toEqual([{ name: 'PROJECTS_ROOT', value: '/projects' }, { name: 'PROJECT_SOURCE', value: '/projects' }]);
  });

  it('renames a digits-only endpoint name (refused by Kubernetes as a port name) in devfile mode only', () => {
    const endpoints = [{ name: '8080', targetPort: 8080 }];
    const devfileMode = render({ ...withMain({ endpoints }), mode: 'devfile' });
    expect(container(devfileMode, 'tooling-container').ports?.[0].name).toBe('port-8080');
    expect(allKubernetesProblems(devfileMode)).toEqual([]);
    expect(container(render(withMain({ endpoints })), 'tooling-container').ports?.[0].name).toBe('8080');
  });

  it('skips a postStart command that is not exec, with a warning, and still renders', () => {
    const devfile = withMain({}, {
      mode: 'devfile',
      commands: [{ kind: 'apply', id: 'prepare', attributes: {}, apply: { component: 'tooling-container' } }],
      events: { ...base.events, postStart: ['prepare'] },
    });
    const result = renderWorkspaceResult({ devfile, agentConfig: defaultAgentConfig(), workspace: DEFAULT_WORKSPACE_IDENTITY });
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', path: 'commands[0]', rule: 'render/poststart-not-exec' })]);
  });

  it('does not mutate its input', () => {
    const devfile = devfileOf(MINIMAL);
    const snapshot = JSON.stringify(devfile);
    render(devfile);
    expect(JSON.stringify(devfile)).toBe(snapshot);
  });
});

describe('serialization', () => {
  const objects = renderCase('project-poststart');

  it('writes a YAML stream without anchors, one document per object', () => {
    const yaml = toYamlStream(objects);
    expect(yaml.match(/^---$/gm)).toHaveLength(objects.length);
    expect(yaml).not.toMatch(/[&*]a\d+/);
  });

  it('quotes strings a YAML 1.1 parser (kubectl, agentk) would read as booleans or numbers', () => {
    const devfile = devfileOf(MINIMAL.replace('container: {image: alpine:3.20}', 'container: {image: alpine:3.20, env: [{name: A, value: "on"}, {name: B, value: "y"}, {name: C, value: "1:20"}, {name: D, value: "0774"}]}'));
    const rendered = render(devfile);
    const yaml = toYamlStream(rendered);
    expect(yaml).toContain('value: "on"');
    for (const version of ['1.1', '1.2'] as const) {
      expect(parseAllDocuments(yaml, { version }).map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(rendered)));
    }
  });

  it('writes a JSON array that parses back to the objects', () => {
    expect(JSON.parse(toJsonArray(objects))).toEqual(objects);
  });
});

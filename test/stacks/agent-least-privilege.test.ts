/**
 * Issue 15: the agent is least-privilege by default and for real, its config file is protected when the
 * stack commits it, workspace pods are held to what GitLab renders, and ingress is closed without the
 * proxy. Each test fails on the code before (cluster-admin default, a ClusterRole writing in kube-system,
 * container-scanning RBAC on, no admission policies, proxy-less workspaces open to every pod).
 */
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigText } from '../../stacks/config/load';
import { Synthesized } from '../helpers/synthesized';
import { configFromText, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG, synthApp, TEST_DAY } from './helpers';

type Rule = { api_groups: string[]; resources: string[]; verbs: string[] };
const WRITES = ['create', 'update', 'patch', 'delete'];

const platform = (extra = '', gitlab = GITLAB_CONFIG) => synthApp(configFromText(`${REQUIRED_CONFIG}${gitlab}${extra}`)).platform.s;
const manifests = (s: Synthesized, kind: string) => s.all('kubernetes_manifest').filter((m) => m.manifest.kind === kind);
const writes = (rules: Rule[]) => rules.filter((r) => r.verbs.some((v) => WRITES.includes(v))).flatMap((r) => r.resources);

describe('the agent by default', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = platform();
  });

  it('is not cluster-admin, and the chart creates no container-scanning RBAC', () => {
    const values = JSON.parse(s.release('workspaces').values[0]);
    expect(values.rbac).toEqual({ create: false });
    expect(values.config.operational_container_scanning).toEqual({ enabled: false });
    expect(s.all('kubernetes_cluster_role_binding_v1').map((b) => b.role_ref.name)).not.toContain('cluster-admin');
  });

  it('has its writes confined by a ValidatingAdmissionPolicy bound to its service account, in place before it starts', () => {
    const policies = manifests(s, 'ValidatingAdmissionPolicy');
    const agent = policies.find((p) => p.manifest.spec.matchConditions.some((c: { expression: string }) => c.expression.includes('system:serviceaccount:gitlab-agent:gitlab-agent')));
    expect(agent).toBeDefined();
    expect(agent!.manifest.spec.failurePolicy).toBe('Fail');
    expect(agent!.manifest.spec.validations.map((v: { message: string }) => v.message)).toEqual(expect.arrayContaining([
      'the GitLab agent may write only in GitLab\'s workspace namespaces (gl-rd-ns-*) and its own namespace gitlab-agent',
      'the GitLab agent may create, change and delete only namespaces named gl-rd-ns-*',
      'the GitLab agent may not create service-account token Secrets (kubernetes.io/service-account-token)',
    ]));
    const binding = manifests(s, 'ValidatingAdmissionPolicyBinding').find((b) => b.manifest.spec.policyName === agent!.manifest.metadata.name)!;
    expect(binding.manifest.spec.validationActions).toEqual(['Deny']);
    expect(s.release('workspaces').depends_on).toContain(s.addressOf('kubernetes_manifest', binding));
  });

  it('holds workspace pods to what GitLab renders, with the policy in place before the agent', () => {
    const pods = manifests(s, 'ValidatingAdmissionPolicy').find((p) => p.manifest.metadata.name === 'gitlab-workspace-pods')!;
    expect(pods.manifest.spec.matchConstraints.resourceRules[0].resources).toEqual(['pods', 'pods/ephemeralcontainers']);
    const binding = manifests(s, 'ValidatingAdmissionPolicyBinding').find((b) => b.manifest.spec.policyName === 'gitlab-workspace-pods')!;
    expect(s.release('workspaces').depends_on).toContain(s.addressOf('kubernetes_manifest', binding));
  });

  it('cluster-admin stays an opt-in: the chart\'s binding, no admission policy on the agent', () => {
    const admin = platform('  agent:\n    rbac: cluster-admin\n');
    expect(JSON.parse(admin.release('workspaces').values[0]).rbac).toEqual({ create: true });
    expect(admin.all('kubernetes_cluster_role_v1')).toEqual([]);
    expect(manifests(admin, 'ValidatingAdmissionPolicy').map((p) => p.manifest.metadata.name).sort()).toEqual(['gitlab-workspace-pods', 'gitlab-workspaces-node-guard']);
  });
});

describe('with shared_namespace', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = platform('  remote_development:\n    shared_namespace: workspaces\n');
  });

  it('writes only through a Role in that namespace; cluster-wide it only reads Deployments', () => {
    const cluster = s.only('kubernetes_cluster_role_v1');
    expect(writes(cluster.rule)).toEqual([]);
    expect(cluster.rule).toEqual([{ api_groups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }]);
    const role = s.onlyWhere('kubernetes_role_v1', (r) => r.metadata.namespace === 'workspaces');
    expect(writes(role.rule).sort()).toEqual(['configmaps', 'deployments', 'networkpolicies', 'persistentvolumeclaims', 'secrets', 'serviceaccounts', 'services']);
    const binding = s.onlyWhere('kubernetes_role_binding_v1', (b) => b.metadata.namespace === 'workspaces');
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'gitlab-agent', namespace: 'gitlab-agent' }]);
    expect(binding.depends_on).toContain(s.addressOf('kubernetes_namespace_v1', s.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'workspaces')));
  });

  it('its admission policy allows no namespace writes and no writes outside the shared namespace', () => {
    const agent = manifests(s, 'ValidatingAdmissionPolicy').find((p) => p.manifest.metadata.name !== 'gitlab-workspace-pods')!;
    expect(agent.manifest.spec.validations.map((v: { message: string }) => v.message)).toEqual(expect.arrayContaining([
      'the GitLab agent may write only in the workspaces\' shared namespace workspaces and its own namespace gitlab-agent',
      'the GitLab agent may not create, change or delete namespaces: workspaces share the namespace workspaces',
    ]));
  });
});

describe('proxy: disabled closes ingress to workspace pods', () => {
  it('with a shared namespace: a NetworkPolicy there isolating workspace pods for ingress, with no rule', () => {
    const s = synthApp(loadExample('proxy-disabled')).platform.s;
    const policy = s.onlyWhere('kubernetes_network_policy_v1', (p) => p.metadata.namespace === 'workspaces');
    expect(policy.spec.policy_types).toEqual(['Ingress']);
    expect(policy.spec.ingress).toBeUndefined();
    expect(policy.spec.pod_selector.match_expressions).toEqual([{ key: 'agent.gitlab.com/id', operator: 'Exists' }]);
    expect(manifests(s, 'ClusterNetworkPolicy')).toEqual([]);
    expect(s.release('kas-workspaces').depends_on).toContain(s.addressOf('kubernetes_network_policy_v1', policy));
  });

  it('without: an Admin-tier EKS ClusterNetworkPolicy denying every pod\'s traffic to workspace pods in any namespace', () => {
    const s = platform('', 'gitlab:\n  url: https://gitlab.acme.dev\n  version: "18.9"\n  proxy: disabled\n');
    const [policy] = manifests(s, 'ClusterNetworkPolicy');
    expect(policy.manifest).toEqual({
      apiVersion: 'networking.k8s.aws/v1alpha1',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'gitlab-workspaces-no-ingress' },
      spec: {
        tier: 'Admin',
        priority: 10,
        subject: { pods: { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'agent.gitlab.com/id', operator: 'Exists' }] } } },
        ingress: [{ name: 'no-ingress-without-the-proxy', action: 'Deny', from: [{ namespaces: {} }] }],
      },
    });
    expect(s.all('kubernetes_network_policy_v1')).toEqual([]);
  });

  it('not while the proxy serves workspaces (GitLab\'s policy admits only the proxy)', () => {
    const s = platform();
    expect(manifests(s, 'ClusterNetworkPolicy')).toEqual([]);
    expect(s.all('kubernetes_network_policy_v1')).toEqual([]);
  });
});

describe('the committed agent config file is protected', () => {
  it('codeOwners: a .gitlab/CODEOWNERS owning .gitlab/agents/, never overwriting one; protectBranch: maintainers only, code owner approval', () => {
    const s = platform('  agent:\n    project: platform/agents\n    codeOwners: [\'@platform/admins\', \'@alice\']\n    protectBranch: true\n');
    const owners = s.onlyWhere('gitlab_repository_file', (f) => f.file_path === '.gitlab/CODEOWNERS');
    expect(owners.content).toContain('/.gitlab/agents/ @platform/admins @alice');
    expect(owners.content).toContain('/.gitlab/CODEOWNERS @platform/admins @alice');
    expect(owners.overwrite_on_create).toBe(false);
    const protection = s.only('gitlab_branch_protection');
    expect(protection).toMatchObject({
      project: 'platform/agents', push_access_level: 'maintainer', merge_access_level: 'maintainer', allow_force_push: false, code_owner_approval_required: true,
    });
    expect(protection.branch).toBe(owners.branch);
  });

  it('neither unless asked (GitLab protects default branches itself; a project may keep its own CODEOWNERS)', () => {
    const s = platform('  agent:\n    project: platform/agents\n');
    expect(s.all('gitlab_repository_file').map((f) => f.file_path)).toEqual(['.gitlab/agents/workspaces/config.yaml']);
    expect(s.all('gitlab_branch_protection')).toEqual([]);
  });
});

describe('an agent config file the stack commits', () => {
  const warningsOf = (agent: string) => {
    const r = loadConfigText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n${agent}`, 'w.yaml', { today: TEST_DAY });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    return r.diagnostics.filter((d) => d.rule === 'config/agent-protection').map(formatDiagnostic);
  };

  it('unprotected: a warning at agent.project naming what CI jobs or users get and the keys that protect it', () => {
    const [w, ...rest] = warningsOf('    project: platform/agents\n');
    expect(rest).toEqual([]);
    expect(w).toMatch(/^w\.yaml:\d+:\d+: warning: gitlab\.agent\.project: the stack commits the agent config file to platform\/agents unprotected/);
    expect(w).toContain('ci_access or user_access');
    expect(w).toContain('set agent.codeOwners and agent.protectBranch: true');
    expect(warningsOf('    project: platform/agents\n    protectBranch: true\n')[0]).toContain('set agent.codeOwners (docs/deploy.md)');
  });

  it('protected by code owners and a protected branch, or not committed by the stack: no warning', () => {
    expect(warningsOf("    project: platform/agents\n    codeOwners: ['@platform/admins']\n    protectBranch: true\n")).toEqual([]);
    expect(warningsOf('    name: workspaces\n')).toEqual([]);
  });
});

/**
 * System pods stay off workspace nodes after an escape (issue 15). EKS managed node groups cannot set a
 * `node-restriction.kubernetes.io/` label (the EKS API refuses `kubernetes.io/` prefixes; the kubelet
 * refuses them in --node-labels), so the pool label is set at registration and the node guard, a
 * ValidatingAdmissionPolicy, keeps kubelets and pods' service accounts from moving it afterwards. The
 * Sysbox installer's service account, which RBAC lets patch any node and delete any pod, is confined to its
 * own node by a second policy.
 *
 * The CEL cases at the end run with a CEL evaluator (@bufbuild/cel) when the package is installed.
 */
import { nodeGuardObjects, NODE_GUARD_POLICY } from '../../lib/cluster/node-guard';
import { GUARDED_NODE_LABEL_PREFIX, POOL_LABEL, SYSTEM_SCHEDULING, SYSTEM_TAINT } from '../../lib/cluster/scheduling';
import { SYSBOX_INSTALLER_POLICY, sysboxInstallerPolicyObjects } from '../../lib/runtimes/sysbox-installer';
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG, synthApp } from '../stacks/helpers';

function manifests(s: Synthesized, kind: string, name: string): Block[] {
  return s.all('kubernetes_manifest').filter((m) => m.manifest.kind === kind && m.manifest.metadata.name === name);
}

describe('the node guard', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s;
  });

  it('places system components by a label the guard covers, tolerating the system taint', () => {
    for (const key of Object.keys(SYSTEM_SCHEDULING.nodeSelector)) expect(key.startsWith(GUARDED_NODE_LABEL_PREFIX)).toBe(true);
    expect(SYSTEM_SCHEDULING.tolerations.map((t) => t.key)).toEqual([SYSTEM_TAINT.key]);
  });

  it('applies the policy, with a Deny binding, to every create and update of a node (status included) by a kubelet or a pod', () => {
    const [policy] = manifests(s, 'ValidatingAdmissionPolicy', NODE_GUARD_POLICY);
    expect(policy.manifest.spec.failurePolicy).toBe('Fail');
    expect(policy.manifest.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['nodes', 'nodes/status'] },
    ]);
    const condition = policy.manifest.spec.matchConditions[0].expression;
    expect(condition).toContain("'system:nodes'");
    expect(condition).toContain("'system:serviceaccounts'");
    const [binding] = manifests(s, 'ValidatingAdmissionPolicyBinding', NODE_GUARD_POLICY);
    expect(binding.manifest.spec).toEqual({ policyName: NODE_GUARD_POLICY, validationActions: ['Deny'] });
    expect(binding.depends_on).toContain(s.addressOf('kubernetes_manifest', policy));
  });

  it('is in force before the autoscaler, the agent and the proxy are first scheduled', () => {
    const [binding] = manifests(s, 'ValidatingAdmissionPolicyBinding', NODE_GUARD_POLICY);
    for (const release of ['cluster-autoscaler', 'workspaces', 'gitlab-workspaces-proxy']) {
      expect(s.release(release).depends_on).toContain(s.addressOf('kubernetes_manifest', binding));
      expect(JSON.parse(s.release(release).values[0]).nodeSelector).toEqual(SYSTEM_SCHEDULING.nodeSelector);
    }
  });

  it('names the pool label and the system taint in its rules', () => {
    const [policy] = nodeGuardObjects();
    const rules = JSON.stringify((policy.spec as { validations: unknown }).validations);
    expect(rules).toContain(JSON.stringify(GUARDED_NODE_LABEL_PREFIX).slice(1, -1));
    expect(rules).toContain(POOL_LABEL);
    expect(rules).toContain(SYSTEM_TAINT.key);
  });
});

describe('the Sysbox installer', () => {
  it('gets a policy confining its service account to its own node, in force before its DaemonSet runs', () => {
    const s = synthApp(loadExample('sysbox')).platform.s;
    const [policy] = manifests(s, 'ValidatingAdmissionPolicy', SYSBOX_INSTALLER_POLICY);
    expect(policy.manifest.spec.matchConditions[0].expression).toBe('request.userInfo.username == "system:serviceaccount:kube-system:sysbox-label-node"');
    expect(policy.manifest.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['nodes'] },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['pods'] },
    ]);
    expect(JSON.stringify(policy.manifest.spec.variables)).toContain('authentication.kubernetes.io/node-name');
    const [binding] = manifests(s, 'ValidatingAdmissionPolicyBinding', SYSBOX_INSTALLER_POLICY);
    expect(binding.manifest.spec.validationActions).toEqual(['Deny']);
    const daemonSet = s.onlyWhere('kubernetes_daemon_set_v1', (d) => d.metadata.name !== 'workspace-image-pre-puller');
    expect(daemonSet.depends_on).toEqual(expect.arrayContaining([s.addressOf('kubernetes_manifest', policy), s.addressOf('kubernetes_manifest', binding)]));
  });

  it('has no such policy without Sysbox', () => {
    const s = synthApp(configFromText(REQUIRED_CONFIG)).platform.s;
    expect(manifests(s, 'ValidatingAdmissionPolicy', SYSBOX_INSTALLER_POLICY)).toEqual([]);
  });
});

// The policies' CEL, evaluated: what a kubelet, a pod's service account and the installer may do.
type Json = Record<string, unknown> | null;
interface Case { readonly name: string; readonly policy: 'guard' | 'installer'; readonly request: Json; readonly object: Json; readonly oldObject: Json; readonly want: 'admit' | 'deny' | 'not matched' }

const KUBELET = { operation: 'UPDATE', userInfo: { username: 'system:node:ip-1', groups: ['system:nodes', 'system:authenticated'] }, resource: { resource: 'nodes' }, name: 'ip-1' };
const POD_SA = { ...KUBELET, userInfo: { username: 'system:serviceaccount:kube-system:x', groups: ['system:serviceaccounts'] } };
const ADMIN = { ...KUBELET, userInfo: { username: 'admin', groups: ['system:authenticated'] } };
const INSTALLER = { ...KUBELET, userInfo: { username: 'system:serviceaccount:kube-system:sysbox-label-node', groups: ['system:serviceaccounts'], extra: { 'authentication.kubernetes.io/node-name': ['ip-1'] } } };
const WS = { metadata: { name: 'ip-1', labels: { [POOL_LABEL]: 'workspaces', 'kubernetes.io/hostname': 'ip-1' } }, spec: { providerID: 'aws:///x/i-1' } };
const SYS = { metadata: { name: 'ip-2', labels: { [POOL_LABEL]: 'system' } }, spec: { taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }] } };
const BARE = { metadata: { name: 'ip-3' }, spec: {} };
const SB = { metadata: { name: 'ip-1', labels: { [POOL_LABEL]: 'workspaces', 'sysbox-install': 'yes' } }, spec: { taints: [{ key: 'gitlab-workspaces/runtime', value: 'sysbox', effect: 'NoSchedule' }] } };
const INSTALLING = { key: 'sysbox-runtime', value: 'not-running', effect: 'NoSchedule' };
function changed<T>(o: T, f: (c: any) => void): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  const c = JSON.parse(JSON.stringify(o)); f(c); return c;
}
const podDelete = (nodeName: string, runtimeClassName?: string) => ({
  request: { ...INSTALLER, operation: 'DELETE', resource: { resource: 'pods' }, name: 'p' }, object: null,
  oldObject: { metadata: { name: 'p' }, spec: { nodeName, ...(runtimeClassName && { runtimeClassName }) } },
});

export const CEL_CASES: readonly Case[] = [
  { name: 'a kubelet status update that changes no guarded label', policy: 'guard', request: KUBELET, object: changed(WS, (n) => { n.metadata.labels.x = '1'; }), oldObject: WS, want: 'admit' },
  { name: 'a kubelet update of a node with no labels or taints', policy: 'guard', request: KUBELET, object: BARE, oldObject: BARE, want: 'admit' },
  { name: 'a kubelet claiming the system pool', policy: 'guard', request: KUBELET, object: changed(WS, (n) => { n.metadata.labels[POOL_LABEL] = 'system'; }), oldObject: WS, want: 'deny' },
  { name: 'a kubelet removing its pool label', policy: 'guard', request: KUBELET, object: changed(WS, (n) => { delete n.metadata.labels[POOL_LABEL]; }), oldObject: WS, want: 'deny' },
  { name: 'a kubelet adding sysbox-install', policy: 'guard', request: KUBELET, object: changed(WS, (n) => { n.metadata.labels['sysbox-install'] = 'yes'; }), oldObject: WS, want: 'deny' },
  { name: 'a kubelet labelling a node that had no labels', policy: 'guard', request: KUBELET, object: changed(BARE, (n) => { n.metadata.labels = { [POOL_LABEL]: 'system' }; }), oldObject: BARE, want: 'deny' },
  { name: 'a pod removing a runtime taint', policy: 'guard', request: POD_SA, object: changed(SB, (n) => { n.spec.taints = []; }), oldObject: SB, want: 'deny' },
  { name: 'the autoscaler adding its own taint', policy: 'guard', request: POD_SA, object: changed(SYS, (n) => { n.spec.taints.push({ key: 'ToBeDeletedByClusterAutoscaler', value: '1', effect: 'NoSchedule' }); }), oldObject: SYS, want: 'admit' },
  { name: 'a cluster admin relabelling a node', policy: 'guard', request: ADMIN, object: changed(WS, (n) => { n.metadata.labels[POOL_LABEL] = 'system'; }), oldObject: WS, want: 'not matched' },
  { name: 'a system node registering with the system taint', policy: 'guard', request: { ...KUBELET, operation: 'CREATE' }, object: SYS, oldObject: null, want: 'admit' },
  { name: 'a node registering as system without the taint', policy: 'guard', request: { ...KUBELET, operation: 'CREATE' }, object: changed(SYS, (n) => { delete n.spec.taints; }), oldObject: null, want: 'deny' },
  { name: 'a workspace node registering', policy: 'guard', request: { ...KUBELET, operation: 'CREATE' }, object: WS, oldObject: null, want: 'admit' },
  { name: 'the installer labelling its node running', policy: 'installer', request: INSTALLER, object: changed(SB, (n) => { n.metadata.labels['sysbox-runtime'] = 'running'; n.metadata.labels['crio-runtime'] = 'running'; }), oldObject: SB, want: 'admit' },
  { name: 'the installer tainting its node while it installs', policy: 'installer', request: INSTALLER, object: changed(SB, (n) => { n.spec.taints.push(INSTALLING); }), oldObject: SB, want: 'admit' },
  { name: 'the installer removing its taint and label', policy: 'installer', request: INSTALLER, object: SB, oldObject: changed(SB, (n) => { n.spec.taints.push(INSTALLING); n.metadata.labels['sysbox-runtime'] = 'running'; }), want: 'admit' },
  { name: 'the installer patching another node', policy: 'installer', request: { ...INSTALLER, name: 'ip-9' }, object: changed(SB, (n) => { n.metadata.name = 'ip-9'; n.metadata.labels['sysbox-runtime'] = 'running'; }), oldObject: changed(SB, (n) => { n.metadata.name = 'ip-9'; }), want: 'deny' },
  { name: 'the installer setting the pool label', policy: 'installer', request: INSTALLER, object: changed(SB, (n) => { n.metadata.labels[POOL_LABEL] = 'system'; }), oldObject: SB, want: 'deny' },
  { name: 'the installer removing the runtime taint', policy: 'installer', request: INSTALLER, object: changed(SB, (n) => { n.spec.taints = []; }), oldObject: SB, want: 'deny' },
  { name: 'the installer cordoning its node', policy: 'installer', request: INSTALLER, object: changed(SB, (n) => { n.spec.unschedulable = true; }), oldObject: SB, want: 'deny' },
  { name: 'the installer\'s token without a node name', policy: 'installer', request: { ...INSTALLER, userInfo: { ...INSTALLER.userInfo, extra: undefined } }, object: SB, oldObject: SB, want: 'deny' },
  { name: 'the installer deleting a Sysbox pod on its node', policy: 'installer', ...podDelete('ip-1', 'sysbox-runc'), want: 'admit' },
  { name: 'the installer deleting a Sysbox pod on another node', policy: 'installer', ...podDelete('ip-2', 'sysbox-runc'), want: 'deny' },
  { name: 'the installer deleting a pod that is not Sysbox\'s on its node', policy: 'installer', ...podDelete('ip-1'), want: 'deny' },
  { name: 'another service account patching a node', policy: 'installer', request: POD_SA, object: SB, oldObject: SB, want: 'not matched' },
];

// A devDependency: the policies' CEL is always evaluated, never skipped.
const run = (require('@bufbuild/cel') as { run: (e: string, v: Record<string, unknown>) => unknown }).run; // eslint-disable-line @typescript-eslint/no-require-imports
describe('the policies\' CEL, evaluated with @bufbuild/cel', () => {
  /** JSON as CEL values: objects as maps, so has() tests field presence as on a Kubernetes object. */
  const toCel = (v: unknown): unknown => (v === null || v === undefined ? v : Array.isArray(v) ? v.map(toCel)
    : typeof v === 'object' ? new Map(Object.entries(v as object).map(([k, x]) => [k, toCel(x)])) : v);

  function decide(policy: Record<string, any>, c: Case): Case['want'] { // eslint-disable-line @typescript-eslint/no-explicit-any
    const vars: Record<string, unknown> = { request: toCel(c.request), object: toCel(c.object), oldObject: toCel(c.oldObject) };
    for (const m of policy.spec.matchConditions) if (run(m.expression, vars) !== true) return 'not matched';
    const variables = new Map<string, unknown>();
    for (const v of policy.spec.variables ?? []) variables.set(v.name, run(v.expression, { ...vars, variables }));
    for (const v of policy.spec.validations) {
      const result = run(v.expression, { ...vars, variables });
      if (typeof result !== 'boolean') throw new Error(`${v.expression} gave ${String(result)}`);
      if (!result) return 'deny';
    }
    return 'admit';
  }

  it.each(CEL_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const [policy] = c.policy === 'guard' ? nodeGuardObjects() : sysboxInstallerPolicyObjects('sysbox-runc');
    expect(decide(policy, c)).toBe(c.want);
  });
});

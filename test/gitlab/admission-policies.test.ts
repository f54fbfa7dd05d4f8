/**
 * The admission policies' CEL, evaluated with a CEL evaluator exactly as deployed (the definitions are the
 * data the AdmissionPolicy construct writes): every example config's rendered workspace is admitted, and
 * each rule refuses a rendered pod (or agent write) mutated to break it, with the rule's own message.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { RemoteDevelopmentSettings } from '../../lib/agent-config';
import { loadDevfile } from '../../lib/devfile';
import {
  AdmissionPolicyDefinition,
  agentAdmissionPolicy,
  serviceAccountUser,
  validatingAdmissionPolicyObject,
  workspacePodPolicy,
  workspacePodPolicyOptions,
} from '../../lib/gitlab/admission-policies';
import { DEFAULT_WORKSPACE_IDENTITY, renderWorkspace } from '../../lib/workspace';
import type { KubernetesObject } from '../../lib/workspace/kubernetes';
import { stackAgentSettings, stackGitLabVersion } from '../../stacks/config/agent-settings';
import { configFromText, EXAMPLES, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG } from '../stacks/helpers';
import { AdmissionRequest, evaluateAdmission } from '../helpers/admission';
import type { WorkspacesConfig } from '../../stacks/config/types';

const AGENT_NAMESPACE = 'gitlab-agent';
const AGENT_USER = serviceAccountUser(AGENT_NAMESPACE, 'gitlab-agent');

// A devfile with everything GitLab puts in a pod: the editor-injected main container with a devfile
// volume, a preStart apply command (an init container) and postStart commands (the scripts volume).
const DEVFILE = `schemaVersion: 2.2.0
components:
  - name: tooling
    attributes:
      gl/inject-editor: true
    container:
      image: registry.gitlab.com/gitlab-org/workspaces/gitlab-workspaces-docs/ubuntu:24.04
      volumeMounts:
        - name: cache
          path: /home/gitlab-workspaces/.cache
  - name: setup
    container:
      image: alpine:3.22
  - name: cache
    volume:
      size: 1Gi
commands:
  - id: prepare
    apply:
      component: setup
  - id: hello
    exec:
      component: tooling
      commandLine: echo hello
events:
  preStart: [prepare]
  postStart: [hello]
`;

interface Rendered {
  readonly config: WorkspacesConfig;
  readonly settings: RemoteDevelopmentSettings;
  readonly objects: KubernetesObject[];
}

function render(config: WorkspacesConfig): Rendered {
  const settings = stackAgentSettings(config);
  if (!settings.ok) throw new Error(JSON.stringify(settings.diagnostics));
  const gitlabVersion = stackGitLabVersion(config.gitlab!);
  const devfile = loadDevfile(DEVFILE, { file: 'devfile.yaml', gitlabVersion });
  if (!devfile.ok) throw new Error(JSON.stringify(devfile.diagnostics));
  const objects = renderWorkspace({ devfile: devfile.value, agentConfig: settings.value, workspace: DEFAULT_WORKSPACE_IDENTITY, options: { gitlabVersion } });
  return { config, settings: settings.value, objects };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function deploymentOf(objects: readonly KubernetesObject[]): Json {
  return clone(objects.find((o) => o.kind === 'Deployment')) as Json;
}

/** The Pod the ReplicaSet controller makes from a rendered Deployment. */
function podOf(objects: readonly KubernetesObject[]): Json {
  const d = deploymentOf(objects);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...d.spec.template.metadata, name: undefined, generateName: `${d.metadata.name}-6f9c8d7b5-`, namespace: d.metadata.namespace },
    spec: d.spec.template.spec,
  };
}

const RESOURCES: Record<string, { group: string; resource: string }> = {
  ConfigMap: { group: '', resource: 'configmaps' },
  Deployment: { group: 'apps', resource: 'deployments' },
  Namespace: { group: '', resource: 'namespaces' },
  NetworkPolicy: { group: 'networking.k8s.io', resource: 'networkpolicies' },
  PersistentVolumeClaim: { group: '', resource: 'persistentvolumeclaims' },
  Pod: { group: '', resource: 'pods' },
  ResourceQuota: { group: '', resource: 'resourcequotas' },
  Secret: { group: '', resource: 'secrets' },
  Service: { group: '', resource: 'services' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
};

/** The request that creates (or updates, or deletes) an object, by `username`. */
function requestFor(object: Json, options: { operation?: AdmissionRequest['operation']; username?: string; subResource?: string } = {}): AdmissionRequest {
  const operation = options.operation ?? 'CREATE';
  const kind = RESOURCES[object.kind as string];
  if (!kind) throw new Error(`no resource for ${object.kind}`);
  return {
    operation,
    namespace: object.kind === 'Namespace' ? '' : object.metadata.namespace ?? '',
    ...kind,
    subResource: options.subResource,
    username: options.username ?? 'system:serviceaccount:kube-system:replicaset-controller',
    ...(operation === 'DELETE' ? { oldObject: object } : { object }),
  };
}

/** With Kubernetes defaulting: a Service gets type ClusterIP before validating admission. */
function asAdmitted(object: Json): Json {
  return object.kind === 'Service' ? { ...object, spec: { type: 'ClusterIP', ...object.spec } } : object;
}

function podPolicyFor(r: Rendered): AdmissionPolicyDefinition {
  return workspacePodPolicy(workspacePodPolicyOptions(r.settings));
}

function agentPolicyFor(r: Rendered): AdmissionPolicyDefinition {
  const shared = r.settings.sharedNamespace;
  return agentAdmissionPolicy({ agentNamespace: AGENT_NAMESPACE, serviceAccount: 'gitlab-agent', ...(shared !== '' && { sharedNamespace: shared }) });
}

const admitted = (def: AdmissionPolicyDefinition, req: AdmissionRequest) => {
  const verdict = evaluateAdmission(def, req);
  expect(verdict).toEqual({ applies: true, refusals: [], errors: [] });
};

const refused = (def: AdmissionPolicyDefinition, req: AdmissionRequest, message: string | RegExp) => {
  const verdict = evaluateAdmission(def, req);
  expect(verdict.applies).toBe(true);
  expect(verdict.errors).toEqual([]);
  expect(verdict.refusals).toContainEqual(typeof message === 'string' ? message : expect.stringMatching(message));
};

// Every example config with a GitLab side, and held-out runtimes the examples do not cover.
const EXAMPLE_NAMES = readdirSync(EXAMPLES)
  .filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml')) && /^gitlab:/m.test(readFileSync(join(EXAMPLES, d, 'workspaces.config.yaml'), 'utf8')))
  .sort();
const HELD_OUT: Record<string, string> = {
  'sysbox on CRI-O': `${REQUIRED_CONFIG}runtime: sysbox\nruntimes:\n  sysbox:\n    containerRuntime: cri-o\nnodes:\n  workspaces:\n    instanceTypes: [m6i.2xlarge]\n${GITLAB_CONFIG}`,
  'user namespaces, shared namespace': `${REQUIRED_CONFIG}runtime: user-namespaces\n${GITLAB_CONFIG}  remote_development:\n    shared_namespace: workspaces\n`,
  'GitLab 18.2, no runtime': `${REQUIRED_CONFIG}${GITLAB_CONFIG}  version: "18.2"\n`,
};
const CASES: Array<[string, () => WorkspacesConfig]> = [
  ...EXAMPLE_NAMES.map((n): [string, () => WorkspacesConfig] => [`example ${n}`, () => loadExample(n)]),
  ...Object.entries(HELD_OUT).map(([n, text]): [string, () => WorkspacesConfig] => [n, () => configFromText(text)]),
];

describe('what GitLab renders is admitted', () => {
  it('covers the runtimes: none, sysbox, kata, user namespaces', () => {
    expect(EXAMPLE_NAMES).toEqual(expect.arrayContaining(['default', 'kata', 'sysbox', 'user-namespaces', 'proxy-disabled']));
  });

  describe.each(CASES)('%s', (_name, config) => {
    let r: Rendered;
    beforeAll(() => {
      r = render(config());
    });

    it('admits the workspace pod, and its ephemeral-container updates as rendered', () => {
      const pod = podOf(r.objects);
      admitted(podPolicyFor(r), requestFor(pod));
      admitted(podPolicyFor(r), requestFor(pod, { operation: 'UPDATE', subResource: 'ephemeralcontainers' }));
    });

    it('admits every object the agent applies, and the namespace it creates and deletes', () => {
      const policy = agentPolicyFor(r);
      for (const object of r.objects) admitted(policy, requestFor(asAdmitted(object as Json), { username: AGENT_USER }));
      for (const object of r.objects) admitted(policy, requestFor(object as Json, { username: AGENT_USER, operation: 'DELETE' }));
      if (r.settings.sharedNamespace === '') {
        const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DEFAULT_WORKSPACE_IDENTITY.namespace } };
        admitted(policy, requestFor(namespace, { username: AGENT_USER }));
        admitted(policy, requestFor(namespace, { username: AGENT_USER, operation: 'DELETE' }));
      }
    });
  });
});

describe('workspace pod policy refuses what GitLab does not render', () => {
  const configs = {
    none: () => render(loadExample('default')),
    // Sysbox on containerd (Kubernetes user namespaces); the example runs it on CRI-O, its default.
    sysbox: () => render(configFromText(`${REQUIRED_CONFIG}runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: containerd, acknowledgeUpstreamIssues: [1035, 1025]}\n${GITLAB_CONFIG}`)),
    kata: () => render(loadExample('kata')),
    userNamespaces: () => render(loadExample('user-namespaces')),
  };
  let rendered: Record<keyof typeof configs, Rendered>;
  beforeAll(() => {
    rendered = Object.fromEntries(Object.entries(configs).map(([k, f]) => [k, f()])) as typeof rendered;
  });

  /** Refused for every runtime: the rendered pod with `mutate` applied. */
  const everywhere = (mutate: (pod: Json) => void, message: string | RegExp) => {
    for (const r of Object.values(rendered)) {
      const pod = podOf(r.objects);
      mutate(pod);
      refused(podPolicyFor(r), requestFor(pod), message);
    }
  };

  it('the runtimes render what the rules below assume', () => {
    expect(podOf(rendered.none.objects).spec.runtimeClassName).toBeUndefined();
    expect(podOf(rendered.sysbox.objects).spec).toMatchObject({ runtimeClassName: 'sysbox-runc', hostUsers: false });
    expect(podOf(rendered.kata.objects).spec.runtimeClassName).toMatch(/^kata-/);
    expect(podOf(rendered.kata.objects).spec.hostUsers).toBeUndefined();
    expect(podOf(rendered.userNamespaces.objects).spec).toMatchObject({ hostUsers: false });
    expect(podOf(rendered.userNamespaces.objects).spec.runtimeClassName).toBeUndefined();
    expect(podOf(rendered.none.objects).spec.initContainers.length).toBeGreaterThan(1);
  });

  it('privileged: true, in a container, an init container or an ephemeral container', () => {
    everywhere((pod) => { pod.spec.containers[0].securityContext.privileged = true; }, 'workspace pods may not run privileged containers');
    everywhere((pod) => { pod.spec.initContainers[1].securityContext.privileged = true; }, 'workspace pods may not run privileged containers');
    everywhere((pod) => {
      pod.spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox', securityContext: { privileged: true } }];
    }, 'workspace pods may not run privileged containers');
  });

  it.each(['hostNetwork', 'hostPID', 'hostIPC'])('%s: true', (field) => {
    everywhere((pod) => { pod.spec[field] = true; }, 'workspace pods may not share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)');
  });

  it('a hostPath volume', () => {
    everywhere((pod) => { pod.spec.volumes.push({ name: 'root', hostPath: { path: '/' } }); }, 'workspace pods may not mount a path of the node (hostPath volumes)');
  });

  it('a host port, an added capability, a root user', () => {
    everywhere((pod) => { pod.spec.containers[0].ports[0].hostPort = 2222; }, 'workspace pods may not bind ports of the node (hostPort)');
    everywhere((pod) => { pod.spec.containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'] }; }, 'workspace pods may not add Linux capabilities (GitLab adds none)');
    everywhere((pod) => { pod.spec.containers[0].securityContext.runAsUser = 0; }, /^workspace pods run as a non-root user/);
    everywhere((pod) => { pod.spec.securityContext.runAsNonRoot = false; }, /^workspace pods run as a non-root user/);
    everywhere((pod) => { delete pod.spec.securityContext; }, /^workspace pods run as a non-root user/);
  });

  it('a seccomp profile other than RuntimeDefault, an unmasked /proc, sysctls', () => {
    const seccomp = /^workspace pods may not set a seccomp profile other than RuntimeDefault/;
    everywhere((pod) => { pod.spec.securityContext.seccompProfile = { type: 'Unconfined' }; }, seccomp);
    everywhere((pod) => { pod.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, seccomp);
    everywhere((pod) => { pod.spec.initContainers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'any.json' }; }, seccomp);
    const proc = 'workspace pods may not unmask /proc (procMount) or set sysctls (GitLab renders neither)';
    everywhere((pod) => { pod.spec.containers[0].securityContext.procMount = 'Unmasked'; }, proc);
    everywhere((pod) => { pod.spec.securityContext.sysctls = [{ name: 'kernel.shm_rmid_forced', value: '0' }]; }, proc);
    // RuntimeDefault, as a hardened devfile platform might set, is fine.
    for (const r of Object.values(rendered)) {
      const pod = podOf(r.objects);
      pod.spec.securityContext.seccompProfile = { type: 'RuntimeDefault' };
      admitted(podPolicyFor(r), requestFor(pod));
    }
  });

  it('a node of its choosing, a toleration of every taint or of a system node\'s, a service account token', () => {
    everywhere((pod) => { pod.spec.nodeName = 'ip-10-0-1-10.eu-west-1.compute.internal'; }, /^workspace pods may not name their node/);
    const tolerations = /^workspace pods may tolerate only the taints node.kubernetes.io\/not-ready, node.kubernetes.io\/unreachable/;
    everywhere((pod) => { pod.spec.tolerations = [{ operator: 'Exists' }]; }, tolerations);
    everywhere((pod) => { pod.spec.tolerations = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }]; }, tolerations);
    everywhere((pod) => { pod.spec.tolerations = [{ key: 'gitlab-workspaces/retiring', operator: 'Exists', effect: 'NoSchedule' }]; }, tolerations);
    const token = 'workspace pods may not mount a service account token (GitLab renders automountServiceAccountToken: false)';
    everywhere((pod) => { pod.spec.automountServiceAccountToken = true; }, token);
    everywhere((pod) => { pod.spec.volumes.push({ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }); }, token);
  });

  it('admits a workspace pod as the API server sees it: Kubernetes\' own tolerations, the RuntimeClass\'s, bound to a node', () => {
    for (const [key, r] of Object.entries(rendered)) {
      const pod = podOf(r.objects);
      pod.spec.tolerations = [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ...(key === 'sysbox' || key === 'kata' ? [{ key: 'gitlab-workspaces/runtime', operator: 'Equal', value: key, effect: 'NoSchedule' }] : []),
      ];
      const policy = workspacePodPolicy({ ...workspacePodPolicyOptions(r.settings), tolerationKeys: ['gitlab-workspaces/runtime'] });
      admitted(policy, requestFor(pod));
      // Once scheduled, an update (a label) of the bound pod.
      pod.spec.nodeName = 'ip-10-0-1-10.eu-west-1.compute.internal';
      admitted(policy, requestFor(pod, { operation: 'UPDATE' }));
    }
  });

  it('Sysbox and Kata pods without their RuntimeClass, or with another one', () => {
    for (const key of ['sysbox', 'kata'] as const) {
      const r = rendered[key];
      const expected = podOf(r.objects).spec.runtimeClassName as string;
      const message = `workspace pods must run in the RuntimeClass ${expected} (the runtime's sandbox; GitLab renders it from default_runtime_class)`;
      const missing = podOf(r.objects);
      delete missing.spec.runtimeClassName;
      refused(podPolicyFor(r), requestFor(missing), message);
      const other = podOf(r.objects);
      other.spec.runtimeClassName = 'runc';
      refused(podPolicyFor(r), requestFor(other), message);
    }
  });

  it('a RuntimeClass where the agent config sets none', () => {
    for (const r of [rendered.none, rendered.userNamespaces]) {
      const pod = podOf(r.objects);
      pod.spec.runtimeClassName = 'privileged-handler';
      refused(podPolicyFor(r), requestFor(pod), 'workspace pods may name no RuntimeClass (the agent config sets no default_runtime_class)');
    }
  });

  it('hostUsers true or absent with user namespaces (user-namespaces, Sysbox on containerd)', () => {
    for (const r of [rendered.userNamespaces, rendered.sysbox]) {
      const message = 'workspace pods must run in a user namespace (hostUsers: false; GitLab renders it with use_kubernetes_user_namespaces)';
      const hostUsers = podOf(r.objects);
      hostUsers.spec.hostUsers = true;
      refused(podPolicyFor(r), requestFor(hostUsers), message);
      const absent = podOf(r.objects);
      delete absent.spec.hostUsers;
      refused(podPolicyFor(r), requestFor(absent), message);
    }
  });

  it('allowPrivilegeEscalation where the runtime does not sandbox it', () => {
    const none = podOf(rendered.none.objects);
    expect(none.spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
    none.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    refused(podPolicyFor(rendered.none), requestFor(none), 'workspace containers must set allowPrivilegeEscalation: false (the agent config does not allow privilege escalation)');
    const unset = podOf(rendered.none.objects);
    delete unset.spec.initContainers[0].securityContext.allowPrivilegeEscalation;
    refused(podPolicyFor(rendered.none), requestFor(unset), 'workspace containers must set allowPrivilegeEscalation: false (the agent config does not allow privilege escalation)');

    // Kata allows it in its VM: outside the RuntimeClass the same container is refused.
    const kata = podOf(rendered.kata.objects);
    expect(kata.spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(true);
    delete kata.spec.runtimeClassName;
    refused(podPolicyFor(rendered.kata), requestFor(kata), /^workspace containers may allow privilege escalation only inside the runtime's sandbox \(RuntimeClass kata-/);
    // User namespaces allow it in the pod's user namespace only.
    const userns = podOf(rendered.userNamespaces.objects);
    userns.spec.hostUsers = true;
    refused(podPolicyFor(rendered.userNamespaces), requestFor(userns), 'workspace containers may allow privilege escalation only inside the runtime\'s sandbox (hostUsers: false); elsewhere allowPrivilegeEscalation must be false');
  });

  it('applies to pods in workspace namespaces without GitLab\'s label, and to labelled pods anywhere; not to other pods', () => {
    const r = rendered.none;
    const unlabelled = podOf(r.objects);
    delete unlabelled.metadata.labels;
    unlabelled.spec.hostPID = true;
    refused(podPolicyFor(r), requestFor(unlabelled), /hostPID/);
    const elsewhere = podOf(r.objects);
    elsewhere.metadata.namespace = 'kube-system';
    elsewhere.spec.hostPID = true;
    refused(podPolicyFor(r), requestFor(elsewhere), /hostPID/);
    const system = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'aws-node-x', namespace: 'kube-system' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] } };
    expect(evaluateAdmission(podPolicyFor(r), requestFor(system)).applies).toBe(false);
  });
});

describe('agent policy refuses writes outside what the agent does for workspaces', () => {
  let r: Rendered;
  let shared: Rendered;
  beforeAll(() => {
    r = render(loadExample('default'));
    shared = render(loadExample('proxy-disabled'));
  });
  const agent = { username: AGENT_USER };

  it('only requests of the agent\'s service account', () => {
    const d = deploymentOf(r.objects);
    d.metadata.namespace = 'kube-system';
    expect(evaluateAdmission(agentPolicyFor(r), requestFor(d, { username: 'kubernetes-admin' })).applies).toBe(false);
    expect(evaluateAdmission(agentPolicyFor(r), requestFor(d, agent)).applies).toBe(true);
  });

  it('writes in kube-system or default', () => {
    const message = 'the GitLab agent may write only in GitLab\'s workspace namespaces (gl-rd-ns-*) and its own namespace gitlab-agent';
    for (const kind of ['Deployment', 'Secret', 'ServiceAccount', 'ConfigMap']) {
      const object = clone(r.objects.find((o) => o.kind === kind)) as Json;
      object.metadata.namespace = 'kube-system';
      refused(agentPolicyFor(r), requestFor(asAdmitted(object), agent), message);
      refused(agentPolicyFor(r), requestFor(object, { ...agent, operation: 'DELETE' }), message);
    }
    const d = deploymentOf(shared.objects);
    d.metadata.namespace = 'gl-rd-ns-1-2-abcdef';
    refused(agentPolicyFor(shared), requestFor(d, agent), 'the GitLab agent may write only in the workspaces\' shared namespace workspaces and its own namespace gitlab-agent');
  });

  it('Namespaces under other names, and any Namespace with a shared namespace', () => {
    const evil = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'evil' } };
    refused(agentPolicyFor(r), requestFor(evil, agent), 'the GitLab agent may create, change and delete only namespaces named gl-rd-ns-*');
    refused(agentPolicyFor(r), requestFor({ ...evil, metadata: { name: 'kube-system' } }, { ...agent, operation: 'DELETE' }), 'the GitLab agent may create, change and delete only namespaces named gl-rd-ns-*');
    refused(agentPolicyFor(shared), requestFor({ ...evil, metadata: { name: 'gl-rd-ns-1' } }, agent), 'the GitLab agent may not create, change or delete namespaces: workspaces share the namespace workspaces');
  });

  it('a service-account token Secret', () => {
    const secret = clone(r.objects.find((o) => o.kind === 'Secret')) as Json;
    secret.type = 'kubernetes.io/service-account-token';
    secret.metadata.annotations = { 'kubernetes.io/service-account.name': 'default' };
    refused(agentPolicyFor(r), requestFor(secret, agent), 'the GitLab agent may not create service-account token Secrets (kubernetes.io/service-account-token)');
  });

  it('a NodePort or LoadBalancer Service, or externalIPs', () => {
    for (const change of [{ type: 'LoadBalancer' }, { type: 'NodePort' }, { externalIPs: ['203.0.113.10'] }]) {
      const service = asAdmitted(clone(r.objects.find((o) => o.kind === 'Service')) as Json);
      Object.assign(service.spec, change);
      refused(agentPolicyFor(r), requestFor(service, agent), /^the GitLab agent may write only ClusterIP Services/);
    }
  });

  it('pod templates that are privileged, share host namespaces, mount host paths or borrow a service account', () => {
    const mutations: Array<[(d: Json) => void, string]> = [
      [(d) => { d.spec.template.spec.containers[0].securityContext.privileged = true; }, 'the GitLab agent may not write privileged containers'],
      [(d) => { d.spec.template.spec.initContainers[0].securityContext.privileged = true; }, 'the GitLab agent may not write privileged containers'],
      [(d) => { d.spec.template.spec.hostNetwork = true; }, 'the GitLab agent may not write pods that share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)'],
      [(d) => { d.spec.template.spec.hostPID = true; }, 'the GitLab agent may not write pods that share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)'],
      [(d) => { d.spec.template.spec.hostIPC = true; }, 'the GitLab agent may not write pods that share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)'],
      [(d) => { d.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); }, 'the GitLab agent may not write pods that mount a path of the node (hostPath volumes)'],
      [(d) => { d.spec.template.spec.serviceAccountName = 'ebs-csi-controller-sa'; }, 'the GitLab agent may write only pod templates that run as the workspace\'s own service account (named as the Deployment), not as another service account of the namespace or cluster'],
      [(d) => { delete d.spec.template.spec.serviceAccountName; }, 'the GitLab agent may write only pod templates that run as the workspace\'s own service account (named as the Deployment), not as another service account of the namespace or cluster'],
      [(d) => { d.spec.template.spec.serviceAccount = 'default'; }, 'the GitLab agent may write only pod templates that run as the workspace\'s own service account (named as the Deployment), not as another service account of the namespace or cluster'],
    ];
    for (const [mutate, message] of mutations) {
      for (const rendered of [r, shared]) {
        const d = deploymentOf(rendered.objects);
        mutate(d);
        refused(agentPolicyFor(rendered), requestFor(d, agent), message);
        refused(agentPolicyFor(rendered), requestFor(d, { ...agent, operation: 'UPDATE' }), message);
      }
    }
  });

  it('pods or pod templates in its own namespace, where they would run beside it', () => {
    const d = deploymentOf(r.objects);
    d.metadata.namespace = AGENT_NAMESPACE;
    refused(agentPolicyFor(r), requestFor(d, agent), `the GitLab agent may not write pods or pod templates in its own namespace ${AGENT_NAMESPACE}`);
  });

  it('writes what agentk keeps in its own namespace (leases, events)', () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'agent', namespace: AGENT_NAMESPACE }, spec: {} };
    admitted(agentPolicyFor(r), { operation: 'UPDATE', namespace: AGENT_NAMESPACE, group: 'coordination.k8s.io', resource: 'leases', username: AGENT_USER, object: lease });
  });
});

describe('the deployed objects carry the evaluated expressions', () => {
  it('ValidatingAdmissionPolicy v1 with failurePolicy Fail, the same expressions and messages', () => {
    const def = workspacePodPolicy({ runtimeClassName: 'sysbox-runc', userNamespaces: true, allowPrivilegeEscalation: true });
    const object = validatingAdmissionPolicyObject(def) as Json;
    expect(object).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', spec: { failurePolicy: 'Fail' } });
    expect(object.spec.validations).toEqual(def.validations.map((v) => ({ ...v })));
    expect(object.spec.matchConditions).toEqual((def.matchConditions ?? []).map((c) => ({ ...c })));
  });
});

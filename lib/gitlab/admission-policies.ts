/**
 * The ValidatingAdmissionPolicies of the GitLab side, as data (pure: no cdktf), so the tests evaluate
 * with a CEL evaluator exactly the expressions the AdmissionPolicy construct deploys:
 *
 * - `agentAdmissionPolicy`: what the least-privilege agent's service account may write. RBAC cannot name
 *   namespaces that do not exist yet (GitLab's `gl-rd-ns-*`), so without `shared_namespace` the agent's
 *   ClusterRole grants its kinds everywhere; this policy refuses, for that one service account, writes
 *   outside the workspace namespaces and its own, Namespaces under other names, service-account token
 *   Secrets, Services other than ClusterIP, and pod templates that are privileged, share a host
 *   namespace, mount a host path or run as another service account than the workspace's.
 * - `workspacePodPolicy`: what a workspace pod may be, whoever creates it: exactly what GitLab renders for
 *   the configured runtime (no privileged containers, host namespaces, host paths, host ports or added
 *   capabilities; non-root; the runtime's RuntimeClass; `hostUsers: false` with user namespaces; privilege
 *   escalation only inside the runtime's sandbox).
 *
 * Only standard CEL is used (`has`, `all`, `exists`, `in`, `startsWith`, `size`, ternaries, list `+`), plus
 * the variables Kubernetes binds (`object`, `oldObject`, `request`, `variables`). Every field that may be
 * absent is guarded with `has()`: Kubernetes fails a request whose expression errors (failurePolicy Fail).
 * ValidatingAdmissionPolicy is GA since Kubernetes 1.30 (admissionregistration.k8s.io/v1).
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { LABEL_AGENT_ID, WORKSPACE_NAMESPACE_PREFIX } from '../common/gitlab-contract';

import { AdmissionPolicyDefinition, AdmissionValidation, AdmissionVariable, celString } from '../common/admission-policy';

export type {
  AdmissionMatchCondition, AdmissionPolicyDefinition, AdmissionResourceRule, AdmissionValidation, AdmissionVariable,
} from '../common/admission-policy';
export { celString, validatingAdmissionPolicyBindingObject, validatingAdmissionPolicyObject } from '../common/admission-policy';

// ---------------------------------------------------------------------------------------------------
// Fragments over `variables.podSpec` (a pod spec, or null) and `variables.containers` (all its containers)

/** The pod spec's containers, init containers and ephemeral containers (empty without a pod spec). */
const CONTAINERS_VARIABLE: AdmissionVariable = {
  name: 'containers',
  expression: 'variables.podSpec == null ? [] : variables.podSpec.containers'
    + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])'
    + ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
};

/** `c.securityContext.<field>` when set, else `fallback`. */
const securityField = (c: string, field: string, fallback: string) =>
  `(has(${c}.securityContext) && has(${c}.securityContext.${field}) ? ${c}.securityContext.${field} : ${fallback})`;

/** `variables.podSpec.<field>` when set, else `fallback`. */
const podField = (field: string, fallback: string) =>
  `(has(variables.podSpec.${field}) ? variables.podSpec.${field} : ${fallback})`;

const NOT_PRIVILEGED = `variables.containers.all(c, ${securityField('c', 'privileged', 'false')} == false)`;
const NO_HOST_NAMESPACES = `variables.podSpec == null || (${['hostNetwork', 'hostPID', 'hostIPC'].map((f) => `${podField(f, 'false')} == false`).join(' && ')})`;
const NO_HOST_PATH = 'variables.podSpec == null || !has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))';

/** A pod spec or container whose seccomp profile, if it names one, is the runtime's default. */
const seccompAllowed = (o: string) =>
  `(!has(${o}.securityContext) || !has(${o}.securityContext.seccompProfile) || ${o}.securityContext.seccompProfile.type == "RuntimeDefault")`;

// ---------------------------------------------------------------------------------------------------
// The agent's writes

export interface AgentAdmissionPolicyOptions {
  /** The agent's namespace (leases, events: what agentk keeps there). */
  readonly agentNamespace: string;
  /** The agent's service account. */
  readonly serviceAccount: string;
  /**
   * The namespace workspaces share (`shared_namespace`): the only workspace namespace, and the agent may
   * write no Namespace. Absent: GitLab's `gl-rd-ns-*` namespaces, which the agent creates and deletes.
   */
  readonly sharedNamespace?: string;
  /** @default `gitlab-agent-<agent namespace>-writes` */
  readonly name?: string;
}

/** The Kubernetes user name of a service account. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** CEL: the request is in GitLab's workspace namespaces (`gl-rd-ns-*`), or the shared namespace when set. */
function inWorkspaceNamespaceCel(sharedNamespace: string | undefined): string {
  return sharedNamespace !== undefined
    ? `request.namespace == ${celString(sharedNamespace)}`
    : `request.namespace.startsWith(${celString(WORKSPACE_NAMESPACE_PREFIX)})`;
}

/**
 * What the least-privilege agent may write (see the file comment). Bound to every namespace, matched to
 * the agent's service account by a match condition; the agent's ClusterRole and Roles still decide what
 * it may do at all.
 */
export function agentAdmissionPolicy(options: AgentAdmissionPolicyOptions): AdmissionPolicyDefinition {
  const { agentNamespace, sharedNamespace } = options;
  const workspaceNamespaces = inWorkspaceNamespaceCel(sharedNamespace);
  const where = sharedNamespace !== undefined
    ? `the workspaces' shared namespace ${sharedNamespace}`
    : `GitLab's workspace namespaces (${WORKSPACE_NAMESPACE_PREFIX}*)`;
  return {
    name: options.name ?? `gitlab-agent-${agentNamespace}-writes`,
    resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'] }],
    matchConditions: [{ name: 'gitlab-agent', expression: `request.userInfo.username == ${celString(serviceAccountUser(agentNamespace, options.serviceAccount))}` }],
    variables: [
      { name: 'isNamespace', expression: 'request.resource.group == "" && request.resource.resource == "namespaces"' },
      { name: 'target', expression: 'request.operation == "DELETE" ? oldObject : object' },
      {
        name: 'podSpec',
        expression: 'request.operation == "DELETE" ? null'
          + ' : request.resource.group == "" && request.resource.resource == "pods" ? object.spec'
          + ' : has(object.spec) && has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec'
          + ' : null',
      },
      CONTAINERS_VARIABLE,
    ],
    validations: [
      {
        // Cluster-scoped writes other than Namespaces are left to RBAC (the agent's roles grant none; the
        // reviews agentk may create, such as SelfSubjectAccessReview, are cluster-scoped too).
        expression: `variables.isNamespace || request.namespace == "" || ${workspaceNamespaces} || request.namespace == ${celString(agentNamespace)}`,
        message: `the GitLab agent may write only in ${where} and its own namespace ${agentNamespace}`,
        reason: 'Forbidden',
      },
      {
        expression: sharedNamespace !== undefined
          ? '!variables.isNamespace'
          : `!variables.isNamespace || variables.target.metadata.name.startsWith(${celString(WORKSPACE_NAMESPACE_PREFIX)})`,
        message: sharedNamespace !== undefined
          ? `the GitLab agent may not create, change or delete namespaces: workspaces share the namespace ${sharedNamespace}`
          : `the GitLab agent may create, change and delete only namespaces named ${WORKSPACE_NAMESPACE_PREFIX}*`,
        reason: 'Forbidden',
      },
      {
        expression: '!(request.resource.group == "" && request.resource.resource == "secrets") || request.operation == "DELETE"'
          + ' || !has(object.type) || object.type != "kubernetes.io/service-account-token"',
        message: 'the GitLab agent may not create service-account token Secrets (kubernetes.io/service-account-token)',
        reason: 'Forbidden',
      },
      {
        expression: '!(request.resource.group == "" && request.resource.resource == "services") || request.operation == "DELETE"'
          + ' || ((!has(object.spec.type) || object.spec.type == "ClusterIP") && (!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0))',
        message: 'the GitLab agent may write only ClusterIP Services without externalIPs (GitLab renders no Service type): a NodePort or LoadBalancer Service would expose a workspace without the proxy\'s sign-in',
        reason: 'Forbidden',
      },
      {
        // agentk keeps leases and config there, never workloads: one there would run beside the agent,
        // outside the workspace pod policy.
        expression: `variables.podSpec == null || request.namespace != ${celString(agentNamespace)}`,
        message: `the GitLab agent may not write pods or pod templates in its own namespace ${agentNamespace}`,
        reason: 'Forbidden',
      },
      { expression: NOT_PRIVILEGED, message: 'the GitLab agent may not write privileged containers', reason: 'Forbidden' },
      { expression: NO_HOST_NAMESPACES, message: 'the GitLab agent may not write pods that share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)', reason: 'Forbidden' },
      { expression: NO_HOST_PATH, message: 'the GitLab agent may not write pods that mount a path of the node (hostPath volumes)', reason: 'Forbidden' },
      {
        expression: 'variables.podSpec == null || request.resource.resource == "pods"'
          + ' || (has(variables.podSpec.serviceAccountName) && variables.podSpec.serviceAccountName == object.metadata.name'
          + ' && (!has(variables.podSpec.serviceAccount) || variables.podSpec.serviceAccount == object.metadata.name))',
        message: 'the GitLab agent may write only pod templates that run as the workspace\'s own service account (named as the Deployment), not as another service account of the namespace or cluster',
        reason: 'Forbidden',
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Workspace pods

export interface WorkspacePodPolicyOptions {
  /**
   * The RuntimeClass every workspace pod names (`default_runtime_class`: Sysbox, Kata); absent: workspace
   * pods name none.
   */
  readonly runtimeClassName?: string;
  /** Workspace pods run in a user namespace (`use_kubernetes_user_namespaces`): `hostUsers: false`. */
  readonly userNamespaces: boolean;
  /**
   * Containers may allow privilege escalation (`allow_privilege_escalation`), inside the runtime's sandbox
   * only (the RuntimeClass above, or a user namespace).
   */
  readonly allowPrivilegeEscalation: boolean;
  /** The namespace workspaces share (`shared_namespace`): every pod there is a workspace pod. */
  readonly sharedNamespace?: string;
  /**
   * Keys of the node taints a workspace pod may tolerate besides Kubernetes' own not-ready and unreachable
   * (which every pod gets): those of the runtime's nodes, whose RuntimeClass adds the tolerations.
   * @default none
   */
  readonly tolerationKeys?: readonly string[];
  /** @default 'gitlab-workspace-pods' */
  readonly name?: string;
}

/** Tolerations Kubernetes itself gives every pod (DefaultTolerationSeconds): NoExecute on a failing node. */
const DEFAULT_TOLERATION_KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** The workspace pod policy's options for an agent's settings: what GitLab renders with them. */
export function workspacePodPolicyOptions(settings: RemoteDevelopmentSettings): WorkspacePodPolicyOptions {
  return {
    ...(settings.defaultRuntimeClass !== '' && { runtimeClassName: settings.defaultRuntimeClass }),
    userNamespaces: settings.useKubernetesUserNamespaces,
    allowPrivilegeEscalation: settings.allowPrivilegeEscalation,
    ...(settings.sharedNamespace !== '' && { sharedNamespace: settings.sharedNamespace }),
  };
}

/**
 * What a workspace pod may be: exactly what GitLab renders for the runtime (see the file comment). It
 * applies to pods that carry GitLab's agent label (`agent.gitlab.com/id`, on every workspace pod) and to
 * every pod in GitLab's workspace namespaces (`gl-rd-ns-*`, or the shared namespace), created or updated,
 * ephemeral containers included (`kubectl debug`).
 */
export function workspacePodPolicy(options: WorkspacePodPolicyOptions): AdmissionPolicyDefinition {
  const { runtimeClassName, userNamespaces, allowPrivilegeEscalation, sharedNamespace } = options;
  const tolerable = [...DEFAULT_TOLERATION_KEYS, ...(options.tolerationKeys ?? [])];
  const runtimeClass = runtimeClassName !== undefined
    ? `(has(variables.podSpec.runtimeClassName) && variables.podSpec.runtimeClassName == ${celString(runtimeClassName)})`
    : undefined;
  const userNamespace = '(has(variables.podSpec.hostUsers) && variables.podSpec.hostUsers == false)';
  // The sandboxes that make privilege escalation harmless to the node: the runtime's, when it has one.
  const sandboxes = [runtimeClass, userNamespaces ? userNamespace : undefined].filter((s): s is string => s !== undefined);
  const sandboxed = allowPrivilegeEscalation && sandboxes.length > 0 ? sandboxes.join(' || ') : undefined;
  const noEscalation = `variables.containers.all(c, ${securityField('c', 'allowPrivilegeEscalation', 'true')} == false)`;

  const inWorkspaceNamespace = inWorkspaceNamespaceCel(sharedNamespace);
  const validations: AdmissionValidation[] = [
    { expression: NOT_PRIVILEGED, message: 'workspace pods may not run privileged containers', reason: 'Forbidden' },
    { expression: NO_HOST_NAMESPACES, message: 'workspace pods may not share the node\'s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)', reason: 'Forbidden' },
    { expression: NO_HOST_PATH, message: 'workspace pods may not mount a path of the node (hostPath volumes)', reason: 'Forbidden' },
    {
      expression: 'variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))',
      message: 'workspace pods may not bind ports of the node (hostPort)',
      reason: 'Forbidden',
    },
    {
      expression: 'variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities)'
        + ' || !has(c.securityContext.capabilities.add) || size(c.securityContext.capabilities.add) == 0)',
      message: 'workspace pods may not add Linux capabilities (GitLab adds none)',
      reason: 'Forbidden',
    },
    {
      expression: 'has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.runAsNonRoot) && variables.podSpec.securityContext.runAsNonRoot == true'
        + ` && variables.containers.all(c, ${securityField('c', 'runAsNonRoot', 'true')} == true && ${securityField('c', 'runAsUser', '1')} != 0)`,
      message: 'workspace pods run as a non-root user (GitLab renders runAsNonRoot: true and runAsUser 5001)',
      reason: 'Forbidden',
    },
    {
      expression: `${seccompAllowed('variables.podSpec')} && variables.containers.all(c, ${seccompAllowed('c')})`,
      message: 'workspace pods may not set a seccomp profile other than RuntimeDefault (Unconfined or a node\'s Localhost profile would lift the nodes\' default filter)',
      reason: 'Forbidden',
    },
    {
      expression: `variables.containers.all(c, ${securityField('c', 'procMount', '"Default"')} == "Default")`
        + ' && (!has(variables.podSpec.securityContext) || !has(variables.podSpec.securityContext.sysctls) || size(variables.podSpec.securityContext.sysctls) == 0)',
      message: 'workspace pods may not unmask /proc (procMount) or set sysctls (GitLab renders neither)',
      reason: 'Forbidden',
    },
    {
      // The scheduler places workspace pods (it binds through pods/binding, which this policy does not see).
      expression: 'request.operation != "CREATE" || !has(variables.podSpec.nodeName) || variables.podSpec.nodeName == ""',
      message: 'workspace pods may not name their node (nodeName): the scheduler places them on workspace nodes',
      reason: 'Forbidden',
    },
    {
      expression: `!has(variables.podSpec.tolerations) || variables.podSpec.tolerations.all(t, has(t.key) && t.key in ${JSON.stringify(tolerable)})`,
      message: `workspace pods may tolerate only the taints ${tolerable.join(', ')} (GitLab renders no toleration; Kubernetes and the runtime's RuntimeClass add these), not a system node's or every taint`,
      reason: 'Forbidden',
    },
    {
      expression: '(!has(variables.podSpec.automountServiceAccountToken) || variables.podSpec.automountServiceAccountToken == false)'
        + ' && (!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.projected) || !has(v.projected.sources)'
        + ' || v.projected.sources.all(src, !has(src.serviceAccountToken))))',
      message: 'workspace pods may not mount a service account token (GitLab renders automountServiceAccountToken: false)',
      reason: 'Forbidden',
    },
    runtimeClass !== undefined
      ? { expression: runtimeClass, message: `workspace pods must run in the RuntimeClass ${runtimeClassName} (the runtime's sandbox; GitLab renders it from default_runtime_class)`, reason: 'Forbidden' }
      : { expression: '!has(variables.podSpec.runtimeClassName)', message: 'workspace pods may name no RuntimeClass (the agent config sets no default_runtime_class)', reason: 'Forbidden' },
    ...(userNamespaces
      ? [{ expression: userNamespace, message: 'workspace pods must run in a user namespace (hostUsers: false; GitLab renders it with use_kubernetes_user_namespaces)', reason: 'Forbidden' as const }]
      : []),
    {
      expression: sandboxed !== undefined ? `${noEscalation} || ${sandboxed}` : noEscalation,
      message: sandboxed !== undefined
        ? `workspace containers may allow privilege escalation only inside the runtime's sandbox (${sandboxes.length === 2 ? `RuntimeClass ${runtimeClassName} or hostUsers: false` : runtimeClass !== undefined ? `RuntimeClass ${runtimeClassName}` : 'hostUsers: false'}); elsewhere allowPrivilegeEscalation must be false`
        : 'workspace containers must set allowPrivilegeEscalation: false (the agent config does not allow privilege escalation)',
      reason: 'Forbidden',
    },
  ];
  return {
    name: options.name ?? 'gitlab-workspace-pods',
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers'], operations: ['CREATE', 'UPDATE'] }],
    matchConditions: [{
      name: 'workspace-pod',
      expression: `(has(object.metadata.labels) && ${celString(LABEL_AGENT_ID)} in object.metadata.labels) || ${inWorkspaceNamespace}`,
    }],
    variables: [{ name: 'podSpec', expression: 'object.spec' }, CONTAINERS_VARIABLE],
    validations,
  };
}

// ---------------------------------------------------------------------------------------------------
// The Kubernetes objects


import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Scheduling, schedulingValues } from '../cluster/scheduling';
import { HELM_RELEASE_SETTINGS } from '../cluster/helm-release';
import { baselineNamespace } from './namespace';
import { agentAdmissionPolicy } from './admission-policies';
import { AdmissionPolicy } from '../cluster/admission-policy';
import { AGENT_NAMESPACE_RULES, PolicyRule, sharedNamespaceRules, workspaceClusterRules } from './agent-rbac';
import { AGENT_CHART, AGENT_CHART_REPOSITORY, DEFAULT_AGENT_CHART_VERSION } from './versions';
import { disruptionBudget, spreadValues } from './availability';

/**
 * The agent's Kubernetes permissions: only what workspaces need (`least-privilege`), or the chart's
 * cluster-admin binding (`cluster-admin`: the agent's token, and whoever can push its config file, own the
 * cluster).
 */
export type AgentRbac = 'cluster-admin' | 'least-privilege';

/** The key of the token in the agent's Secret (the chart mounts it at /etc/agentk/secrets/token). */
export const AGENT_TOKEN_SECRET_KEY = 'token';
/** The agent's service account (named, so least-privilege bindings can name it). */
export const AGENT_SERVICE_ACCOUNT = 'gitlab-agent';

/**
 * The labels of the agent's pods: the chart's selector labels (`app.kubernetes.io/name` the chart's name,
 * `app.kubernetes.io/instance` the release, which is the agent's name).
 */
export function agentPodLabels(agentName: string): Record<string, string> {
  return { 'app.kubernetes.io/name': AGENT_CHART, 'app.kubernetes.io/instance': agentName };
}

export interface GitLabAgentProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /** The agent's name in GitLab; also the Helm release's name. */
  readonly agentName: string;
  /**
   * The agent's token: a sensitive Terraform variable, or `gitlab_cluster_agent_token.token` (see
   * GitLabAgentRegistration). It goes into a Kubernetes Secret, never into the chart's values.
   */
  readonly token: string;
  /** The agent server address, such as `wss://kas.gitlab.com` (see `defaultKasAddress`). */
  readonly kasAddress: string;
  /**
   * The namespace the stack creates for the agent.
   * @default 'gitlab-agent'
   */
  readonly namespace?: string;
  /**
   * The gitlab-agent chart version from https://charts.gitlab.io.
   * @default DEFAULT_AGENT_CHART_VERSION
   */
  readonly chartVersion?: string;
  /**
   * The agentk image tag (chart value `image.tag`), such as `v18.9.0`: GitLab supports an agent of its own
   * minor version or one behind, while the chart's default image follows the chart (2.26.0 runs an 18.11
   * agent). See `agentImageTagFor` for the tag of a GitLab version.
   * @default the chart's own (its appVersion): right for GitLab.com, which runs the newest
   */
  readonly imageTag?: string;
  /**
   * Agent pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Spread the replicas over nodes and zones, and a PodDisruptionBudget (`maxUnavailable: 1`) so that a
   * node roll never takes both.
   * @default true
   */
  readonly highAvailability?: boolean;
  /**
   * `least-privilege` (roles limited to what the remote_development module does, an admission policy on
   * the agent's writes, no container-scanning RBAC; see agent-rbac.ts for what stops working) or
   * `cluster-admin` (the chart's binding: a leaked agent token, or a push to the agent's config file that
   * adds `ci_access`/`user_access`, owns the cluster).
   * @default 'least-privilege'
   */
  readonly rbac?: AgentRbac;
  /**
   * The namespace workspaces share (`shared_namespace`; create it before the agent, see the stack). With
   * `least-privilege`: the agent writes there through a Role, and may not create or delete namespaces.
   * @default none: each workspace gets its own `gl-rd-ns-*` namespace
   */
  readonly sharedNamespace?: string;
  /** Where the agent runs (the system nodes). @default anywhere */
  readonly scheduling?: Scheduling;
  /**
   * Resources the release waits for. On destroy the release goes first: pass whatever must outlive the
   * agent (such as the workspace volume cleanup, which must not run while the agent recreates workspaces).
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The GitLab agent for Kubernetes (agentk) from GitLab's Helm chart, in its own namespace: its token in a
 * Kubernetes Secret the chart reads (`config.secretName`), its pods on the nodes `scheduling` names, and
 * either the chart's cluster-admin binding or a role limited to what the remote_development module needs.
 * Register the agent and commit its config with GitLabAgentRegistration, or by hand.
 */
export class GitLabAgent extends Construct {
  readonly namespace: NamespaceV1;
  readonly tokenSecret: SecretV1;
  readonly release: Release;
  /** The least-privilege ClusterRole (with `rbac: least-privilege`). */
  readonly clusterRole?: ClusterRoleV1;
  /** The Role in the shared namespace (with `rbac: least-privilege` and `sharedNamespace`). */
  readonly sharedNamespaceRole?: RoleV1;
  /** What the agent's service account may write (with `rbac: least-privilege`). */
  readonly admissionPolicy?: AdmissionPolicy;
  /** One agent pod evicted at a time (with `highAvailability`, the default). */
  readonly disruptionBudget?: PodDisruptionBudgetV1;

  constructor(scope: Construct, id: string, props: GitLabAgentProps) {
    super(scope, id);
    const provider = props.kubernetesProvider;
    const ns = props.namespace ?? 'gitlab-agent';
    const rbac = props.rbac ?? 'least-privilege';
    const shared = props.sharedNamespace;

    this.namespace = baselineNamespace(this, 'namespace', provider, ns);
    // Names are literals (known at synth time, readable in the chart's values); the explicit dependencies
    // below order the resources instead.
    const secretName = `${props.agentName}-agent-token`;
    this.tokenSecret = new SecretV1(this, 'token', {
      provider,
      metadata: { name: secretName, namespace: ns },
      type: 'Opaque',
      data: { [AGENT_TOKEN_SECRET_KEY]: props.token },
      dependsOn: [this.namespace],
    });

    const waitFor: ITerraformDependable[] = [this.namespace, this.tokenSecret];
    if (rbac === 'least-privilege') {
      const name = `gitlab-agent-${props.agentName}-remote-development`;
      const subject = [{ kind: 'ServiceAccount', name: AGENT_SERVICE_ACCOUNT, namespace: ns }];
      // The admission policy first: the agent's writes are checked from its first start.
      this.admissionPolicy = new AdmissionPolicy(this, 'admission-policy', {
        kubernetesProvider: provider,
        definition: agentAdmissionPolicy({
          agentNamespace: ns, serviceAccount: AGENT_SERVICE_ACCOUNT, ...(shared !== undefined && { sharedNamespace: shared }), name: `${name}-writes`,
        }),
      });
      this.clusterRole = new ClusterRoleV1(this, 'cluster-role', { provider, metadata: { name }, rule: rules(workspaceClusterRules({ sharedNamespace: shared !== undefined })) });
      const binding = new ClusterRoleBindingV1(this, 'cluster-role-binding', {
        provider,
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.metadata.name },
        subject,
      });
      const role = new RoleV1(this, 'role', {
        provider, metadata: { name: 'gitlab-agent', namespace: ns }, rule: rules(AGENT_NAMESPACE_RULES), dependsOn: [this.namespace],
      });
      const roleBinding = new RoleBindingV1(this, 'role-binding', {
        provider,
        metadata: { name: 'gitlab-agent', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
        subject,
      });
      waitFor.push(binding, roleBinding, this.admissionPolicy.binding);
      if (shared !== undefined) {
        // The workspaces' writes, in their namespace only (the stack creates it before the agent).
        this.sharedNamespaceRole = new RoleV1(this, 'shared-namespace-role', {
          provider, metadata: { name, namespace: shared }, rule: rules(sharedNamespaceRules()), dependsOn: props.dependsOn,
        });
        waitFor.push(new RoleBindingV1(this, 'shared-namespace-role-binding', {
          provider,
          metadata: { name, namespace: shared },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.sharedNamespaceRole.metadata.name },
          subject,
          dependsOn: props.dependsOn,
        }));
      }
    }

    const highAvailability = props.highAvailability ?? true;
    const podLabels = agentPodLabels(props.agentName);
    const values = {
      replicas: props.replicas ?? 2,
      // The chart's default image follows the chart, not the GitLab instance (see imageTag).
      ...(props.imageTag !== undefined && { image: { tag: props.imageTag } }),
      // The chart's operational container scanning RBAC (a ClusterRole reading every Secret, bound to the
      // scanner's service account) follows this value, not rbac.create: off unless the agent is cluster-admin.
      config: { kasAddress: props.kasAddress, secretName, operational_container_scanning: { enabled: rbac === 'cluster-admin' } },
      // cluster-admin is the chart's own binding; least-privilege binds the roles above instead.
      rbac: { create: rbac === 'cluster-admin' },
      serviceAccount: { create: true, name: AGENT_SERVICE_ACCOUNT },
      // With config.secretName the chart adds no checksum of the token, and agentk reads its token file once,
      // at start (os.ReadFile in agentkapp's constructKasConnection): a rotated token (a new Secret version)
      // restarts the pods, or they keep a revoked token.
      podAnnotations: { 'checksum/token': this.tokenSecret.metadata.resourceVersion },
      // Requests so the scheduler reserves room on the system nodes; a memory limit so a leak cannot starve them.
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      ...schedulingValues(props.scheduling),
      ...(highAvailability && spreadValues(podLabels)),
    };
    if (highAvailability) {
      this.disruptionBudget = disruptionBudget(this, 'disruption-budget', {
        provider, name: props.agentName, namespace: ns, labels: podLabels, dependsOn: [this.namespace],
      });
    }
    this.release = new Release(this, 'release', {
      provider: props.helmProvider,
      name: props.agentName,
      namespace: ns,
      repository: AGENT_CHART_REPOSITORY,
      chart: AGENT_CHART,
      version: props.chartVersion ?? DEFAULT_AGENT_CHART_VERSION,
      values: [JSON.stringify(values)],
      ...HELM_RELEASE_SETTINGS,
      dependsOn: [...waitFor, ...(props.dependsOn ?? [])],
    });
  }
}

function rules(list: readonly PolicyRule[]): Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> {
  return list.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] }));
}

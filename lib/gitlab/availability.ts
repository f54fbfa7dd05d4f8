import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';

/**
 * Keeping a replicated system component (the GitLab agent, the workspaces proxy) up while its nodes roll:
 * its replicas spread over nodes and zones (chart values), and a PodDisruptionBudget so a drain (a managed
 * node group update, the autoscaler scaling in) evicts one replica at a time and never takes both.
 */

/** The well-known node labels the replicas spread over. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector: { readonly matchLabels: Record<string, string> };
}

/**
 * Chart values spreading the pods `labels` select: over nodes as a rule (`DoNotSchedule`: two replicas
 * never share a node while another system node can take one; with a single node there is one domain and
 * nothing is held back), over zones when possible (`ScheduleAnyway`: a zone short of room does not block a
 * roll). Both as `topologySpreadConstraints` and as a preferred pod anti-affinity on the node (`affinity`),
 * so a chart that reads only one of the two keys still spreads its pods. (Both charts read `affinity` and
 * select their pods by Helm's standard `app.kubernetes.io/name` and `app.kubernetes.io/instance` labels, as
 * public modules for the gitlab-agent chart rely on; `topologySpreadConstraints` is not verified for either.)
 */
export function spreadValues(labels: Readonly<Record<string, string>>): {
  topologySpreadConstraints: TopologySpreadConstraint[];
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: Array<{ weight: number; podAffinityTerm: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } } }> } };
} {
  const selector = () => ({ matchLabels: { ...labels } });
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: HOSTNAME_TOPOLOGY_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector() },
      { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector() },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY_KEY, labelSelector: selector() } }],
      },
    },
  };
}

/**
 * A PodDisruptionBudget allowing one of the pods `labels` select to be evicted at a time
 * (`maxUnavailable: 1`: with two replicas a drain never takes both; with one it does not block the drain
 * forever, as `minAvailable: 1` would).
 */
export function disruptionBudget(scope: Construct, id: string, props: {
  readonly provider: TerraformProvider;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
}): PodDisruptionBudgetV1 {
  return new PodDisruptionBudgetV1(scope, id, {
    provider: props.provider,
    metadata: { name: props.name, namespace: props.namespace },
    spec: { maxUnavailable: '1', selector: { matchLabels: { ...props.labels } } },
    dependsOn: props.dependsOn,
  });
}

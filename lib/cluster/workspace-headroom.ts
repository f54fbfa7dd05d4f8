/**
 * Warm headroom for workspaces: placeholder pods that hold a workspace's worth of room on the workspace
 * nodes, so a new workspace takes a running node's room at once (the scheduler preempts a placeholder)
 * instead of waiting 30-70 s for a node, and the Cluster Autoscaler adds a node for the displaced
 * placeholder in the background. The pattern of the Cluster Autoscaler FAQ ("How can I configure
 * overprovisioning with Cluster Autoscaler?",
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md).
 *
 * - PriorityClass: value HEADROOM_PRIORITY (-5), below every workspace (GitLab renders no
 *   `priorityClassName`, so workspaces have priority 0) and above the autoscaler's
 *   `--expendable-pods-priority-cutoff` (default -10): pods below the cutoff are "expendable", do not
 *   trigger scale-up and do not keep nodes from being removed, which would leave no headroom at all.
 *   `preemptionPolicy: Never`: a placeholder never preempts anything itself.
 * - One Deployment per zone (each pinned to its zone's workspace node group by `topology.kubernetes.io/zone`):
 *   the autoscaler grows the group of the zone that lost its room, so every zone keeps some (a stopped
 *   workspace's EBS volume can only come back in its own zone).
 * - In their own unlabelled namespace (not `gl-rd-ns-*`, no GitLab agent label: GitLab's workspace
 *   admission policies do not apply, and GitLab's agent never touches them), no service account token,
 *   `registry.k8s.io/pause` pinned by digest, non-root, read-only, nothing to gain from an escape.
 * - Requests equal a default-sized workspace's (as GitLab renders it, init containers and the
 *   RuntimeClass overhead included), so one preempted placeholder makes room for exactly one workspace.
 */
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import type { Toleration } from './cluster-autoscaler';

/** The pause image, pinned by digest (3.10: the multi-arch index). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';
/** The namespace of the placeholders and the image pre-puller. */
export const WARM_NAMESPACE = 'gitlab-workspaces-warm';
export const HEADROOM_PRIORITY_CLASS = 'gitlab-workspaces-headroom';
/**
 * The placeholders' priority: below workspaces (0), above the Cluster Autoscaler's default
 * `--expendable-pods-priority-cutoff` (-10), so they still trigger scale-up and keep their nodes.
 */
export const HEADROOM_PRIORITY = -5;
/** The Cluster Autoscaler's default `--expendable-pods-priority-cutoff`. */
export const AUTOSCALER_EXPENDABLE_PODS_PRIORITY_CUTOFF = -10;
/** The node label of a node's zone (set by the kubelet; the autoscaler's node templates carry it). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** A non-root, read-only, capability-less container security context. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: '65534',
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface HeadroomZone {
  /** A short id for the Deployment name (the group index: `0`, `1`...). */
  readonly id: string;
  /** The zone name (a literal or a reference); absent: one Deployment across zones. */
  readonly zone?: string;
}

export interface WorkspaceHeadroomProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** Placeholders per zone (workspaces' worth of room kept free in each). */
  readonly replicasPerZone: number;
  /** The zones (one Deployment each). */
  readonly zones: readonly HeadroomZone[];
  /** Requests of one placeholder: a default-sized workspace's. */
  readonly requests: { readonly cpu?: string; readonly memory?: string };
  /** Node labels of the workspace nodes placeholders go to (the current generation, the runtime's). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of those nodes' taints (the runtime's). @default none */
  readonly tolerations?: readonly Toleration[];
  /** The namespace, made by the caller (shared with the pre-puller). */
  readonly namespace: NamespaceV1;
  /** Resources to wait for. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** The warm-headroom placeholders: a PriorityClass and one Deployment of pause pods per zone. */
export class WorkspaceHeadroom extends Construct {
  readonly priorityClass: PriorityClassV1;
  readonly deployments: DeploymentV1[];

  constructor(scope: Construct, id: string, props: WorkspaceHeadroomProps) {
    super(scope, id);
    if (!Number.isInteger(props.replicasPerZone) || props.replicasPerZone < 1) {
      throw new Error(`WorkspaceHeadroom: replicasPerZone must be a whole number of at least 1 (got ${props.replicasPerZone})`);
    }
    if (props.requests.cpu === undefined && props.requests.memory === undefined) {
      throw new Error('WorkspaceHeadroom: placeholders need requests (a default workspace\'s), or they hold no room');
    }
    const provider = props.kubernetesProvider;
    this.priorityClass = new PriorityClassV1(this, 'priority-class', {
      provider,
      metadata: { name: HEADROOM_PRIORITY_CLASS },
      value: HEADROOM_PRIORITY,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: 'Placeholders holding room for GitLab workspaces: any workspace preempts them',
      dependsOn: props.dependsOn,
    });
    const resources = { requests: { ...props.requests }, limits: { ...props.requests } };
    this.deployments = props.zones.map((z) => {
      const labels = { 'app.kubernetes.io/name': 'workspace-headroom', 'app.kubernetes.io/instance': `zone-${z.id}` };
      return new DeploymentV1(this, `placeholders-${z.id}`, {
        provider,
        metadata: { name: `workspace-headroom-${z.id}`, namespace: props.namespace.metadata.name, labels },
        // Placeholders wait for nodes the autoscaler adds: the apply does not.
        waitForRollout: false,
        spec: {
          replicas: String(props.replicasPerZone),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              priorityClassName: this.priorityClass.metadata.name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              // Preempted at once: nothing to shut down.
              terminationGracePeriodSeconds: 0,
              nodeSelector: { ...props.nodeSelector, ...(z.zone === undefined ? {} : { [ZONE_LABEL]: z.zone }) },
              toleration: (props.tolerations ?? []).map((t) => ({ ...t })),
              securityContext: { runAsNonRoot: true, runAsUser: '65534', seccompProfile: { type: 'RuntimeDefault' } },
              container: [{
                name: 'placeholder',
                image: PAUSE_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                resources,
                securityContext: RESTRICTED_CONTAINER,
              }],
            },
          },
        },
      });
    });
  }
}

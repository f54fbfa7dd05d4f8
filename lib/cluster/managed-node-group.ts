import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AutoscalingGroupTagA as AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { boundedName, LAUNCH_TEMPLATE_NAME_PREFIX_MAX, NODE_GROUP_NAME_PREFIX_MAX } from './names';

/** A Kubernetes taint, in Kubernetes' own spelling of the effect. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface ManagedNodeGroupProps {
  /** The cluster to join (its name; a reference to the cluster resource orders the group after it). */
  readonly clusterName: string;
  /**
   * Node group name prefix, at most 36 characters before the `-` this construct adds (EKS appends a
   * suffix, so a replacement can be created before the old group is destroyed).
   */
  readonly name: string;
  /**
   * Prefix of the launch template's name.
   * @default `<clusterName>-<name>-` when the cluster name is a literal, else `<name>-`
   */
  readonly launchTemplateNamePrefix?: string;
  /**
   * The Kubernetes version of the nodes (`version`). Give the cluster's version (a reference to the
   * cluster resource) and the nodes follow the control plane: an upgrade rolls them after it.
   * @default EKS's choice at creation (the cluster's version), never updated afterwards
   */
  readonly kubernetesVersion?: string;
  /**
   * The AMI release (`release_version`), e.g. from the public SSM parameter of the AMI type (see
   * `amiReleaseVersionParameter`): a new release rolls the nodes.
   * @default the newest release at creation, never updated afterwards
   */
  readonly releaseVersion?: string;
  /**
   * Apply changes of the node template (launch template, instance types, AMI type and release,
   * Kubernetes version, capacity type, node role) only when the group is created, never to a running group
   * (Terraform ignores them afterwards). A managed node group applies such changes by draining and
   * replacing every node, which would evict the single-replica pods of running workspaces; with this on,
   * a template change reaches nodes through a new group (see the stack's workspace node generations),
   * at a time the operator chooses. The group's `labels` are part of the template too: set at creation and
   * never changed on its running nodes, since they say what the nodes were built for (an installer selects
   * nodes by them). Sizes and taints still update in place, without replacing nodes. The names (node group
   * and launch template name prefixes) are kept too: a renamed group (the stack's zone-keyed names) keeps
   * its nodes rather than being replaced under a new name.
   * @default false (template changes roll the nodes)
   */
  readonly keepNodesOnTemplateChange?: boolean;
  /**
   * Keep the AMI release the nodes were created with (Terraform ignores later changes to `releaseVersion`),
   * so an apply never rolls the nodes because AWS published a newer image; a `kubernetesVersion` change
   * still rolls them, to the newest release of the new version (the AWS provider sends no release with
   * it then). For a group whose release is read from SSM and bumped explicitly by giving a literal release
   * instead. Implied by `keepNodesOnTemplateChange`.
   * @default false (a new `releaseVersion` rolls the nodes)
   */
  readonly keepImageRelease?: boolean;
  /**
   * More plan-time checks of the running group: postconditions, each an HCL expression over `self` (without
   * `${}`) and the error message when it is false (which may interpolate `${self...}`).
   * @default none
   */
  readonly postconditions?: ReadonlyArray<{ readonly condition: string; readonly message: string }>;
  /**
   * Per-group Cluster Autoscaler options, as Auto Scaling group tags
   * `k8s.io/cluster-autoscaler/node-template/autoscaling-options/<option>` (for example
   * `scaledownutilizationthreshold`, `ignoredaemonsetsutilization`, `scaledownunneededtime`). Needs
   * `clusterAutoscalerTags`.
   * @default none
   */
  readonly autoscalingOptions?: Readonly<Record<string, string>>;
  /** The node IAM role's ARN. */
  readonly nodeRoleArn: string;
  /** Subnets to launch nodes into (private subnets; one subnet for a zonal group). */
  readonly subnetIds: string[];
  /** EC2 instance types. */
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  /**
   * Nodes at creation; afterwards the autoscaler owns it (Terraform ignores drift on it). A plan refuses
   * `minSize`/`maxSize` the running group's desired size falls outside (EKS would refuse them half-way
   * through the apply), naming the command that sets the desired size first (see sizeConditions).
   */
  readonly desiredSize: number;
  readonly maxSize: number;
  /**
   * @default 'ON_DEMAND'
   */
  readonly capacityType?: 'ON_DEMAND' | 'SPOT';
  /**
   * The EKS-optimized image family. Not with `imageId`.
   * @default 'AL2023_x86_64_STANDARD' (or `CUSTOM` with `imageId`)
   */
  readonly amiType?: string;
  /**
   * A custom AMI, such as Canonical's Ubuntu EKS image (see UbuntuEksImage): the launch template's image.
   * EKS then neither picks the image nor bootstraps the node, so give `userData` that joins the cluster,
   * and leave `amiType`, `releaseVersion` and `kubernetesVersion` out (EKS refuses them with a custom AMI;
   * the image follows the Kubernetes version it was looked up for).
   * @default none (the EKS-optimized image of `amiType`)
   */
  readonly imageId?: string;
  /**
   * The launch template's user data, as plain text (encoded here). With an EKS-optimized image EKS merges
   * its own bootstrap with it (Bottlerocket: TOML settings; Amazon Linux 2023: MIME parts); with `imageId`
   * it must join the node to the cluster by itself.
   * @default none
   */
  readonly userData?: string;
  /**
   * Root volume size in GiB (gp3, encrypted).
   * @default 50
   */
  readonly diskSizeGiB?: number;
  /**
   * KMS key ARN for the root volume.
   * @default the account's default EBS key (`aws/ebs`); the volume is encrypted either way
   */
  readonly volumeKmsKeyArn?: string;
  /**
   * The root volume's device name for the chosen AMI: the volume that gets `diskSizeGiB` (see
   * imageVolumeDevices: Bottlerocket's data volume `/dev/xvdb`, Ubuntu's `/dev/sda1`).
   * @default '/dev/xvda' (Amazon Linux 2023)
   */
  readonly rootDeviceName?: string;
  /**
   * The image's other volumes (Bottlerocket's OS volume `/dev/xvda`), kept at the image's size but gp3 and
   * encrypted with `volumeKmsKeyArn`, like the root volume.
   * @default none
   */
  readonly otherVolumeDeviceNames?: readonly string[];
  /**
   * An EBS snapshot the root (data) volume is created from: for Bottlerocket, a data volume whose
   * containerd store already holds images, so new nodes start with them on disk. Re-encrypted with
   * `volumeKmsKeyArn`.
   * @default none (an empty volume)
   */
  readonly rootSnapshotId?: string;
  /**
   * Kubernetes labels on every node: updated in place on running nodes, or with `keepNodesOnTemplateChange`
   * set when the group is created and kept for its life (Terraform ignores changes to them).
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Fail the plan when the running group's labels are not `labels` (a postcondition on the group; a value
   * of "" means the label must be absent), with `message`: with `keepNodesOnTemplateChange`, a config that
   * now asks for nodes built for something else (the ready stack: another sudo runtime) is refused instead
   * of leaving the running nodes as they were built. Say what to do instead (a new group); the message may
   * interpolate the running group's labels (`${self.labels[...]}`).
   * @default none (no check)
   */
  readonly labelCondition?: { readonly labels: Readonly<Record<string, string>>; readonly message: string };
  /**
   * Labels the Cluster Autoscaler should expect on a new node although the group does not set them:
   * labels an installer adds once it has set the node up (Sysbox's `sysbox-runtime: running`), which a
   * RuntimeClass selects. Only Auto Scaling group tags (`.../node-template/label/...`), so the autoscaler
   * scales the group up from zero for pods that need them.
   * @default none
   */
  readonly autoscalerTemplateLabels?: Readonly<Record<string, string>>;
  /** Kubernetes taints on every node. @default none */
  readonly taints?: readonly NodeTaint[];
  /**
   * Tag the node group's Auto Scaling group for the Cluster Autoscaler: the discovery tags
   * `k8s.io/cluster-autoscaler/enabled: true` and `k8s.io/cluster-autoscaler/<cluster>: owned` (EKS
   * puts the same tags on managed groups itself; declaring them keeps discovery explicit and the
   * autoscaler's IAM condition on them visible in the plan), and the node template
   * (`k8s.io/cluster-autoscaler/node-template/label/...` and `.../taint/...`) so the autoscaler can
   * scale the group up from zero nodes without ever having seen one.
   * @default true
   */
  readonly clusterAutoscalerTags?: boolean;
  /**
   * The one availability zone of a zonal group (its subnets all in that zone). Tells the Cluster
   * Autoscaler, through the node template tag `.../node-template/label/topology.ebs.csi.aws.com/zone`,
   * that a new node of this group can attach EBS volumes of that zone, so a workspace whose volume
   * lives there can scale the group up from zero.
   * @default none (a group spanning several zones)
   */
  readonly zone?: string;
  /**
   * Let EKS replace nodes that report unhealthy (node auto repair).
   * @default true
   */
  readonly autoRepair?: boolean;
  /** Resources the node group waits for (e.g. the VPC CNI add-on, without which nodes never get Ready). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * An EKS managed node group launched from its own launch template: IMDSv2 required with a hop limit
 * of 1 (pods on the pod network cannot reach the node's instance credentials), an encrypted gp3 root
 * volume, no SSH key. Rolling updates replace a third of the nodes at a time; unhealthy nodes are
 * repaired by EKS.
 */
export class ManagedNodeGroup extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    if (!(props.minSize <= props.desiredSize && props.desiredSize <= props.maxSize)) {
      throw new Error(`ManagedNodeGroup ${props.name}: sizes must satisfy minSize <= desiredSize <= maxSize (got ${props.minSize}, ${props.desiredSize}, ${props.maxSize})`);
    }
    if (props.name.length + 1 > NODE_GROUP_NAME_PREFIX_MAX) {
      throw new Error(`ManagedNodeGroup ${props.name}: the name has ${props.name.length} characters; EKS node group name prefixes allow at most ${NODE_GROUP_NAME_PREFIX_MAX - 1} before the '-'`);
    }
    if (props.imageId !== undefined && (props.amiType !== undefined || props.releaseVersion !== undefined || props.kubernetesVersion !== undefined)) {
      throw new Error(`ManagedNodeGroup ${props.name}: with imageId (a custom AMI) leave amiType, releaseVersion and kubernetesVersion out: EKS refuses them for a custom AMI`);
    }
    const tags = { Name: `${props.clusterName}-${props.name}` };
    const labels = { ...props.labels };
    const labelCondition = props.labelCondition && Object.keys(props.labelCondition.labels).length > 0 ? props.labelCondition : undefined;
    const volume = { volumeType: 'gp3', encrypted: 'true', kmsKeyId: props.volumeKmsKeyArn, deleteOnTermination: 'true' };
    const launchTemplateNamePrefix = props.launchTemplateNamePrefix
      ?? (Token.isUnresolved(props.clusterName) ? `${props.name}-` : boundedName(props.clusterName, `-${props.name}-`, LAUNCH_TEMPLATE_NAME_PREFIX_MAX));

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      namePrefix: launchTemplateNamePrefix,
      description: `Nodes of ${props.clusterName}/${props.name}: IMDSv2 only, hop limit 1, encrypted gp3 root volume`,
      updateDefaultVersion: true,
      imageId: props.imageId,
      userData: props.userData === undefined ? undefined : base64UserData(props.userData),
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      blockDeviceMappings: [
        { deviceName: props.rootDeviceName ?? '/dev/xvda', ebs: { volumeSize: props.diskSizeGiB ?? 50, ...(props.rootSnapshotId !== undefined && { snapshotId: props.rootSnapshotId }), ...volume } },
        ...(props.otherVolumeDeviceNames ?? []).map((deviceName) => ({ deviceName, ebs: volume })),
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
      tags,
      // A new name prefix would replace the template (and the group references it): keep the first one.
      lifecycle: props.keepNodesOnTemplateChange ? { ignoreChanges: ['name_prefix'] } : undefined,
    });

    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: `${props.name}-`,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: props.imageId !== undefined ? 'CUSTOM' : props.amiType ?? 'AL2023_x86_64_STANDARD',
      version: props.kubernetesVersion,
      releaseVersion: props.releaseVersion,
      capacityType: props.capacityType ?? 'ON_DEMAND',
      instanceTypes: [...props.instanceTypes],
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      scalingConfig: { minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      nodeRepairConfig: { enabled: props.autoRepair ?? true },
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      taint: props.taints?.map((t) => ({ key: t.key, value: t.value, effect: EFFECTS[t.effect] })),
      tags,
      lifecycle: {
        createBeforeDestroy: true,
        // The Cluster Autoscaler changes the desired size; Terraform must not undo it.
        ignoreChanges: [
          'scaling_config[0].desired_size',
          ...(props.keepNodesOnTemplateChange ? [...NODE_TEMPLATE_ARGUMENTS, 'labels', 'node_group_name_prefix'] : props.keepImageRelease ? ['release_version'] : []),
        ],
        postcondition: [
          ...(labelCondition ? [{
            condition: `\${${Object.entries(labelCondition.labels).map(([k, v]) => `try(self.labels[${JSON.stringify(k)}], "") == ${JSON.stringify(v)}`).join(' && ')}}`,
            errorMessage: labelCondition.message,
          }] : []),
          ...sizeConditions(props.minSize, props.maxSize),
          ...(props.postconditions ?? []).map((c) => ({ condition: `\${${c.condition}}`, errorMessage: c.message })),
        ],
      },
      dependsOn: props.dependsOn,
    });

    if (props.clusterAutoscalerTags ?? true) {
      const asgName = this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name;
      const tags: Array<[string, string, string]> = [
        ['ca-enabled', 'k8s.io/cluster-autoscaler/enabled', 'true'],
        ['ca-cluster', `k8s.io/cluster-autoscaler/${props.clusterName}`, 'owned'],
        ...Object.entries({ ...labels, ...props.autoscalerTemplateLabels }).map(([k, v]): [string, string, string] => [`ca-label-${k}`, `k8s.io/cluster-autoscaler/node-template/label/${k}`, v]),
        ...(props.zone === undefined ? [] : [['ca-ebs-zone', `k8s.io/cluster-autoscaler/node-template/label/${EBS_ZONE_LABEL}`, props.zone] as [string, string, string]]),
        ...(props.taints ?? []).map((t): [string, string, string] => [`ca-taint-${t.key}`, `k8s.io/cluster-autoscaler/node-template/taint/${t.key}`, `${t.value ?? ''}:${t.effect}`]),
        ...Object.entries(props.autoscalingOptions ?? {}).map(([k, v]): [string, string, string] => [`ca-option-${k}`, `${AUTOSCALING_OPTION_TAG_PREFIX}${k}`, v]),
      ];
      for (const [tagId, key, value] of tags) {
        new AutoscalingGroupTag(this, tagId.replace(/[^A-Za-z0-9-]/g, '-'), {
          autoscalingGroupName: asgName,
          tag: { key, value, propagateAtLaunch: false },
        });
      }
    }
  }

  get name(): string {
    return this.nodeGroup.nodeGroupName;
  }
}

/**
 * The plan errors of a running group whose desired size (the autoscaler's, which Terraform leaves alone)
 * is outside new `minSize`/`maxSize`: EKS refuses such a scaling config (UpdateNodegroupConfig), and the
 * apply would fail half-way. Each message gives the one command that sets the desired size first.
 */
export function sizeConditions(minSize: number, maxSize: number): Array<{ condition: string; errorMessage: string }> {
  const running = 'Node group ${self.node_group_name} runs ${self.scaling_config[0].desired_size} nodes (its desired size, which the Cluster Autoscaler owns and Terraform leaves as it is)';
  const command = (desired: number) => `aws eks update-nodegroup-config --region \${split(":", self.arn)[3]} --cluster-name \${self.cluster_name} --nodegroup-name \${self.node_group_name} --scaling-config minSize=${minSize},maxSize=${maxSize},desiredSize=${desired}`;
  return [
    {
      condition: '${self.scaling_config[0].desired_size >= self.scaling_config[0].min_size}',
      errorMessage: `${running}, fewer than the new minSize ${minSize}, and EKS refuses a minimum above the desired size. Raise the desired size first, then deploy again: ${command(minSize)}`,
    },
    {
      condition: '${self.scaling_config[0].desired_size <= self.scaling_config[0].max_size}',
      errorMessage: `${running}, more than the new maxSize ${maxSize}, and EKS refuses a maximum below the desired size. Lower the desired size first (the Auto Scaling group then removes nodes, with whatever runs on them), then deploy again: ${command(maxSize)}; or keep maxSize`,
    },
  ];
}

/**
 * User data, base64-encoded as the launch template wants it: at synth time when it is a literal, else
 * by Terraform (`base64encode`). cdktf writes the literal parts of a function argument into an HCL string
 * escaping only newlines and `${`, so backslashes and double quotes are escaped here first.
 */
function base64UserData(text: string): string {
  if (!Token.isUnresolved(text)) return Buffer.from(text, 'utf8').toString('base64');
  return Fn.base64encode(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
}

/** Where the Cluster Autoscaler reads per-node-group options on an Auto Scaling group. */
export const AUTOSCALING_OPTION_TAG_PREFIX = 'k8s.io/cluster-autoscaler/node-template/autoscaling-options/';

/**
 * The node group arguments that make up the node template: changing any of them makes EKS drain and
 * replace every node of the group (or Terraform replace the group: the node role).
 */
export const NODE_TEMPLATE_ARGUMENTS = ['launch_template', 'instance_types', 'ami_type', 'release_version', 'version', 'capacity_type', 'node_role_arn'] as const;

/** The node label the EBS CSI driver's volume topology uses. */
export const EBS_ZONE_LABEL = 'topology.ebs.csi.aws.com/zone';

const EFFECTS: Record<NodeTaint['effect'], string> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

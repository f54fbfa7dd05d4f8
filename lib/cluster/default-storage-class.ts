import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export interface DefaultStorageClassProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /**
   * The StorageClass name.
   * @default 'gp3'
   */
  readonly name?: string;
  /** KMS key ARN for the volumes. @default the account's default EBS key (`aws/ebs`); volumes are encrypted either way */
  readonly kmsKeyArn?: string;
  /**
   * Fixed gp3 IOPS for every volume. EBS refuses a volume smaller than `iops / GP3_MAX_IOPS_PER_GIB` GiB,
   * and GitLab creates devfile volumes of any size, so above the 3000 baseline prefer `iopsPerGiB`.
   * @default the gp3 baseline (3000)
   */
  readonly iops?: number;
  /**
   * gp3 IOPS per GiB of volume size (the driver's `iopsPerGB`), with `allowAutoIOPSPerGBIncrease` on so
   * a small volume gets the gp3 minimum instead of failing to create. Not with `iops`.
   * @default none (the gp3 baseline)
   */
  readonly iopsPerGiB?: number;
  /** gp3 throughput in MiB/s. @default the gp3 baseline (125) */
  readonly throughputMiBps?: number;
  /**
   * What happens to a volume when its claim is deleted.
   * @default 'Delete'
   */
  readonly reclaimPolicy?: 'Delete' | 'Retain';
  /**
   * Take the default flag off the `gp2` StorageClass EKS creates (annotation set to "false",
   * forcing ownership of that one annotation). EKS marked `gp2` default on clusters created up to
   * Kubernetes 1.29 (clusters upgraded from then keep the mark); two defaults would make GitLab's
   * class-less claims land on either one. Turn it on for such a cluster. Needs the `gp2` class to
   * exist: the annotation fails where it was deleted.
   * @default false (EKS does not mark `gp2` default on clusters created at 1.30 or later)
   */
  readonly demoteGp2?: boolean;
  /**
   * Tags the EBS CSI driver puts on every volume it creates for this class (its `tagSpecification_<n>`
   * parameters, `key=value`), e.g. the tag AWS Backup selects workspace volumes by. Only volumes created
   * after the class has them carry them; a changed parameter replaces the StorageClass (its parameters are
   * immutable), which leaves existing volumes as they are.
   * @default none
   */
  readonly volumeTags?: Readonly<Record<string, string>>;
  /** Resources to wait for (the EBS CSI driver, cluster access). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The cluster's default StorageClass, which GitLab's workspace volume claims use (they name no
 * class): EBS CSI, gp3, encrypted, bound when the pod is scheduled (EBS volumes are zonal), expandable.
 */
export class DefaultStorageClass extends Construct {
  readonly storageClass: StorageClassV1;
  readonly gp2Annotation?: Annotations;

  constructor(scope: Construct, id: string, props: DefaultStorageClassProps) {
    super(scope, id);
    const parameters: Record<string, string> = { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' };
    if (props.kmsKeyArn) parameters.kmsKeyId = props.kmsKeyArn;
    if (props.iops !== undefined && props.iopsPerGiB !== undefined) {
      throw new Error('DefaultStorageClass: give iops (fixed) or iopsPerGiB (per volume size), not both');
    }
    if (props.iops !== undefined) parameters.iops = String(props.iops);
    if (props.iopsPerGiB !== undefined) {
      parameters.iopsPerGB = String(props.iopsPerGiB);
      parameters.allowAutoIOPSPerGBIncrease = 'true';
    }
    if (props.throughputMiBps !== undefined) parameters.throughput = String(props.throughputMiBps);
    Object.entries(props.volumeTags ?? {}).forEach(([key, value], i) => {
      parameters[`tagSpecification_${i + 1}`] = `${key}=${value}`;
    });

    this.storageClass = new StorageClassV1(this, 'storage-class', {
      provider: props.kubernetesProvider,
      metadata: { name: props.name ?? 'gp3', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
      storageProvisioner: 'ebs.csi.aws.com',
      parameters,
      reclaimPolicy: props.reclaimPolicy ?? 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      dependsOn: props.dependsOn,
    });

    if (props.demoteGp2 ?? false) {
      this.gp2Annotation = new Annotations(this, 'gp2-not-default', {
        provider: props.kubernetesProvider,
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'gp2' },
        annotations: { [DEFAULT_CLASS_ANNOTATION]: 'false' },
        force: true,
        dependsOn: props.dependsOn,
      });
    }
  }

  get name(): string {
    return this.storageClass.metadata.name;
  }
}

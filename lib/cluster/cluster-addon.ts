import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksAddonVersion } from '@cdktf/provider-aws/lib/data-aws-eks-addon-version';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';

export interface ClusterAddonProps {
  /** The cluster (its name). */
  readonly clusterName: string;
  /** The cluster's Kubernetes version, to pick the add-on version for it. */
  readonly kubernetesVersion: string;
  /** The EKS add-on name, e.g. `vpc-cni`. */
  readonly addonName: string;
  /**
   * Pin the add-on version (e.g. `v1.20.4-eksbuild.1`).
   * @default the newest version EKS offers for the cluster's Kubernetes version (`aws_eks_addon_version`)
   */
  readonly version?: string;
  /** Add-on configuration values (serialized to JSON). @default none */
  readonly configurationValues?: Readonly<Record<string, unknown>>;
  /** Resources the add-on waits for. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS managed add-on. Its configuration is owned by this stack: conflicts with fields changed in
 * the cluster are resolved by overwriting them, on create and on update.
 */
export class ClusterAddon extends Construct {
  readonly addon: EksAddon;

  constructor(scope: Construct, id: string, props: ClusterAddonProps) {
    super(scope, id);
    const version = props.version ?? new DataAwsEksAddonVersion(this, 'version', {
      addonName: props.addonName,
      kubernetesVersion: props.kubernetesVersion,
      mostRecent: true,
    }).version;
    this.addon = new EksAddon(this, 'addon', {
      clusterName: props.clusterName,
      addonName: props.addonName,
      addonVersion: version,
      configurationValues: props.configurationValues ? JSON.stringify(props.configurationValues) : undefined,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn: props.dependsOn,
    });
  }
}

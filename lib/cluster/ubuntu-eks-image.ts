import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { NodeImage, ubuntuEksAmiParameter, UbuntuEksRelease } from './node-image';

export interface UbuntuEksImageProps {
  /** The Kubernetes minor version (`1.35`), a literal: it is part of the SSM parameter's name. */
  readonly kubernetesVersion: string;
  /**
   * The Ubuntu LTS release.
   * @default '24.04'
   */
  readonly release?: UbuntuEksRelease;
  /**
   * The architecture.
   * @default 'amd64'
   */
  readonly arch?: 'amd64' | 'arm64';
  /**
   * A dated stable build (`20250925`) instead of the newest: pins the kernel and packages, so nodes do
   * not change when Canonical publishes a build.
   * @default the newest stable build (`current`)
   */
  readonly serial?: string;
}

/**
 * Canonical's Ubuntu EKS worker image, looked up at plan time through its public SSM parameter
 * (`/aws/service/canonical/ubuntu/eks/<release>/<k8s>/stable/current/<arch>/hvm/<volume>/ami-id`), never a
 * hard-coded AMI id. Give `imageId` to a ManagedNodeGroup with `ubuntuEksBootstrapScript` user data: a
 * custom AMI is not bootstrapped by EKS. A new stable image changes the launch template; groups that keep
 * their nodes on template changes take it in their next generation.
 */
export class UbuntuEksImage extends Construct {
  readonly parameter: DataAwsSsmParameter;
  /** The AMI id (a reference, resolved at plan time). */
  readonly imageId: string;
  readonly image: NodeImage;

  constructor(scope: Construct, id: string, props: UbuntuEksImageProps) {
    super(scope, id);
    if (Token.isUnresolved(props.kubernetesVersion)) {
      throw new Error('UbuntuEksImage: kubernetesVersion must be a literal such as "1.35" (it names the SSM parameter), not a Terraform reference');
    }
    const release = props.release ?? '24.04';
    const arch = props.arch ?? 'amd64';
    if (props.serial !== undefined && !/^[0-9]{8}(\.[0-9]+)?$/.test(props.serial)) {
      throw new Error(`UbuntuEksImage: serial must be a Canonical build serial such as "20250925" or "20250925.1", not ${JSON.stringify(props.serial)}`);
    }
    this.image = { kind: 'ubuntu-eks', release, arch, ...(props.serial !== undefined && { serial: props.serial }) };
    this.parameter = new DataAwsSsmParameter(this, 'ami-id', { name: ubuntuEksAmiParameter(release, props.kubernetesVersion, arch, props.serial) });
    this.imageId = this.parameter.insecureValue;
  }
}

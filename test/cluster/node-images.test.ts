/**
 * Node images beyond the EKS-optimized default: instance type facts, Canonical's Ubuntu EKS image (SSM
 * lookup, bootstrap user data), Bottlerocket volumes and settings, and the ManagedNodeGroup props that
 * carry them (custom AMI, user data, template labels fixed for a group's life, autoscaler-only labels).
 */
import { TerraformStack, Testing } from 'cdktf';
import { instanceTypeVcpus, isArmInstanceType, isMetalInstanceType, offersNestedVirtualization } from '../../lib/cluster/instance-types';
import { ManagedNodeGroup } from '../../lib/cluster/managed-node-group';
import { bottlerocketSysctlSettings, imageVolumeDevices, ubuntuEksAmiParameter, ubuntuEksBootstrapScript, ubuntuEksPinCommands } from '../../lib/cluster/node-image';
import { UbuntuEksImage } from '../../lib/cluster/ubuntu-eks-image';
import { base64encodeArgument } from '../helpers/hcl';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';

describe('instance types', () => {
  it('tells bare metal, nested virtualization, Graviton and vCPUs from the name', () => {
    for (const t of ['m5.metal', 'c6i.metal', 'm7i.metal-24xl', 'm7i.metal-48xl', 'c8i.metal-48xl', 'i3.metal']) expect(isMetalInstanceType(t)).toBe(true);
    for (const t of ['m6i.2xlarge', 'c8i.4xlarge', 'metal.large', 'm7i.24xlarge']) expect(isMetalInstanceType(t)).toBe(false);
    for (const t of ['c8i.4xlarge', 'm8i.2xlarge', 'r8i.large', 'm8i-flex.xlarge']) expect(offersNestedVirtualization(t)).toBe(true);
    for (const t of ['m7i.2xlarge', 'c7i.4xlarge', 'm8g.2xlarge']) expect(offersNestedVirtualization(t)).toBe(false);
    expect(isArmInstanceType('m7g.metal')).toBe(true);
    expect([['m6i.large', 2], ['m6i.xlarge', 4], ['m6i.2xlarge', 8], ['m7i.48xlarge', 192], ['t3.medium', 1], ['m7i.metal-24xl', undefined]].map(([t]) => instanceTypeVcpus(t as string)))
      .toEqual([2, 4, 8, 192, 1, undefined]);
  });
});

describe('Canonical\'s Ubuntu EKS image', () => {
  it('is looked up in SSM per release, Kubernetes version and architecture (gp3 images from 23.10 on)', () => {
    expect(ubuntuEksAmiParameter('24.04', '1.35', 'amd64')).toBe('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id');
    expect(ubuntuEksAmiParameter('22.04', '1.32', 'arm64')).toBe('/aws/service/canonical/ubuntu/eks/22.04/1.32/stable/current/arm64/hvm/ebs-gp2/ami-id');
    const s = new Synthesized(Testing.synthScope((scope) => new UbuntuEksImage(scope, 'img', { kubernetesVersion: '1.34' })));
    expect(Object.values(s.data('aws_ssm_parameter')).map((p) => p.name)).toEqual(['/aws/service/canonical/ubuntu/eks/24.04/1.34/stable/current/amd64/hvm/ebs-gp3/ami-id']);
  });

  it('names the AWS CLI commands that list the dated builds to pin: SSM parameters under stable/, and AMIs by Canonical\'s name', () => {
    expect(ubuntuEksPinCommands('24.04', '1.35', 'amd64')).toEqual({
      serials: 'aws ssm get-parameters-by-path --path /aws/service/canonical/ubuntu/eks/24.04/1.35/stable --recursive --query "Parameters[?ends_with(Name, \'/amd64/hvm/ebs-gp3/ami-id\')].[Name,Value]" --output text',
      images: 'aws ec2 describe-images --owners 099720109477 --include-deprecated --filters "Name=name,Values=ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*" --query "sort_by(Images, &CreationDate)[].[Name,ImageId,CreationDate]" --output text',
    });
    const jammy = ubuntuEksPinCommands('22.04', '1.32', 'arm64');
    expect(jammy.serials).toContain('--path /aws/service/canonical/ubuntu/eks/22.04/1.32/stable --recursive');
    expect(jammy.serials).toContain("'/arm64/hvm/ebs-gp2/ami-id'");
    expect(jammy.images).toContain('Values=ubuntu-eks/k8s_1.32/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-*');
  });

  it('needs a literal Kubernetes version: it names the parameter', () => {
    expect(() => Testing.synthScope((scope) => {
      const stack = scope as TerraformStack;
      new UbuntuEksImage(stack, 'img', { kubernetesVersion: new UbuntuEksImage(stack, 'other', { kubernetesVersion: '1.35' }).imageId });
    })).toThrow('UbuntuEksImage: kubernetesVersion must be a literal such as "1.35" (it names the SSM parameter), not a Terraform reference');
  });

  it('boots with the image\'s bootstrap.sh, the cluster\'s endpoint, CA and DNS address, and the node\'s labels and taints', () => {
    expect(ubuntuEksBootstrapScript({
      clusterName: 'c', apiServerEndpoint: 'https://x.eks.amazonaws.com', certificateAuthority: 'Q0E=', dnsClusterIp: '172.20.0.10',
      labels: { a: '1', 'b/c': 'd' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }, { key: 'e', effect: 'NoExecute' }],
    })).toBe([
      '#!/bin/bash',
      'set -o errexit -o nounset -o pipefail',
      "/etc/eks/bootstrap.sh 'c' \\",
      "  --apiserver-endpoint 'https://x.eks.amazonaws.com' \\",
      "  --b64-cluster-ca 'Q0E=' \\",
      "  --dns-cluster-ip '172.20.0.10' \\",
      "  --kubelet-extra-args '--node-labels=a=1,b/c=d --register-with-taints=k=v:NoSchedule,e=:NoExecute'",
      '',
    ].join('\n'));
    expect(ubuntuEksBootstrapScript({ clusterName: 'c', apiServerEndpoint: 'e', certificateAuthority: 'ca', dnsClusterIp: 'ip' }))
      .toBe("#!/bin/bash\nset -o errexit -o nounset -o pipefail\n/etc/eks/bootstrap.sh 'c' \\\n  --apiserver-endpoint 'e' \\\n  --b64-cluster-ca 'ca' \\\n  --dns-cluster-ip 'ip'\n");
  });
});

describe('image volumes and Bottlerocket settings', () => {
  it('gives the disk size to the volume that holds containers: Bottlerocket\'s data volume, Ubuntu\'s and AL2023\'s root', () => {
    expect(imageVolumeDevices({ kind: 'eks-optimized', amiType: 'AL2023_x86_64_STANDARD' })).toEqual({ data: '/dev/xvda', others: [] });
    expect(imageVolumeDevices({ kind: 'eks-optimized', amiType: 'BOTTLEROCKET_x86_64' })).toEqual({ data: '/dev/xvdb', others: ['/dev/xvda'] });
    expect(imageVolumeDevices({ kind: 'ubuntu-eks', release: '24.04', arch: 'amd64' })).toEqual({ data: '/dev/sda1', others: [] });
  });

  it('writes sysctls as Bottlerocket TOML settings, dotted keys quoted', () => {
    expect(bottlerocketSysctlSettings({ 'user.max_user_namespaces': '65536' })).toBe('[settings.kernel.sysctl]\n"user.max_user_namespaces" = "65536"\n');
  });
});

describe('ManagedNodeGroup images and template labels', () => {
  const base = { clusterName: 'c', name: 'pool', nodeRoleArn: 'arn:aws:iam::1:role/n', subnetIds: ['subnet-1'], instanceTypes: ['m6i.large'], minSize: 0, desiredSize: 0, maxSize: 3 };

  it('runs a custom AMI with the user data given, without amiType, version or release (EKS refuses them)', () => {
    const json = Testing.synthScope((scope) => {
      const image = new UbuntuEksImage(scope, 'img', { kubernetesVersion: '1.35' });
      new ManagedNodeGroup(scope, 'ng', { ...base, imageId: image.imageId, rootDeviceName: '/dev/sda1', userData: `#!/bin/bash\necho "${image.imageId}" \\\n  done\n` });
    });
    const s = new Synthesized(json);
    const group = s.only('aws_eks_node_group');
    expect(group.ami_type).toBe('CUSTOM');
    expect(group.version).toBeUndefined();
    expect(group.release_version).toBeUndefined();
    const template = s.only('aws_launch_template');
    expect(template.image_id).toMatch(/^\$\{data\.aws_ssm_parameter\.[\w-]+\.insecure_value\}$/);
    // Quotes and backslashes survive into the script Terraform encodes.
    expect(base64encodeArgument(template.user_data)).toBe(`#!/bin/bash\necho "${template.image_id}" \\\n  done\n`);
    expect(template.block_device_mappings.map((b: { device_name: string }) => b.device_name)).toEqual(['/dev/sda1']);
    expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
    expect(() => Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, imageId: 'ami-1', amiType: 'AL2023_x86_64_STANDARD' })))
      .toThrow('ManagedNodeGroup pool: with imageId (a custom AMI) leave amiType, releaseVersion and kubernetesVersion out: EKS refuses them for a custom AMI');
    expect(() => Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, imageId: 'ami-1', kubernetesVersion: '1.35' }))).toThrow(/leave amiType/);
  });

  it('encodes literal user data at synth time, and encrypts every volume of the image (Bottlerocket\'s two)', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', {
      ...base, amiType: 'BOTTLEROCKET_x86_64', rootDeviceName: '/dev/xvdb', otherVolumeDeviceNames: ['/dev/xvda'], diskSizeGiB: 80,
      volumeKmsKeyArn: 'arn:aws:kms:eu-west-1:1:key/k', userData: '[settings.kernel.sysctl]\n"user.max_user_namespaces" = "65536"\n',
    })));
    const template = s.only('aws_launch_template');
    expect(Buffer.from(template.user_data, 'base64').toString()).toBe('[settings.kernel.sysctl]\n"user.max_user_namespaces" = "65536"\n');
    const ebs = { volume_type: 'gp3', encrypted: 'true', kms_key_id: 'arn:aws:kms:eu-west-1:1:key/k', delete_on_termination: 'true' };
    expect(template.block_device_mappings).toEqual([
      { device_name: '/dev/xvdb', ebs: { ...ebs, volume_size: 80 } },
      { device_name: '/dev/xvda', ebs },
    ]);
  });

  it('fixes labels for the group\'s life and refuses a plan whose labels it was not built with, when asked', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', {
      ...base, keepNodesOnTemplateChange: true, labels: { pool: 'w', 'gitlab-workspaces/runtime': 'kata' },
      labelCondition: {
        labels: { 'gitlab-workspaces/runtime': 'kata', pool: 'w' },
        message: 'built for ${try(self.labels["gitlab-workspaces/runtime"], "none")}: use a new group',
      },
      autoscalerTemplateLabels: { 'katacontainers.io/kata-runtime': 'true' },
    })));
    const group = s.only('aws_eks_node_group');
    expect(group.labels).toEqual({ pool: 'w', 'gitlab-workspaces/runtime': 'kata' });
    expect(group.lifecycle.ignore_changes).toEqual([
      'scaling_config[0].desired_size', 'launch_template', 'instance_types', 'ami_type', 'release_version', 'version', 'capacity_type', 'node_role_arn', 'labels', 'node_group_name_prefix',
    ]);
    expect(group.lifecycle.postcondition[0]).toEqual({
      condition: '${try(self.labels["gitlab-workspaces/runtime"], "") == "kata" && try(self.labels["pool"], "") == "w"}',
      error_message: 'built for ${try(self.labels["gitlab-workspaces/runtime"], "none")}: use a new group',
    });
    // The autoscaler is told about every label a new node will carry, including the installer's.
    const labelTags = s.all('aws_autoscaling_group_tag').map((t) => t.tag).filter((t) => t.key.includes('/node-template/label/'));
    expect(labelTags.map((t) => `${t.key.replace('k8s.io/cluster-autoscaler/node-template/label/', '')}=${t.value}`).sort())
      .toEqual(['gitlab-workspaces/runtime=kata', 'katacontainers.io/kata-runtime=true', 'pool=w']);
  });

  it('fixes labels even when none says what the nodes were built for, and checks that a label is absent ("")', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', {
      ...base, keepNodesOnTemplateChange: true, labels: { pool: 'w' },
      labelCondition: { labels: { 'gitlab-workspaces/runtime': '' }, message: 'built for a runtime' },
    })));
    const group = s.only('aws_eks_node_group');
    expect(group.labels).toEqual({ pool: 'w' });
    expect(group.lifecycle.ignore_changes).toContain('labels');
    expect(group.lifecycle.postcondition[0]).toEqual({ condition: '${try(self.labels["gitlab-workspaces/runtime"], "") == ""}', error_message: 'built for a runtime' });
  });

  it('keeps labels updatable on a group that rolls its nodes anyway, and checks nothing unless asked', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, labels: { a: 'b' } })));
    expect(s.only('aws_eks_node_group').lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
    // Only the size checks every group has (desired size within the new minSize..maxSize).
    expect(s.only('aws_eks_node_group').lifecycle.postcondition.map((c: { condition: string }) => c.condition)).toEqual([
      '${self.scaling_config[0].desired_size >= self.scaling_config[0].min_size}',
      '${self.scaling_config[0].desired_size <= self.scaling_config[0].max_size}',
    ]);
    expect(s.only('aws_eks_node_group').labels).toEqual({ a: 'b' });
  });
});

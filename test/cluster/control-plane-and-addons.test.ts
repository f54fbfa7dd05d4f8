import { Testing } from 'cdktf';
import { ClusterAddon } from '../../lib/cluster/cluster-addon';
import { ClusterAutoscaler } from '../../lib/cluster/cluster-autoscaler';
import { ClusterProviders } from '../../lib/cluster/cluster-providers';
import { DefaultStorageClass } from '../../lib/cluster/default-storage-class';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { PodIdentityRole } from '../../lib/cluster/pod-identity-role';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

describe('EksCluster', () => {
  it('defaults to a public+private endpoint, all logs, creator admin, Kubernetes 1.34', () => {
    const json = Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s-1', 's-2'] }));
    const s = new Synthesized(json);
    const cluster = s.only('aws_eks_cluster');
    expect(cluster).toMatchObject({
      version: '1.34',
      enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: true },
      vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] },
    });
    expect(s.all('aws_eks_access_entry')).toEqual([]);
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('gives each admin principal an access entry with stable, readable ids', () => {
    const admins = ['arn:aws:iam::123456789012:role/team/admins', 'arn:aws:iam::123456789012:user/ada'];
    const s = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s'], adminPrincipalArns: admins })));
    const ids = Object.keys(s.resources('aws_eks_access_entry')).sort();
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^eks_admin-ada-[0-9a-f]{8}_/);
    expect(ids[1]).toMatch(/^eks_admin-admins-[0-9a-f]{8}_/);
    for (const e of s.all('aws_eks_access_entry')) expect(e.type).toBe('STANDARD');
    expect(s.all('aws_eks_access_policy_association').map((a) => a.policy_arn)).toEqual([
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    ]);
  });
});

describe('PodIdentityRole', () => {
  it('trusts the Pod Identity service and binds the role to one service account', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new PodIdentityRole(scope, 'id', {
      clusterName: 'c', namespace: 'ns', serviceAccount: 'sa', namePrefix: 'c-sa-',
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], statements: [{ actions: ['s3:GetObject'], resources: ['*'] }],
    })));
    expect(s.only('aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'c', namespace: 'ns', service_account: 'sa' });
    const trust = s.deref(s.only('aws_iam_role').assume_role_policy);
    expect(trust.statement[0].principals).toEqual([{ type: 'Service', identifiers: ['pods.eks.amazonaws.com'] }]);
    expect(trust.statement[0].actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(s.only('aws_iam_role_policy_attachment').policy_arn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(s.only('aws_iam_role_policy').name).toBe('sa');
  });
});

describe('ClusterAddon', () => {
  it('pins a given version instead of looking up the newest', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ClusterAddon(scope, 'a', { clusterName: 'c', kubernetesVersion: '1.34', addonName: 'coredns', version: 'v1.12.4-eksbuild.1' })));
    expect(s.only('aws_eks_addon').addon_version).toBe('v1.12.4-eksbuild.1');
    expect(s.data('aws_eks_addon_version')).toEqual({});
  });
});

describe('ClusterProviders, DefaultStorageClass and ClusterAutoscaler', () => {
  it('wire through the providers they are given', () => {
    const json = Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', endpoint: 'https://example', certificateAuthorityData: 'Q0E=', alias: 'eks' });
      new DefaultStorageClass(scope, 'sc', { kubernetesProvider: p.kubernetes, demoteGp2: false, iops: 4000 });
      new ClusterAutoscaler(scope, 'ca', { clusterName: 'c', region: 'eu-west-1', kubernetesVersion: '1.33', helmProvider: p.helm });
    });
    const s = new Synthesized(json);
    expect(s.doc.provider.kubernetes).toEqual([{ alias: 'eks', host: 'https://example', cluster_ca_certificate: '${base64decode("Q0E=")}', token: expect.stringMatching(/^\$\{data\.aws_eks_cluster_auth\.[\w-]+\.token\}$/) }]);
    expect(s.doc.provider.helm[0].kubernetes.host).toBe('https://example');
    expect(s.only('kubernetes_storage_class_v1').provider).toBe('kubernetes.eks');
    expect(s.only('kubernetes_storage_class_v1').parameters).toEqual({ type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4', iops: '4000' });
    expect(s.all('kubernetes_annotations')).toEqual([]);
    expect(s.only('helm_release').provider).toBe('helm.eks');
    expect(JSON.parse(s.only('helm_release').values[0]).image.tag).toBe('v1.33.0');
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('refuse a Kubernetes version with no tested autoscaler image unless one is given', () => {
    expect(() => Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', endpoint: 'e', certificateAuthorityData: 'x' });
      new ClusterAutoscaler(scope, 'ca', { clusterName: 'c', region: 'r', kubernetesVersion: '1.36', helmProvider: p.helm });
    })).toThrow('ClusterAutoscaler: no tested image for Kubernetes 1.36; set imageTag to a v1.36.x tag');
  });
});

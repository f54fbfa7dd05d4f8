import { Testing } from 'cdktf';
import { ClusterAddon } from '../../lib/cluster/cluster-addon';
import { ClusterAutoscaler, ClusterAutoscalerIdentity } from '../../lib/cluster/cluster-autoscaler';
import { ClusterProviders } from '../../lib/cluster/cluster-providers';
import { DefaultStorageClass } from '../../lib/cluster/default-storage-class';
import { EksCluster } from '../../lib/cluster/eks-cluster';
import { PodIdentityRole } from '../../lib/cluster/pod-identity-role';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

describe('EksCluster', () => {
  const base = { name: 'c', subnetIds: ['s-1', 's-2'], publicAccessCidrs: ['198.18.0.0/24'] };

  it('defaults to standard support, a public+private endpoint, all logs, no creator admin, Kubernetes 1.35', () => {
    const json = Testing.synthScope((scope) => new EksCluster(scope, 'eks', { ...base, adminPrincipalArns: ['arn:aws:iam::123456789012:role/ops'] }));
    const s = new Synthesized(json);
    const cluster = s.only('aws_eks_cluster');
    expect(cluster).toMatchObject({
      version: '1.35',
      upgrade_policy: { support_type: 'STANDARD' },
      enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
      vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['198.18.0.0/24'] },
    });
    expect(s.all('aws_eks_access_entry').map((e) => e.principal_arn)).toEqual(['arn:aws:iam::123456789012:role/ops']);
    expect(s.data('aws_iam_session_context')).toEqual({});
    expect(s.only('aws_iam_role').name_prefix).toBe('c-cluster-');
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('takes EXTENDED support when asked', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { ...base, upgradePolicy: 'EXTENDED' })));
    expect(s.only('aws_eks_cluster').upgrade_policy).toEqual({ support_type: 'EXTENDED' });
  });

  it('gives the deployer cluster-admin only on request: the IAM role behind the caller\'s session, with its path', () => {
    const json = Testing.synthScope((scope) => new EksCluster(scope, 'eks', { ...base, clusterCreatorAdmin: true }));
    const s = new Synthesized(json);
    const entry = s.only('aws_eks_access_entry');
    const session = s.deref(entry.principal_arn);
    // issuer_arn is the role's ARN with its path (the data source reads the role), not the STS session ARN.
    expect(entry.principal_arn).toMatch(/^\$\{data\.aws_iam_session_context\.[\w-]+\.issuer_arn\}$/);
    expect(session.arn).toMatch(/^\$\{data\.aws_caller_identity\.[\w-]+\.arn\}$/);
    expect(s.only('aws_eks_access_policy_association')).toMatchObject({
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
    });
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('gives each admin principal an access entry with stable, readable ids', () => {
    const admins = ['arn:aws:iam::123456789012:role/team/admins', 'arn:aws:iam::123456789012:user/ada'];
    const s = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { ...base, adminPrincipalArns: admins, clusterCreatorAdmin: true })));
    const ids = Object.keys(s.resources('aws_eks_access_entry')).sort();
    expect(ids).toHaveLength(3);
    expect(ids[0]).toMatch(/^eks_admin-ada-[0-9a-f]{8}_/);
    expect(ids[1]).toMatch(/^eks_admin-admins-[0-9a-f]{8}_/);
    expect(ids[2]).toMatch(/^eks_deployer-admin_/);
    for (const e of s.all('aws_eks_access_entry')) expect(e.type).toBe('STANDARD');
    expect(s.all('aws_eks_access_policy_association').map((a) => a.policy_arn)).toEqual(
      Array(3).fill('arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'),
    );
    // Each association names its entry's principal through the entry, so it waits for it.
    for (const a of s.all('aws_eks_access_policy_association')) expect(s.deref(a.principal_arn)).toHaveProperty('type', 'STANDARD');
  });

  it('refuses a public endpoint without CIDRs, or open to the whole internet unless allowed', () => {
    expect(() => Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s'] })))
      .toThrow('EksCluster c: publicAccessCidrs is required when the public endpoint is on');
    expect(() => Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s'], publicAccessCidrs: ['0.0.0.0/0'] })))
      .toThrow('EksCluster c: publicAccessCidrs contains 0.0.0.0/0');
    const s = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s'], publicAccessCidrs: ['0.0.0.0/0'], allowPublicEndpointFromAnywhere: true })));
    expect(s.only('aws_eks_cluster').vpc_config.public_access_cidrs).toEqual(['0.0.0.0/0']);
    const priv = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { name: 'c', subnetIds: ['s'], endpointPublicAccess: false })));
    expect(priv.only('aws_eks_cluster').vpc_config.public_access_cidrs).toBeUndefined();
  });

  it('cuts and hashes the role name prefix of a long cluster name', () => {
    const name = 'a'.repeat(60);
    const s = new Synthesized(Testing.synthScope((scope) => new EksCluster(scope, 'eks', { ...base, name })));
    const prefix = s.only('aws_iam_role').name_prefix;
    expect(prefix).toHaveLength(38);
    expect(prefix).toMatch(/^a+-[0-9a-f]{4}-cluster-$/);
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
    // Only sessions Pod Identity tags with this cluster, namespace and service account.
    expect(trust.statement[0].condition).toEqual([
      { test: 'StringEquals', variable: 'aws:RequestTag/eks-cluster-name', values: ['c'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-namespace', values: ['ns'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/kubernetes-service-account', values: ['sa'] },
    ]);
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
  it('wire through the providers they are given (token auth)', () => {
    const json = Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'eu-west-1', endpoint: 'https://example', certificateAuthorityData: 'Q0E=', alias: 'eks', auth: 'token' });
      new DefaultStorageClass(scope, 'sc', { kubernetesProvider: p.kubernetes, demoteGp2: false, iops: 4000 });
      new ClusterAutoscaler(scope, 'ca', { clusterName: 'c', region: 'eu-west-1', kubernetesVersion: '1.33', helmProvider: p.helm });
    });
    const s = new Synthesized(json);
    expect(s.doc.provider.kubernetes).toEqual([{ alias: 'eks', host: 'https://example', cluster_ca_certificate: '${base64decode("Q0E=")}', token: expect.stringMatching(/^\$\{data\.aws_eks_cluster_auth\.[\w-]+\.token\}$/) }]);
    expect(s.doc.provider.helm[0].kubernetes).toEqual({ host: 'https://example', cluster_ca_certificate: '${base64decode("Q0E=")}', token: s.doc.provider.kubernetes[0].token });
    expect(s.only('kubernetes_storage_class_v1').provider).toBe('kubernetes.eks');
    expect(s.only('kubernetes_storage_class_v1').parameters).toEqual({ type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4', iops: '4000' });
    expect(s.all('kubernetes_annotations')).toEqual([]);
    expect(s.only('helm_release').provider).toBe('helm.eks');
    // The chart and image tested with 1.33.
    expect(s.only('helm_release').version).toBe('9.51.0');
    expect(JSON.parse(s.only('helm_release').values[0]).image.tag).toBe('v1.33.6');
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('authenticate with `aws eks get-token` by default, which outlives a long apply', () => {
    const json = Testing.synthScope((scope) => {
      new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'eu-west-1', endpoint: 'https://example', certificateAuthorityData: 'Q0E=' });
    });
    const s = new Synthesized(json);
    const exec = {
      api_version: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'c', '--region', 'eu-west-1', '--output', 'json'],
    };
    expect(s.doc.provider.kubernetes).toEqual([{ host: 'https://example', cluster_ca_certificate: '${base64decode("Q0E=")}', exec: [exec] }]);
    expect(s.doc.provider.helm).toEqual([{ kubernetes: { host: 'https://example', cluster_ca_certificate: '${base64decode("Q0E=")}', exec } }]);
    expect(s.data('aws_eks_cluster_auth')).toEqual({});
    expect(unresolvedReferences(json)).toEqual([]);
  });

  it('refuse a Kubernetes version with no tested autoscaler unless image and chart are given', () => {
    const build = (extra: object) => Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'r', endpoint: 'e', certificateAuthorityData: 'x' });
      new ClusterAutoscaler(scope, 'ca', { clusterName: 'c', region: 'r', kubernetesVersion: '1.36', helmProvider: p.helm, ...extra });
    });
    expect(() => build({})).toThrow('ClusterAutoscaler: no tested image for Kubernetes 1.36; set imageTag to a v1.36.x tag');
    expect(() => build({ imageTag: 'v1.36.1' })).toThrow('ClusterAutoscaler: no tested chart for Kubernetes 1.36; set chartVersion');
    const s = new Synthesized(build({ imageTag: 'v1.36.1', chartVersion: '9.60.0' }));
    expect(s.only('helm_release').version).toBe('9.60.0');
  });

  it('give one --balancing-ignore-label per label through the chart\'s `_n` suffixes', () => {
    const s = new Synthesized(Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'r', endpoint: 'e', certificateAuthorityData: 'x' });
      new ClusterAutoscaler(scope, 'ca', { clusterName: 'c', region: 'r', kubernetesVersion: '1.35', helmProvider: p.helm, balancingIgnoreLabels: ['a/b', 'c'] });
    }));
    const args = JSON.parse(s.only('helm_release').values[0]).extraArgs;
    expect(Object.entries(args).filter(([k]) => k.startsWith('balancing-ignore-label'))).toEqual([['balancing-ignore-label_1', 'a/b'], ['balancing-ignore-label_2', 'c']]);
  });
});

describe('ClusterAutoscalerIdentity', () => {
  it('is a Pod Identity role for the autoscaler\'s service account, scaling only this cluster\'s groups', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ClusterAutoscalerIdentity(scope, 'ca', { clusterName: 'c' })));
    expect(s.only('aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'c', namespace: 'kube-system', service_account: 'cluster-autoscaler' });
    expect(s.only('aws_iam_role').name_prefix).toBe('c-autoscaler-');
    const statements = s.deref(s.only('aws_iam_role_policy').policy).statement;
    expect(statements[1].condition).toContainEqual({ test: 'StringEquals', variable: 'aws:ResourceTag/k8s.io/cluster-autoscaler/c', values: ['owned'] });
  });

  it('needs a literal name for the role, or a given prefix, when the cluster name is a reference', () => {
    expect(() => Testing.synthScope((scope) => {
      const name = new PodIdentityRole(scope, 'x', { clusterName: 'c', namespace: 'n', serviceAccount: 's', namePrefix: 'p-' }).role.name;
      new ClusterAutoscalerIdentity(scope, 'ca', { clusterName: name });
    })).toThrow(/the base of a name must be a literal string, not a Terraform reference/);
  });
});

describe('DefaultStorageClass', () => {
  it('takes per-GiB IOPS with the automatic increase, so small volumes get the gp3 minimum instead of failing', () => {
    const s = new Synthesized(Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'r', endpoint: 'e', certificateAuthorityData: 'x' });
      new DefaultStorageClass(scope, 'sc', { kubernetesProvider: p.kubernetes, iopsPerGiB: 120 });
    }));
    expect(s.only('kubernetes_storage_class_v1').parameters).toMatchObject({ iopsPerGB: '120', allowAutoIOPSPerGBIncrease: 'true' });
    // gp2 is left alone unless asked (EKS marks it default only on clusters created before 1.30).
    expect(s.all('kubernetes_annotations')).toEqual([]);
    const asked = new Synthesized(Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'r', endpoint: 'e', certificateAuthorityData: 'x' });
      new DefaultStorageClass(scope, 'sc', { kubernetesProvider: p.kubernetes, demoteGp2: true });
    }));
    expect(asked.only('kubernetes_annotations')).toMatchObject({ kind: 'StorageClass', metadata: { name: 'gp2' }, annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' }, force: true });
    expect(() => Testing.synthScope((scope) => {
      const p = new ClusterProviders(scope, 'k', { clusterName: 'c', region: 'r', endpoint: 'e', certificateAuthorityData: 'x' });
      new DefaultStorageClass(scope, 'sc', { kubernetesProvider: p.kubernetes, iopsPerGiB: 120, iops: 4000 });
    })).toThrow('DefaultStorageClass: give iops (fixed) or iopsPerGiB (per volume size), not both');
  });
});

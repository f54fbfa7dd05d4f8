/**
 * The ready app as two stacks: nothing that talks to the Kubernetes API shares a stack with the EKS
 * cluster, the platform stack reads only outputs the cluster stack has, each stack keeps its own state
 * (local or S3), and names built from the longest cluster name the schema allows stay within AWS's limits.
 */
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';
import { configFromText, EXAMPLES, loadExample, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, SynthesizedApp, synthApp } from './helpers';
import { readdirSync, existsSync } from 'fs';
import { join } from 'path';

const exampleNames = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml'))).sort();

/** Resource, data source and provider types that talk to the Kubernetes API. */
function kubernetesSide(s: Synthesized): string[] {
  const types = [...Object.keys(s.doc.resource ?? {}), ...Object.keys(s.doc.data ?? {}), ...Object.keys(s.doc.provider ?? {})];
  return types.filter((t) => /^(kubernetes|helm|kubectl)(_|$)/.test(t));
}

/** Every `outputs.<name>` the platform stack reads from the cluster stack's state. */
function remoteOutputsRead(platform: Synthesized): string[] {
  return [...JSON.stringify(platform.doc).matchAll(/data\.terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)/g)].map((m) => m[1]);
}

describe.each(exampleNames)('example %s as two stacks', (name) => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(loadExample(name));
  });

  it('writes exactly a cluster stack and a platform stack', () => {
    expect(Object.keys(app.stacks).sort()).toEqual([app.cluster.id, `${app.cluster.id}-platform`].sort());
  });

  it('keeps every Kubernetes and Helm resource and provider out of the stack that creates the EKS cluster', () => {
    expect(app.cluster.s.all('aws_eks_cluster')).toHaveLength(1);
    expect(kubernetesSide(app.cluster.s)).toEqual([]);
    expect(app.platform.s.all('aws_eks_cluster')).toEqual([]);
    // The platform basics, and a sudo runtime's installer and RuntimeClass when the example has one.
    expect(kubernetesSide(app.platform.s)).toEqual(expect.arrayContaining(['helm', 'helm_release', 'kubernetes', 'kubernetes_storage_class_v1']));
    // The platform stack's AWS resources are only the workspaces' entry point (certificate, load
    // balancer, its security group rules, target attachments, DNS records, its access log bucket), which follow the proxy.
    const entryPoint = /^aws_(acm_certificate(_validation)?|lb(_listener|_target_group)?|autoscaling_attachment|security_group|vpc_security_group_(ingress|egress)_rule|route53_record|s3_bucket(_[a-z_]+)?)$/;
    expect(Object.keys(app.platform.s.doc.resource).filter((t) => t.startsWith('aws_') && !entryPoint.test(t))).toEqual([]);
  });

  it('configures the platform\'s providers from the cluster stack\'s state, never from a resource in the same run', () => {
    for (const provider of [...app.platform.s.doc.provider.kubernetes, ...app.platform.s.doc.provider.helm]) {
      const connection = provider.kubernetes ?? provider;
      expect(connection.host).toMatch(/^\$\{data\.terraform_remote_state\./);
    }
    const read = remoteOutputsRead(app.platform.s);
    expect(read.length).toBeGreaterThan(0);
    for (const output of read) expect(Object.keys(app.cluster.s.doc.output)).toContain(output);
  });

  it('resolves every reference in both stacks', () => {
    expect(unresolvedReferences(app.cluster.json)).toEqual([]);
    expect(unresolvedReferences(app.platform.json)).toEqual([]);
  });

  it('deploys the platform stack after the cluster stack', () => {
    // The order `cdktf deploy '*'` follows: the manifest's.
    expect(app.platform.dependencies).toEqual([app.cluster.id]);
    expect(app.cluster.dependencies).toEqual([]);
  });
});

describe('state', () => {
  it('keeps each stack\'s state in its own local file next to cdktf.json by default, and reads the cluster\'s from there', () => {
    const app = synthApp(loadExample('default'));
    expect(app.cluster.s.doc.terraform.backend).toEqual({ local: { path: '../../../terraform.gitlab-workspaces.tfstate' } });
    expect(app.platform.s.doc.terraform.backend).toEqual({ local: { path: '../../../terraform.gitlab-workspaces-platform.tfstate' } });
    const [remote] = Object.values(app.platform.s.data('terraform_remote_state'));
    expect(remote).toMatchObject({ backend: 'local', config: { path: '../../../terraform.gitlab-workspaces.tfstate' } });
  });

  it('moves to S3 with a config change only: one key per stack, encrypted, with S3\'s native lock file', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}state:
  backend: s3
  bucket: acme-tf-state
  keyPrefix: platform/workspaces
  region: us-east-1
  kmsKeyId: alias/terraform-state
`));
    const s3 = (s: Synthesized) => s.doc.terraform.backend.s3;
    expect(s3(app.cluster.s)).toEqual({
      bucket: 'acme-tf-state', key: 'platform/workspaces/gitlab-workspaces.tfstate', region: 'us-east-1',
      encrypt: true, kms_key_id: 'alias/terraform-state', use_lockfile: true,
    });
    expect(s3(app.platform.s)).toMatchObject({ bucket: 'acme-tf-state', key: 'platform/workspaces/gitlab-workspaces-platform.tfstate', use_lockfile: true });
    // The platform stack reads the cluster stack's object.
    const [remote] = Object.values(app.platform.s.data('terraform_remote_state'));
    expect(remote).toMatchObject({ backend: 's3', config: { bucket: 'acme-tf-state', key: 'platform/workspaces/gitlab-workspaces.tfstate', region: 'us-east-1' } });
  });

  it('takes the bucket region from aws.region and can do without the lock file', () => {
    const app = synthApp(configFromText(`network: {availabilityZones: [ap-southeast-2a, ap-southeast-2b, ap-southeast-2c]}\n${REQUIRED_CLUSTER_CONFIG}aws: {region: ap-southeast-2}\nstate: {backend: s3, bucket: b-state, useLockfile: false}\n`));
    expect(app.cluster.s.doc.terraform.backend.s3).toEqual({ bucket: 'b-state', key: 'gitlab-workspaces/gitlab-workspaces.tfstate', region: 'ap-southeast-2', encrypt: true });
  });
});

describe('names', () => {
  // The longest cluster name the schema allows.
  const longName = 'w'.repeat(20) + '-' + 'x'.repeat(17);
  let app: SynthesizedApp;
  beforeAll(() => {
    expect(longName).toHaveLength(38);
    app = synthApp(configFromText(`${REQUIRED_CONFIG.replace('cluster:\n', `cluster:\n  name: ${longName}\n`)}`));
  });

  it('builds every IAM role name prefix from the literal cluster name, within 38 characters and all different', () => {
    const prefixes = app.cluster.s.all('aws_iam_role').map((r) => r.name_prefix as string);
    expect(prefixes).toHaveLength(7);
    for (const p of prefixes) {
      expect(p.length).toBeLessThanOrEqual(38);
      expect(p).not.toContain('${');
      expect(p.startsWith('wwwwwwwwww')).toBe(true);
    }
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(prefixes.some((p) => p.endsWith('-autoscaler-'))).toBe(true);
  });

  it('keeps node group and launch template name prefixes within their limits', () => {
    for (const g of app.cluster.s.all('aws_eks_node_group')) expect(g.node_group_name_prefix.length).toBeLessThanOrEqual(37);
    for (const lt of app.cluster.s.all('aws_launch_template')) {
      expect(lt.name_prefix.length).toBeLessThanOrEqual(102);
      expect(lt.name_prefix).not.toContain('${');
    }
  });

  it('names the stacks after the cluster', () => {
    expect(Object.keys(app.stacks).sort()).toEqual([longName, `${longName}-platform`]);
  });
});

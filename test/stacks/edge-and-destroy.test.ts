/**
 * The way in and what outlives a mistake: the HTTPS listener's TLS policy is AWS's recommended
 * post-quantum one; the load balancer's access logs go, when asked, to the user's bucket or to one the
 * stack creates with a policy that lets only ELB's log delivery write there; the EKS cluster, the KMS
 * keys and a created hosted zone carry prevent_destroy (and the platform stack's destroy guard too, so
 * `destroy '*'` stops before anything goes) unless cluster.allowDestroy, with the destroy guards kept.
 */
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Diagnostic, formatDiagnostic } from '../../lib/common/diagnostics';
import { ENTRY_POINT_TLS_POLICY, LoadBalancerLogBucket, WorkspacesHostedZone } from '../../lib/gitlab';
import { EksCluster, EncryptionKey } from '../../lib/cluster';
import { loadConfigText } from '../../stacks/config/load';
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG, synthApp, SynthesizedApp, TEST_DAY } from './helpers';

const ACCESS_LOGS = (yaml: string) => `${REQUIRED_CONFIG}${GITLAB_CONFIG}  entryPoint:\n    accessLogs:\n${yaml.replace(/^/gm, '      ')}`;
const errors = (text: string): Diagnostic[] => loadConfigText(text, 'e.yaml', { today: TEST_DAY }).diagnostics.filter((d) => d.severity === 'error');
/** The statements of an `aws_iam_policy_document` data source, by sid. */
const statements = (doc: Block): Record<string, Block> => Object.fromEntries((doc.statement as Block[]).map((st) => [st.sid, st]));

describe('the HTTPS listener', () => {
  it('uses AWS\'s recommended post-quantum TLS policy (TLS 1.3 and 1.2, restricted ciphers)', () => {
    expect(ENTRY_POINT_TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    const tls = app.platform.s.onlyWhere('aws_lb_listener', (l) => l.protocol === 'TLS');
    expect(tls).toMatchObject({ port: 443, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' });
  });
});

describe('access logs of the load balancer', () => {
  it('are off by default: no bucket, no access_logs block', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    expect(app.platform.s.all('aws_s3_bucket')).toEqual([]);
    expect(app.platform.s.only('aws_lb').access_logs).toBeUndefined();
  });

  describe('into a bucket the stack creates', () => {
    let app: SynthesizedApp;
    let s: Synthesized;
    beforeAll(() => {
      app = synthApp(configFromText(ACCESS_LOGS('enabled: true\nprefix: workspaces/nlb\nretentionDays: 30\n')));
      s = app.platform.s;
    });

    it('turns logging on for the load balancer, into that bucket through its policy (so ELB waits for the policy)', () => {
      const policy = s.only('aws_s3_bucket_policy');
      expect(s.only('aws_lb').access_logs).toEqual({ enabled: true, bucket: s.ref('aws_s3_bucket_policy', policy, 'bucket'), prefix: 'workspaces/nlb' });
      expect(policy.bucket).toBe(s.ref('aws_s3_bucket', s.only('aws_s3_bucket'), 'id'));
    });

    it('lets only ELB\'s log delivery write, under <prefix>/AWSLogs/<account>/, for log sources of this account and region', () => {
      const doc = statements(s.deref(s.only('aws_s3_bucket_policy').policy));
      const bucketArn = s.ref('aws_s3_bucket', s.only('aws_s3_bucket'), 'arn');
      const account = expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/);
      expect(doc.AWSLogDeliveryWrite).toMatchObject({
        principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [expect.stringMatching(new RegExp(`^${bucketArn.replace(/[$.{}[\]]/g, '\\$&')}/workspaces/nlb/AWSLogs/\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}/\\*$`))],
      });
      const conditions = (st: Block) => Object.fromEntries((st.condition as Block[]).map((c) => [c.variable, [c.test, c.values]]));
      expect(conditions(doc.AWSLogDeliveryWrite)).toEqual({
        's3:x-amz-acl': ['StringEquals', ['bucket-owner-full-control']],
        'aws:SourceAccount': ['StringEquals', [account]],
        'aws:SourceArn': ['ArnLike', [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:logs:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:\*$/)]],
      });
      expect(doc.AWSLogDeliveryAclCheck).toMatchObject({ actions: ['s3:GetBucketAcl'], resources: [bucketArn] });
      expect(Object.keys(conditions(doc.AWSLogDeliveryAclCheck)).sort()).toEqual(['aws:SourceAccount', 'aws:SourceArn']);
      expect(doc.DenyInsecureTransport).toMatchObject({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
      // Nothing else may write: no other Allow statement.
      expect(Object.values(doc).filter((st) => st.effect !== 'Deny').map((st) => st.principals)).toEqual([
        [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }], [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
      ]);
    });

    it('is private, owner-enforced, encrypted with S3-managed keys, and keeps logs for retentionDays', () => {
      const bucket = s.only('aws_s3_bucket');
      expect(bucket.bucket_prefix).toBe('gitlab-workspaces-lb-logs-');
      expect(s.only('aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(s.only('aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      expect(s.only('aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
      expect(s.only('aws_s3_bucket_lifecycle_configuration').rule[0]).toMatchObject({ status: 'Enabled', expiration: [{ days: 30 }] });
    });
  });

  it('go into the user\'s own bucket as given, with nothing created', () => {
    const app = synthApp(configFromText(ACCESS_LOGS('enabled: true\nbucket: acme-lb-logs\n')));
    expect(app.platform.s.only('aws_lb').access_logs).toEqual({ enabled: true, bucket: 'acme-lb-logs' });
    expect(app.platform.s.all('aws_s3_bucket')).toEqual([]);
  });

  it('refuse what does not apply, at its key', () => {
    expect(errors(ACCESS_LOGS('prefix: nlb\n')).map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^e\.yaml:\d+:15: error: gitlab\.entryPoint\.accessLogs\.prefix: `prefix` applies only with access logs on/),
    ]);
    expect(errors(ACCESS_LOGS('enabled: true\nprefix: logs/AWSLogs\n')).map((d) => [d.path, d.message])).toEqual([
      ['gitlab.entryPoint.accessLogs.prefix', expect.stringContaining('contains AWSLogs, which Elastic Load Balancing adds')],
    ]);
    expect(errors(ACCESS_LOGS('enabled: true\nbucket: acme-lb-logs\nretentionDays: 7\n')).map((d) => [d.path, d.message])).toEqual([
      ['gitlab.entryPoint.accessLogs.retentionDays', expect.stringContaining('applies only to the bucket the stack creates')],
    ]);
    expect(errors(ACCESS_LOGS('enabled: true\nbucket: Not_A_Bucket\n')).map((d) => d.path)).toEqual(['gitlab.entryPoint.accessLogs.bucket']);
  });

  it('refuse a log prefix with AWSLogs in the construct used à la carte too', () => {
    const stack = new TerraformStack(Testing.app(), 'logs');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    expect(() => new LoadBalancerLogBucket(stack, 'logs', { bucketPrefix: 'acme-', logPrefix: 'AWSLogs' })).toThrow(/must not contain AWSLogs/);
    expect(() => new LoadBalancerLogBucket(stack, 'logs2', { bucketPrefix: 'Acme-' })).toThrow(/lowercase/);
  });
});

/** Every resource of a stack with `lifecycle.prevent_destroy`, as `type` (one entry per resource). */
const protectedTypes = (s: Synthesized): string[] => Object.entries(s.doc.resource ?? {})
  .flatMap(([type, blocks]) => Object.values(blocks as Record<string, Block>).filter((b) => b.lifecycle?.prevent_destroy === true).map(() => type))
  .sort();

describe('destroy protection', () => {
  const created = `${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {create: true}\n`;

  /** The platform stack's destroy-time guard or cleanup (a terraform_data with a destroy provisioner). */
  const destroyStep = (s: Synthesized): Block => s.onlyWhere('terraform_data', (d) => (d.provisioner ?? []).some((p: Block) => p['local-exec']?.when === 'destroy'));

  it('puts prevent_destroy on the cluster, the three KMS keys and the created hosted zone by default, and on the platform stack\'s destroy guard', () => {
    const app = synthApp(configFromText(created));
    expect(protectedTypes(app.cluster.s)).toEqual(['aws_eks_cluster', 'aws_kms_key', 'aws_kms_key', 'aws_kms_key', 'aws_route53_zone']);
    expect(app.cluster.s.all('aws_kms_key')).toHaveLength(3);
    // `destroy '*'` starts with the platform stack: it stops there at plan too, before the agent, the proxy or the way in goes.
    expect(protectedTypes(app.platform.s)).toEqual(['terraform_data']);
    expect(destroyStep(app.platform.s).lifecycle).toMatchObject({ prevent_destroy: true });
    // So does the volume cleanup that replaces the guard with workspaceVolumesOnDestroy: delete.
    const cleanup = synthApp(configFromText(`storage:\n  workspaceVolumesOnDestroy: delete\n${created}`));
    expect(destroyStep(cleanup.platform.s).provisioner[0]['local-exec'].command).toContain('delete persistentvolumeclaims');
    expect(destroyStep(cleanup.platform.s).lifecycle).toMatchObject({ prevent_destroy: true });
  });

  it('protects nothing with cluster.allowDestroy: true, and keeps the destroy guards', () => {
    const text = created.replace('cluster:\n', 'cluster:\n  allowDestroy: true\n');
    const app = synthApp(configFromText(text));
    expect(protectedTypes(app.cluster.s)).toEqual([]);
    expect(protectedTypes(app.platform.s)).toEqual([]);
    // The volume key guards (destroy-time provisioners) are still in both stacks.
    for (const s of [app.cluster.s, app.platform.s]) {
      expect(s.all('terraform_data').filter((d) => (d.provisioner ?? []).some((p: Block) => p['local-exec']?.when === 'destroy'))).toHaveLength(1);
    }
  });

  it('is the constructs\' default, for users à la carte', () => {
    const stack = new TerraformStack(Testing.app(), 'alacarte');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new EksCluster(stack, 'eks', { name: 'c', subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: false });
    new EncryptionKey(stack, 'key', { alias: 'c/other', description: 'other' });
    new EncryptionKey(stack, 'unprotected', { alias: 'c/scratch', description: 'scratch', preventDestroy: false });
    new WorkspacesHostedZone(stack, 'zone', { dnsZone: 'workspaces.acme.dev', create: true });
    const s = new Synthesized(Testing.synth(stack));
    expect(protectedTypes(s)).toEqual(['aws_eks_cluster', 'aws_kms_key', 'aws_kms_key', 'aws_route53_zone']);
  });
});

/**
 * What Acme's reviewers care about in the workspaces infrastructure, checked on every merge request, and a
 * snapshot of each stack so any other change shows up in the diff. Runs with no cloud credentials and no
 * Terraform binary: `npm test`.
 *
 * The whole app is synthesized once, as `cdktf synth` does: the ready stacks refer to each other, and only
 * an app synth turns those references into outputs and remote state (Testing.synth of one stack would not).
 */
import 'cdktf/lib/testing/adapters/jest'; // the matchers' types
import { DataTerraformRemoteStateS3, Testing } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { Release } from '@cdktf/provider-helm/lib/release';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { buildAcmeInfra } from '../main';

Testing.setupJest();

const outdir = mkdtempSync(join(tmpdir(), 'acme-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const infra = buildAcmeInfra(outdir);
infra.app.synth();

/** A stack's cdk.tf.json as `cdktf synth` writes it. */
const synthesized = (id: string) => readFileSync(join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8');
/** The same without cdktf's `//` metadata (construct paths), for snapshots. */
const forSnapshot = (json: string) => JSON.parse(json, (key, value) => (key === '//' ? undefined : value)) as unknown;

const existing = synthesized(infra.existing.node.id);
const cluster = synthesized(infra.ready.cluster.node.id);
const platform = synthesized(infra.ready.platform.node.id);

describe('the constructs on the existing cluster', () => {
  it('makes gp3 the default StorageClass, encrypted', () => {
    expect(existing).toHaveResourceWithProperties(StorageClassV1, {
      metadata: expect.objectContaining({ annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
      parameters: expect.objectContaining({ type: 'gp3', encrypted: 'true' }),
    });
  });

  it('installs the agent and the proxy with Helm', () => {
    expect(existing).toHaveResourceWithProperties(Release, { chart: 'gitlab-agent' });
    expect(existing).toHaveResourceWithProperties(Release, { chart: 'gitlab-workspaces-proxy' });
  });

  it('writes an agent config that keeps workspaces away from the instance metadata service', () => {
    const config = JSON.parse(existing).output.agent_config.value as string;
    expect(config).toContain('169.254.169.254/32');
  });

  it('keeps its state in Acme\'s bucket', () => {
    expect(JSON.parse(existing).terraform.backend.s3).toMatchObject({ bucket: 'acme-terraform-state', key: 'platform/workspaces-platform-prod.tfstate', encrypt: true });
  });

  it('matches the snapshot', () => {
    expect(forSnapshot(existing)).toMatchSnapshot();
  });
});

describe('the ready stacks for the new cluster', () => {
  it('creates the EKS cluster in the cluster stack only', () => {
    expect(cluster).toHaveResource(EksCluster);
    expect(platform).not.toHaveResource(EksCluster);
  });

  it('reads the cluster stack\'s outputs from Acme\'s bucket', () => {
    expect(platform).toHaveDataSourceWithProperties(DataTerraformRemoteStateS3, {
      backend: 's3',
      config: expect.objectContaining({ bucket: 'acme-terraform-state', key: 'platform/workspaces-eu.tfstate' }),
    });
  });

  it('matches the snapshots', () => {
    expect(forSnapshot(cluster)).toMatchSnapshot();
    expect(forSnapshot(platform)).toMatchSnapshot();
  });
});

/**
 * The contract between the two stacks and with Terraform itself: the cluster stack publishes the values the
 * platform stack reads under stable names (no cdktf cross-stack names that a refactor changes), the load
 * balancer's target attachment lives with the system node group it names (a replaced group keeps the load
 * balancer's targets in the same apply), and every stack pins the Terraform version and fully qualified
 * provider sources (OpenTofu resolves the same providers).
 */
import { App, S3Backend, Testing } from 'cdktf';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildApp } from '../../stacks/app';
import { CLUSTER_OUTPUTS, CLUSTER_STATE_DATA_SOURCE } from '../../stacks/cluster-outputs';
import { qualifiedProviderSource, TERRAFORM_REQUIRED_VERSION } from '../../stacks/terraform-settings';
import { Synthesized } from '../helpers/synthesized';
import { configFromText, EXAMPLES, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG, SynthesizedApp, synthApp } from './helpers';

const exampleNames = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml'))).sort();
const WITH_PROXY = `${REQUIRED_CONFIG}${GITLAB_CONFIG}`;

/** Every `outputs.<name>` a stack reads from a `terraform_remote_state`. */
function remoteReads(s: Synthesized): string[] {
  return [...new Set([...JSON.stringify(s.doc).matchAll(/data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g)].map((m) => `${m[1]}.${m[2]}`))].sort();
}

describe.each(exampleNames)('example %s: the stacks\' contract', (name) => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(loadExample(name));
  });

  it('has no cdktf cross-stack output or read in either stack', () => {
    for (const stack of [app.cluster, app.platform]) {
      expect(Object.keys(stack.s.doc.output ?? {}).filter((o) => o.startsWith('cross-stack-'))).toEqual([]);
      expect(stack.json).not.toMatch(/cross-stack-(output|reference)/);
    }
  });

  it('reads only named contract outputs of the cluster stack, each one the cluster stack publishes', () => {
    const contract = Object.values(CLUSTER_OUTPUTS) as string[];
    const reads = remoteReads(app.platform.s);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      const [source, output] = read.split('.');
      expect(source).toBe(CLUSTER_STATE_DATA_SOURCE);
      expect(contract).toContain(output);
      expect(Object.keys(app.cluster.s.doc.output)).toContain(output);
    }
    expect(Object.keys(app.platform.s.data('terraform_remote_state'))).toEqual([CLUSTER_STATE_DATA_SOURCE]);
  });

  it('requires Terraform (or OpenTofu) 1.10 and names every provider by its full source, in every stack', () => {
    for (const stack of Object.values(app.stacks)) {
      expect(stack.s.doc.terraform.required_version).toBe('>= 1.10');
      const providers = stack.s.doc.terraform.required_providers as Record<string, { source: string }>;
      expect(Object.keys(providers).length).toBeGreaterThan(0);
      for (const [local, { source }] of Object.entries(providers)) {
        expect(source).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
        expect(source.split('/')[1]).toBe(local);
      }
    }
  });
});

describe('the published outputs', () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(configFromText(WITH_PROXY));
  });

  it('are every contract name, with the proxy, and the platform stack reads them all', () => {
    for (const output of Object.values(CLUSTER_OUTPUTS)) expect(app.cluster.s.doc.output[output]).toBeDefined();
    const read = remoteReads(app.platform.s).map((r) => r.split('.')[1]);
    expect(read.sort()).toEqual(Object.values(CLUSTER_OUTPUTS).filter((o) => o !== CLUSTER_OUTPUTS.privateSubnetIds).sort());
  });

  it('hold what their names say', () => {
    const c = app.cluster.s;
    const cluster = c.addressOf('aws_eks_cluster', c.only('aws_eks_cluster'));
    expect(c.output('cluster_endpoint').value).toBe(`\${${cluster}.endpoint}`);
    expect(c.output('cluster_certificate_authority_data').value).toBe(`\${${cluster}.certificate_authority[0].data}`);
    expect(c.output('cluster_security_group_id').value).toBe(`\${${cluster}.vpc_config[0].cluster_security_group_id}`);
    expect(c.deref(c.output('workspaces_http_target_group_arn').value).port).toBe(32080);
    expect(c.deref(c.output('workspaces_ssh_target_group_arn').value).port).toBe(32022);
  });

  it('configure the platform stack\'s providers', () => {
    const kubernetes = app.platform.s.doc.provider.kubernetes[0];
    expect(kubernetes.host).toBe('${data.terraform_remote_state.cluster_stack.outputs.cluster_endpoint}');
    expect(kubernetes.cluster_ca_certificate).toBe('${base64decode(data.terraform_remote_state.cluster_stack.outputs.cluster_certificate_authority_data)}');
  });

  it('are read through the caller\'s backend when buildApp is given a factory', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      const app2 = new App({ outdir });
      const built = buildApp(configFromText(WITH_PROXY), {
        app: app2, stackId: 'ws',
        backend: (stack, id) => new S3Backend(stack, { bucket: 'acme-state', key: `w/${id}.tfstate`, region: 'eu-central-1' }),
      });
      app2.synth();
      const read = (id: string) => new Synthesized(readFileSync(join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
      expect(built.platform.clusterOutputs.remoteState).toBeDefined();
      expect(read('ws-platform').data('terraform_remote_state')).toEqual({
        [CLUSTER_STATE_DATA_SOURCE]: expect.objectContaining({ backend: 's3', config: { bucket: 'acme-state', key: 'w/ws.tfstate', region: 'eu-central-1' } }),
      });
      expect(JSON.stringify(read('ws').doc)).not.toContain('cross-stack-');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('the load balancer\'s targets when the system node group is replaced', () => {
  // m6i.large -> m7i.large replaces the EKS managed node group (instance_types forces a new group).
  let before: SynthesizedApp;
  let after: SynthesizedApp;
  beforeAll(() => {
    before = synthApp(configFromText(WITH_PROXY));
    after = synthApp(configFromText(`${WITH_PROXY}nodes:\n  system:\n    instanceTypes: [m7i.large]\n`));
  });

  it('the change is in the system node group of the cluster stack', () => {
    const system = (a: SynthesizedApp) => a.cluster.s.onlyWhere('aws_eks_node_group', (g) => g.node_group_name_prefix === 'system-');
    expect(system(before).instance_types).toEqual(['m6i.large']);
    expect(system(after).instance_types).toEqual(['m7i.large']);
    // Same address: Terraform plans a replacement of the group, new before old.
    expect(after.cluster.s.addressOf('aws_eks_node_group', system(after))).toBe(before.cluster.s.addressOf('aws_eks_node_group', system(before)));
    expect(system(after).lifecycle.create_before_destroy).toBe(true);
  });

  it('attaches the target groups to the new group in the same apply, the new attachment before the old one goes', () => {
    const c = after.cluster.s;
    const system = c.onlyWhere('aws_eks_node_group', (g) => g.node_group_name_prefix === 'system-');
    const asg = `\${${c.addressOf('aws_eks_node_group', system)}.resources[0].autoscaling_groups[0].name}`;
    const attachments = c.all('aws_autoscaling_attachment');
    expect(attachments).toHaveLength(2);
    for (const a of attachments) {
      // Names the group of this stack (replaced with it), not a value read from another stack's state.
      expect(a.autoscaling_group_name).toBe(asg);
      expect(a.lifecycle).toEqual({ create_before_destroy: true });
      expect(c.deref(a.lb_target_group_arn).lifecycle).toEqual({ create_before_destroy: true });
    }
    expect(attachments.map((a) => c.deref(a.lb_target_group_arn).port).sort()).toEqual([32022, 32080]);
  });

  it('leaves the platform stack unchanged: nothing there to apply again', () => {
    expect(after.platform.s.all('aws_autoscaling_attachment')).toEqual([]);
    expect(after.platform.json).toBe(before.platform.json);
  });
});

describe('provider sources', () => {
  it('qualifies the providers the stacks use, keeps qualified ones, and qualifies any other bare one as Terraform reads it', () => {
    expect(qualifiedProviderSource('aws', 'aws')).toBe('hashicorp/aws');
    expect(qualifiedProviderSource('kubernetes', 'kubernetes')).toBe('hashicorp/kubernetes');
    expect(qualifiedProviderSource('helm', undefined)).toBe('hashicorp/helm');
    expect(qualifiedProviderSource('gitlab', 'gitlabhq/gitlab')).toBe('gitlabhq/gitlab');
    expect(qualifiedProviderSource('null', 'null')).toBe('hashicorp/null');
    expect(qualifiedProviderSource('acme', 'registry.example.com/acme/acme')).toBe('registry.example.com/acme/acme');
    expect(TERRAFORM_REQUIRED_VERSION).toBe('>= 1.10');
  });

  it('names the GitLab provider gitlabhq/gitlab when the stack registers the agent', () => {
    const app = synthApp(configFromText(`${WITH_PROXY}  agent:\n    project: acme/platform/workspaces-agent\n`));
    expect(app.platform.s.doc.terraform.required_providers.gitlab.source).toBe('gitlabhq/gitlab');
    expect(app.platform.s.doc.terraform.required_providers.aws.source).toBe('hashicorp/aws');
  });
});

describe('stacks of your own (the library examples)', () => {
  it('get the same settings from the TerraformSettings aspect', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { buildSingleStackApp } = require('../../examples/single-stack/main') as typeof import('../../examples/single-stack/main');
    const { buildGitLabOnExistingClusterApp } = require('../../examples/gitlab-on-existing-cluster/main') as typeof import('../../examples/gitlab-on-existing-cluster/main');
    /* eslint-enable @typescript-eslint/no-require-imports */
    for (const { stack } of [buildSingleStackApp(join(__dirname, 'unused-outdir')), buildGitLabOnExistingClusterApp(join(__dirname, 'unused-outdir'))]) {
      const terraform = new Synthesized(Testing.synth(stack)).doc.terraform;
      expect(terraform.required_version).toBe('>= 1.10');
      for (const { source } of Object.values(terraform.required_providers) as Array<{ source: string }>) expect(source).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    }
  });
});

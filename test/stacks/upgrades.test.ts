/**
 * Years of upgrades: the Kubernetes minor walked 1.33 -> 1.34 -> 1.35 through workspace node generations,
 * each step's config synthesized and its plan-time conditions evaluated against the running groups a plan
 * would see (and the synth refusals of the steps EKS would refuse); node image age warnings (check blocks);
 * pins for a minor newer than the tested table; minSize raised above a running group's desired size.
 */
import { loadConfigText } from '../../stacks/config/load';
import { WorkspacesConfig } from '../../stacks/config/types';
import { Block, Synthesized } from '../helpers/synthesized';
import { evaluateCondition, renderTemplate } from '../helpers/hcl-eval';
import { unresolvedReferences } from '../helpers/terraform-references';
import { configFromText, loadExample, REQUIRED_CONFIG, synthApp, TEST_DAY } from './helpers';

/** A config at a Kubernetes minor with a workspace generation and retiring entries (YAML flow text). */
function step(version: string, generation: number, retiring = '[]', extra = ''): string {
  return `${REQUIRED_CONFIG}  kubernetesVersion: "${version}"
nodes:
  workspaces:
    generation: ${generation}
    retiringGenerations: ${retiring}
${extra}`;
}

function clusterOf(config: WorkspacesConfig): Synthesized {
  return synthApp(config).cluster.s;
}

/** The workspace groups of a generation (per zone), by name prefix. */
function generationGroups(s: Synthesized, generation: number): Block[] {
  return s.all('aws_eks_node_group').filter((g) => g.labels?.['gitlab-workspaces/generation'] === String(generation));
}

/** What a plan sees of a running group. */
interface Running {
  readonly version?: string;
  readonly desired?: number;
  readonly runtime?: string;
}

/** The messages of the group's postconditions that fail for a running group (rendered as Terraform would). */
function failing(group: Block, running: Running): string[] {
  const self = {
    version: running.version,
    labels: running.runtime ? { 'gitlab-workspaces/runtime': running.runtime } : {},
    scaling_config: [{ ...Object.fromEntries(Object.entries(group.scaling_config).map(([k, v]) => [k, v])), ...(running.desired === undefined ? {} : { desired_size: running.desired }) }],
    node_group_name: `${group.node_group_name_prefix}20261201`,
    cluster_name: 'gitlab-workspaces',
    arn: 'arn:aws:eks:eu-west-1:111122223333:nodegroup/gitlab-workspaces/x/y',
  };
  return (group.lifecycle.postcondition as Array<{ condition: string; error_message: string }>)
    .filter((c) => evaluateCondition(c.condition, { self }) !== true)
    .map((c) => renderTemplate(c.error_message, { self }));
}

/** The synth's error messages for a config text. */
function synthErrors(text: string): string[] {
  const result = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
  return result.ok ? [] : result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`);
}

describe('the Kubernetes minor upgrade path, 1.33 -> 1.34 -> 1.35', () => {
  it('step 0 (1.33, generation 1): the workspace groups check their nodes are at 1.33', () => {
    const s = clusterOf(configFromText(step('1.33', 1)));
    expect(s.only('aws_eks_cluster').version).toBe('1.33');
    const g1 = generationGroups(s, 1);
    expect(g1).toHaveLength(3);
    for (const g of g1) {
      expect(failing(g, { version: '1.33' })).toEqual([]);
      // A new group's version is unknown at plan (Terraform checks it after the apply): the cluster's.
      expect(g.version).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.version\}$/);
    }
  });

  it('raising only the minor is refused at plan, naming the generation to add and the entry to write', () => {
    const text = step('1.34', 1);
    expect(synthErrors(text)).toEqual([]); // synth cannot see the running nodes; the plan can
    const s = clusterOf(configFromText(text));
    for (const g of generationGroups(s, 1)) {
      const errors = failing(g, { version: '1.33' });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('has nodes at Kubernetes 1.33, and cluster.kubernetesVersion is 1.34');
      expect(errors[0]).toContain('set nodes.workspaces.generation to 2, add {generation: 1, kubernetesVersion: "1.33"} to nodes.workspaces.retiringGenerations, and deploy again');
    }
  });

  it('step 1 (1.34, generation 2, generation 1 retiring at 1.33): the control plane upgrades, generation 2 comes up at 1.34, generation 1 keeps its nodes', () => {
    const text = step('1.34', 2, '[{generation: 1, kubernetesVersion: "1.33"}]');
    expect(synthErrors(text)).toEqual([]);
    const s = clusterOf(configFromText(text));
    expect(s.only('aws_eks_cluster').version).toBe('1.34');
    const [g2, g1] = [generationGroups(s, 2), generationGroups(s, 1)];
    expect(g2).toHaveLength(3);
    expect(g1).toHaveLength(3);
    for (const g of g2) expect(failing(g, { version: '1.34' })).toEqual([]);
    // A group EKS reports no version for is not judged (a custom AMI's, should EKS leave it out).
    expect(failing(g2[0], { version: '' })).toEqual([]);
    for (const g of g1) {
      // Running at 1.33, one minor behind: allowed, and nothing of its template changes (no drain).
      expect(failing(g, { version: '1.33', desired: 2 })).toEqual([]);
      expect(g.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['version', 'release_version', 'launch_template']));
      expect(g.taint).toEqual([{ key: 'gitlab-workspaces/retiring', value: 'true', effect: 'NO_SCHEDULE' }]);
      expect(g.scaling_config.min_size).toBe(0);
    }
    // The system nodes follow the control plane (after it: they reference its version).
    const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(system.version).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.version\}$/);
    expect(system.lifecycle.ignore_changes).not.toContain('version');
  });

  it('a retiring entry without its minor is refused at plan with the entry to write', () => {
    const s = clusterOf(configFromText(step('1.34', 2, '[1]')));
    const errors = failing(generationGroups(s, 1)[0], { version: '1.33' });
    expect(errors).toEqual([expect.stringContaining('Write its entry as {generation: 1, kubernetesVersion: "1.33"}, and deploy again')]);
  });

  it('step 2 (generation 1 emptied and removed): its groups go, generation 2 stays', () => {
    const s = clusterOf(configFromText(step('1.34', 2)));
    expect(generationGroups(s, 1)).toEqual([]);
    for (const g of generationGroups(s, 2)) expect(failing(g, { version: '1.34' })).toEqual([]);
  });

  it('step 3 with generation 1 still listed is refused at synth: it blocks the upgrade from 1.34, and the message says how to empty it', () => {
    const errors = synthErrors(step('1.35', 3, '[{generation: 1, kubernetesVersion: "1.33"}, {generation: 2, kubernetesVersion: "1.34"}]'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^nodes\.workspaces\.retiringGenerations\[0\]\.kubernetesVersion: retiring generation 1 was built at Kubernetes 1\.33, and cluster\.kubernetesVersion asks for 1\.35/);
    expect(errors[0]).toContain('generation 1 blocks the upgrade from 1.34');
    expect(errors[0]).toContain('max_active_hours_before_stop');
    expect(errors[0]).toContain('remove it from nodes.workspaces.retiringGenerations and deploy; then upgrade');
  });

  it('step 3 with a generation whose entry hides its minor is refused at plan: the running group blocks the upgrade', () => {
    // The entry says nothing of 1.33 (a bare number): only the plan, reading the group, knows.
    const s = clusterOf(configFromText(step('1.35', 3, '[1, {generation: 2, kubernetesVersion: "1.34"}]')));
    const errors = failing(generationGroups(s, 1)[0], { version: '1.33' });
    expect(errors[0]).toContain('(retiring generation 1) has nodes at Kubernetes 1.33, and cluster.kubernetesVersion asks for 1.35: EKS upgrades the control plane only while every managed node group is at its current minor');
    expect(errors[0]).toContain('Keep cluster.kubernetesVersion at 1.34 until generation 1 is empty');
    expect(errors[0]).toContain('kubectl drain -l gitlab-workspaces/generation=1');
    expect(errors[0]).toContain('max_active_hours_before_stop');
  });

  it('step 3 (1.35, generation 3, generation 2 retiring at 1.34): accepted, and each group checks its minor', () => {
    const text = step('1.35', 3, '[{generation: 2, kubernetesVersion: "1.34"}]');
    expect(synthErrors(text)).toEqual([]);
    const s = clusterOf(configFromText(text));
    expect(s.only('aws_eks_cluster').version).toBe('1.35');
    for (const g of generationGroups(s, 3)) expect(failing(g, { version: '1.35' })).toEqual([]);
    for (const g of generationGroups(s, 2)) {
      expect(failing(g, { version: '1.34' })).toEqual([]);
      expect(failing(g, { version: '1.35' })).toEqual([expect.stringContaining('Write its entry as {generation: 2, kubernetesVersion: "1.35"}')]);
    }
  });

  it('refuses at synth a retiring generation newer than the control plane', () => {
    expect(synthErrors(step('1.34', 3, '[{generation: 2, kubernetesVersion: "1.35"}]'))).toEqual([
      expect.stringMatching(/^nodes\.workspaces\.retiringGenerations\[0\]\.kubernetesVersion: generation 2 cannot have been built at Kubernetes 1\.35: cluster\.kubernetesVersion is 1\.34/),
    ]);
  });
});

describe('node image age', () => {
  const check = (s: Synthesized, name: string) => (s.doc.check?.[name] as { assert: Array<{ condition: string; error_message: string }> } | undefined);

  it('warns at plan (a check block, not an error) when the current workspace generation\'s image is more than maxImageAgeDays older than the recommended one', () => {
    const s = clusterOf(configFromText(step('1.35', 2, '[1]')));
    const block = check(s, 'workspace_node_image_age')!;
    expect(block.assert).toHaveLength(3); // the current generation's groups only
    const [ssm] = Object.keys(s.data('aws_ssm_parameter'));
    const group = generationGroups(s, 2)[0];
    const id = Object.entries(s.resources('aws_eks_node_group')).find(([, g]) => g === group)![0];
    const a = block.assert.find((x) => x.condition.includes(`aws_eks_node_group.${id}.`))!;
    const env = (running: string, recommended: string) => ({
      aws_eks_node_group: { [id]: { release_version: running, node_group_name: 'workspaces-g2-0-x' } },
      data: { aws_ssm_parameter: { [ssm]: { insecure_value: recommended } } },
    });
    expect(evaluateCondition(a.condition, env('1.35.0-20261031', '1.35.0-20261201'))).toBe(false); // 31 days
    expect(evaluateCondition(a.condition, env('1.35.0-20261101', '1.35.0-20261201'))).toBe(true); // 30 days
    expect(evaluateCondition(a.condition, env('1.35.0-20261201', '1.35.0-20261201'))).toBe(true);
    expect(renderTemplate(a.error_message, env('1.35.0-20261031', '1.35.0-20261201'))).toBe(
      'Workspace node group workspaces-g2-0-x (generation 2, the current one) runs AMI release 1.35.0-20261031, more than 30 days older than the release AWS recommends for Kubernetes 1.35, 1.35.0-20261201, and workspace groups never roll their nodes: '
      + 'roll them through a new generation (set nodes.workspaces.generation to 3, add 2 to nodes.workspaces.retiringGenerations, and deploy: docs/operations.md#monthly-image-roll)');
    // Stays quiet rather than fail on a release without a date.
    expect(evaluateCondition(a.condition, env('1.35.0-abcdef', '1.35.0-20261201'))).toBe(true);
  });

  // Images whose releases carry no date: the AMIs' creation dates, the running one from a lookup scoped to the check.
  type AmiCheck = { data: { aws_ami: Record<string, { filter: Array<{ name: string; values: string[] }>; owners?: string[]; include_deprecated: boolean }> }; assert: Array<{ condition: string; error_message: string }> };
  const amiChecks = (s: Synthesized, prefix: string) => Object.entries((s.doc.check ?? {}) as Record<string, AmiCheck>).filter(([name]) => name.startsWith(prefix));
  const idOf = (s: Synthesized, group: Block) => Object.entries(s.resources('aws_eks_node_group')).find(([, g]) => g === group)![0];
  /** The top-level recommended image (by the id an SSM parameter names) and that parameter. */
  const recommendedImage = (s: Synthesized, check: AmiCheck) => {
    const [, ref] = /(data\.aws_ami\.[^.\s,)]+)\.creation_date\)/.exec(check.assert[0].condition) ?? [];
    const ami = s.deref(`\${${ref}}`);
    const ssm = s.deref(ami.filter[0].values[0]);
    return { label: ref.split('.')[2], ami, ssm };
  };
  const ami = (name: string, id: string, created: string, owner = '111122223333') => ({ name, id, creation_date: created, owner_id: owner });

  it('watches Canonical\'s Ubuntu (Sysbox) workspace nodes by AMI creation date: the running AMI is the one EKS reports for the group, against Canonical\'s newest stable build', () => {
    const s = clusterOf(loadExample('sysbox'));
    expect(check(s, 'workspace_node_image_age')).toBeUndefined();
    const checks = amiChecks(s, 'workspace_node_image_age_');
    const current = s.all('aws_eks_node_group').filter((g) => g.labels?.['gitlab-workspaces/pool'] === 'workspaces' && !(g.taint ?? []).some((t: { key: string }) => t.key === 'gitlab-workspaces/retiring'));
    expect(checks).toHaveLength(current.length);
    const group = current[0];
    const id = idOf(s, group);
    const [name, block] = checks.find(([, c]) => JSON.stringify(c).includes(`aws_eks_node_group.${id}.`))!;
    // The running AMI: a custom-AMI group's release_version is its AMI id (EKS API, Nodegroup.releaseVersion).
    expect(block.data.aws_ami[name]).toEqual({ filter: [{ name: 'image-id', values: [`\${aws_eks_node_group.${id}.release_version}`] }], include_deprecated: true });
    const rec = recommendedImage(s, block);
    expect(rec.ssm.name).toBe('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id');
    // The parameter the launch template takes its image from (new generations start from it).
    expect(s.deref(group.launch_template.id).image_id).toBe(rec.ami.filter[0].values[0]);
    const env = (runningCreated: string) => ({
      aws_eks_node_group: { [id]: { node_group_name: 'workspaces-g1-a-x', release_version: 'ami-0old' } },
      data: { aws_ami: {
        [name]: ami('ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261020', 'ami-0old', runningCreated, '099720109477'),
        [rec.label]: ami('ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261201', 'ami-0new', '2026-12-01T08:00:00.000Z', '099720109477'),
      } },
    });
    const [a] = block.assert;
    expect(evaluateCondition(a.condition, env('2026-10-31T07:59:59.000Z'))).toBe(false); // 31 days
    expect(evaluateCondition(a.condition, env('2026-11-01T08:00:00.000Z'))).toBe(true); // 30 days
    expect(evaluateCondition(a.condition, env('2026-12-01T08:00:00.000Z'))).toBe(true);
    expect(evaluateCondition(a.condition, env('not a date'))).toBe(true); // stays quiet rather than fail
    expect(renderTemplate(a.error_message, env('2026-10-20T08:00:00.000Z'))).toBe(
      'Workspace node group workspaces-g1-a-x (generation 1, the current one) runs AMI ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261020 (ami-0old), created 2026-10-20T08:00:00.000Z, '
      + 'more than 30 days before the one Canonical recommends for Kubernetes 1.35, ubuntu-eks/k8s_1.35/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261201 (ami-0new), created 2026-12-01T08:00:00.000Z, '
      + 'and workspace groups never roll their nodes: roll them through a new generation (set nodes.workspaces.generation to 2, add 1 to nodes.workspaces.retiringGenerations, and deploy: docs/operations.md#monthly-image-roll)');
  });

  it('compares a pinned Ubuntu build (runtimes.sysbox.nodeImage) with the newest stable one, and says to raise the pin', () => {
    const example = loadExample('sysbox');
    const sysbox = example.runtimes!.sysbox!;
    const s = clusterOf({ ...example, runtimes: { ...example.runtimes!, sysbox: { ...sysbox, nodeImage: { serial: '20260901', kernel: '6.8' } } } } as WorkspacesConfig);
    const [[, block]] = amiChecks(s, 'workspace_node_image_age_');
    expect(recommendedImage(s, block).ssm.name).toBe('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/current/amd64/hvm/ebs-gp3/ami-id');
    expect(Object.values(s.data('aws_ssm_parameter')).map((p) => p.name)).toContain('/aws/service/canonical/ubuntu/eks/24.04/1.35/stable/20260901/amd64/hvm/ebs-gp3/ami-id');
    expect(block.assert[0].error_message).toContain('add 1 to nodes.workspaces.retiringGenerations, raise runtimes.sysbox.nodeImage.serial from 20260901 to the newer build\'s serial');
  });

  it('watches Bottlerocket workspace nodes by AMI creation date: the running AMI named from the group\'s release and minor, owned by the recommended one\'s owner', () => {
    const s = clusterOf(configFromText(`${REQUIRED_CONFIG}  kubernetesVersion: "1.35"\nnodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n`));
    expect(check(s, 'workspace_node_image_age')).toBeUndefined();
    const checks = amiChecks(s, 'workspace_node_image_age_');
    expect(checks.length).toBeGreaterThan(0);
    const [name, block] = checks[0];
    const id = /aws_eks_node_group\.([^.]+)\.release_version/.exec(JSON.stringify(block))![1];
    const rec = recommendedImage(s, block);
    expect(rec.ssm.name).toBe('/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id');
    const lookup = block.data.aws_ami[name];
    expect(lookup.owners).toEqual([`\${data.aws_ami.${rec.label}.owner_id}`]);
    expect(lookup.filter.map((f) => f.name)).toEqual(['name']);
    const versionParameter = Object.entries(s.data('aws_ssm_parameter')).find(([, p]) => p.name === '/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_version')![0];
    const env = (running: { release: string; version: string; created: string }) => ({
      aws_eks_node_group: { [id]: { node_group_name: 'workspaces-g1-a-x', release_version: running.release, version: running.version } },
      data: {
        aws_ssm_parameter: { [versionParameter]: { insecure_value: '1.52.0-bbbbbbbb' } },
        aws_ami: {
          [name]: ami(`bottlerocket-aws-k8s-${running.version}-x86_64-v${running.release}`, 'ami-0old', running.created, '651937483462'),
          [rec.label]: ami('bottlerocket-aws-k8s-1.35-x86_64-v1.52.0-bbbbbbbb', 'ami-0new', '2026-12-01T00:00:00Z', '651937483462'),
        },
      },
    });
    // The lookup names the running group's image: its release at its minor.
    const filterValue = /^\$\{(.+)\}$/.exec(lookup.filter[0].values[0])![1];
    expect(renderTemplate(`\${${filterValue}}`, env({ release: '1.50.0-aaaaaaaa', version: '1.35', created: '' }))).toBe('bottlerocket-aws-k8s-1.35-x86_64-v1.50.0-aaaaaaaa');
    expect(renderTemplate(`\${${filterValue}}`, env({ release: '1.49.0-cccccccc', version: '1.34', created: '' }))).toBe('bottlerocket-aws-k8s-1.34-x86_64-v1.49.0-cccccccc');
    const [a] = block.assert;
    expect(evaluateCondition(a.condition, env({ release: '1.50.0-aaaaaaaa', version: '1.35', created: '2026-10-31T00:00:00Z' }))).toBe(false);
    expect(evaluateCondition(a.condition, env({ release: '1.50.0-aaaaaaaa', version: '1.35', created: '2026-11-01T00:00:00Z' }))).toBe(true);
    expect(renderTemplate(a.error_message, env({ release: '1.50.0-aaaaaaaa', version: '1.35', created: '2026-10-31T00:00:00Z' }))).toMatch(/^Workspace node group workspaces-g1-a-x \(generation 1, the current one\) runs AMI bottlerocket-aws-k8s-1\.35-x86_64-v1\.50\.0-aaaaaaaa \(ami-0old\), created 2026-10-31T00:00:00Z, more than 30 days before the one AWS recommends for Kubernetes 1\.35, bottlerocket-aws-k8s-1\.35-x86_64-v1\.52\.0-bbbbbbbb \(ami-0new\), created 2026-12-01T00:00:00Z, and workspace groups never roll/);

    // The system nodes (Amazon Linux 2023 only) keep the release-date comparison.
    expect(s.doc.check.system_node_image_age.data).toBeUndefined();
  });

  it('leaves no reference unresolved with the scoped lookups (sysbox, Bottlerocket)', () => {
    for (const config of [loadExample('sysbox'), configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n`)]) {
      expect(unresolvedReferences(clusterOf(config).doc)).toEqual([]);
    }
  });

  it('takes maxImageAgeDays from the config', () => {
    const s = clusterOf(configFromText(step('1.35', 1, '[]', '    maxImageAgeDays: 7\n')));
    expect(check(s, 'workspace_node_image_age')!.assert[0].condition).toContain('"168h"');
  });

  it('pins the system nodes\' image: by default the release at creation, kept (no roll when AWS publishes one); a warning when it falls behind', () => {
    const s = clusterOf(configFromText(step('1.35', 1)));
    const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(system.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size', 'release_version']);
    expect(system.release_version).toMatch(/^\$\{data\.aws_ssm_parameter\..+\.insecure_value\}$/);
    const block = check(s, 'system_node_image_age')!;
    expect(block.assert).toHaveLength(1);
    expect(block.assert[0].error_message).toContain('set nodes.system.releaseVersion: "${data.aws_ssm_parameter.');
  });

  it('with nodes.system.releaseVersion, the system nodes run that release and roll when it is changed', () => {
    const s = clusterOf(configFromText(`${step('1.35', 1)}  system:\n    releaseVersion: 1.35.0-20261120\n`));
    const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(system.release_version).toBe('1.35.0-20261120');
    expect(system.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  it('refuses a pinned system release of another Kubernetes minor, naming the parameter of the recommended one', () => {
    expect(synthErrors(`${step('1.35', 1)}  system:\n    releaseVersion: 1.34.0-20261120\n`)).toEqual([
      'nodes.system.releaseVersion: 1.34.0-20261120 is an AMI release for Kubernetes 1.34, and cluster.kubernetesVersion is 1.35: give a 1.35 release with the version change (the recommended one: aws ssm get-parameter --name /aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version), or leave releaseVersion out for the recommended one',
    ]);
  });
});

describe('a Kubernetes minor newer than the tested table', () => {
  const pins = `addons:
  vpcCni: {version: v1.23.0-eksbuild.1}
  kubeProxy: {version: v1.36.1-eksbuild.1}
  coredns: {version: latest}
  podIdentityAgent: {version: v1.3.11-eksbuild.1}
  ebsCsiDriver: {version: v1.70.0-eksbuild.1}
autoscaling:
  clusterAutoscaler:
    chartVersion: 9.58.0
    imageTag: v1.36.0
`;

  it('is refused without the pins, naming each missing one', () => {
    const errors = synthErrors(`${REQUIRED_CONFIG}  kubernetesVersion: "1.36"\naddons:\n  coredns: {version: latest}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('cluster.kubernetesVersion: Kubernetes 1.36 is newer than the versions tested here (1.33, 1.34, 1.35)');
    expect(errors[0]).toContain('addons.vpcCni.version, addons.kubeProxy.version, addons.podIdentityAgent.version, addons.ebsCsiDriver.version, autoscaling.clusterAutoscaler.chartVersion, autoscaling.clusterAutoscaler.imageTag');
    expect(errors[0]).not.toContain('addons.coredns.version');
  });

  it('is accepted with every pin, with a warning that they were not tested here, and synthesizes with them', () => {
    const text = `${REQUIRED_CONFIG}  kubernetesVersion: "1.36"\n${pins}`;
    const result = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
    expect(result.ok).toBe(true);
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
    expect(warnings).toEqual([expect.stringContaining('Kubernetes 1.36 is not tested here (tested: 1.33, 1.34, 1.35)')]);
    const app = synthApp(configFromText(text));
    const s = app.cluster.s;
    expect(s.only('aws_eks_cluster').version).toBe('1.36');
    const addons = Object.fromEntries(s.all('aws_eks_addon').map((a) => [a.addon_name, a.addon_version]));
    expect(addons).toMatchObject({ 'vpc-cni': 'v1.23.0-eksbuild.1', 'kube-proxy': 'v1.36.1-eksbuild.1', 'eks-pod-identity-agent': 'v1.3.11-eksbuild.1', 'aws-ebs-csi-driver': 'v1.70.0-eksbuild.1' });
    expect(Object.values(s.data('aws_ssm_parameter')).map((p) => p.name)).toContain('/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/release_version');
    const autoscaler = app.platform.s.onlyWhere('helm_release', (r) => r.chart === 'cluster-autoscaler');
    expect(autoscaler.version).toBe('9.58.0');
    expect(JSON.parse(autoscaler.values[0]).image.tag).toBe('v1.36.0');
  });

  it('refuses an autoscaler image of another minor there too', () => {
    const errors = synthErrors(`${REQUIRED_CONFIG}  kubernetesVersion: "1.36"\n${pins.replace('v1.36.0', 'v1.35.2')}`);
    expect(errors).toEqual(['autoscaling.clusterAutoscaler.imageTag: the Cluster Autoscaler v1.35.2 does not match Kubernetes 1.36: its minor version must be the cluster\'s (v1.36.x); use a v1.36.x tag']);
  });
});

describe('node group sizes against the running group', () => {
  it('refuses at plan a minSize above the running group\'s desired size, with the one command that fixes it', () => {
    const s = clusterOf(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    minSize: 2\n    desiredSize: 2\n`));
    const group = generationGroups(s, 1)[0];
    expect(failing(group, { version: '1.35', desired: 2 })).toEqual([]);
    expect(failing(group, { version: '1.35', desired: 0 })).toEqual([
      `Node group ${group.node_group_name_prefix}20261201 runs 0 nodes (its desired size, which the Cluster Autoscaler owns and Terraform leaves as it is), fewer than the new minSize 2, and EKS refuses a minimum above the desired size. `
      + `Raise the desired size first, then deploy again: aws eks update-nodegroup-config --region eu-west-1 --cluster-name gitlab-workspaces --nodegroup-name ${group.node_group_name_prefix}20261201 --scaling-config minSize=2,maxSize=5,desiredSize=2`,
    ]);
    const system = s.all('aws_eks_node_group').find((g) => g.node_group_name_prefix === 'system-')!;
    expect(failing(system, { version: '1.35', desired: 1 })[0]).toContain('fewer than the new minSize 2');
    expect(failing(system, { version: '1.35', desired: 6 })[0]).toContain('more than the new maxSize 4');
  });
});

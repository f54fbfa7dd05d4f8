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

  it('watches only images whose releases carry a date: not Canonical\'s Ubuntu (Sysbox) or Bottlerocket workspace nodes; the system nodes always', () => {
    const configs: Record<string, WorkspacesConfig> = {
      sysbox: loadExample('sysbox'),
      bottlerocket: configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n`),
    };
    for (const [name, config] of Object.entries(configs)) {
      const s = clusterOf(config);
      expect([name, check(s, 'workspace_node_image_age')]).toEqual([name, undefined]);
      expect(check(s, 'system_node_image_age')!.assert).toHaveLength(1);
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

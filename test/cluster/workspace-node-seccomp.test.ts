/**
 * seccompDefault on workspace nodes (issue 15): the kubelet runs every container that names no seccomp
 * profile (GitLab's workspace pods name none) under the container runtime's default profile, through each
 * image's own way of configuring the kubelet, except where the runtime's workspaces would break under it.
 */
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, loadExample, REQUIRED_CONFIG, synthApp } from '../stacks/helpers';
import { sudoRuntime } from '../../lib/runtimes/sudo-runtime';
import { RUNTIME_NAMES } from '../../lib/runtimes/types';

function launchTemplates(s: Synthesized, pool: 'system' | 'workspaces'): Block[] {
  return s.all('aws_eks_node_group')
    .filter((g) => g.labels?.['gitlab-workspaces/pool'] === pool)
    .map((g) => s.deref(g.launch_template.id));
}

/** The user data as the node reads it (a literal is base64 at synth time; a template is base64encode(...)). */
function userData(template: Block): string | undefined {
  const data: string | undefined = template.user_data;
  if (data === undefined) return undefined;
  return data.startsWith('${base64encode(') ? data : Buffer.from(data, 'base64').toString('utf8');
}

describe('seccompDefault on workspace nodes', () => {
  it('is on for every runtime but user namespaces', () => {
    const on = RUNTIME_NAMES.filter((r) => sudoRuntime(r).nodes({ kind: 'eks-optimized', amiType: 'AL2023_x86_64_STANDARD' }).seccompDefault);
    expect(on).toEqual(['none', 'sysbox', 'kata']);
  });

  it('Amazon Linux 2023 (runtime none): a nodeadm NodeConfig part in a MIME document sets the kubelet\'s seccompDefault', () => {
    const s = synthApp(configFromText(REQUIRED_CONFIG)).cluster.s;
    const templates = launchTemplates(s, 'workspaces');
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      const text = userData(template)!;
      expect(text).toMatch(/^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"\n/);
      expect(text).toContain('Content-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      seccompDefault: true\n');
      const boundary = /boundary="([^"]+)"/.exec(text)![1];
      expect(text.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    }
    // The system nodes are left as they were.
    for (const template of launchTemplates(s, 'system')) expect(template.user_data).toBeUndefined();
  });

  it('Kata (Amazon Linux 2023, bare metal): the same NodeConfig', () => {
    const s = synthApp(loadExample('kata')).cluster.s;
    for (const template of launchTemplates(s, 'workspaces')) expect(userData(template)).toContain('      seccompDefault: true\n');
  });

  it('Bottlerocket (runtime none): settings.kubernetes.seccomp-default', () => {
    const s = synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n`)).cluster.s;
    for (const template of launchTemplates(s, 'workspaces')) expect(userData(template)).toBe('[settings.kubernetes]\nseccomp-default = true\nmax-pods = 110\n');
  });

  it('Sysbox (Ubuntu): the kubelet flag --seccomp-default through the bootstrap script', () => {
    const s = synthApp(loadExample('sysbox')).cluster.s;
    const templates = launchTemplates(s, 'workspaces');
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) expect(userData(template)).toMatch(/--kubelet-extra-args '[^']*--seccomp-default[ ']/);
  });

  it('user namespaces: not set (Amazon Linux 2023: no user data; Bottlerocket: only its sysctl)', () => {
    const al2023 = synthApp(loadExample('user-namespaces')).cluster.s;
    for (const template of launchTemplates(al2023, 'workspaces')) expect(userData(template) ?? '').not.toContain('seccomp');
    const bottlerocket = synthApp(configFromText(`${REQUIRED_CONFIG}runtime: user-namespaces\nnodes:\n  workspaces:\n    amiType: BOTTLEROCKET_x86_64\n`)).cluster.s;
    for (const template of launchTemplates(bottlerocket, 'workspaces')) {
      expect(userData(template)).toBe('[settings.kubernetes]\nmax-pods = 110\n\n[settings.kernel.sysctl]\n"user.max_user_namespaces" = "65536"\n');
    }
  });
});

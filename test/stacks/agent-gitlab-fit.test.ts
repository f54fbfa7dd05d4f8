/**
 * Issue 17: the agent matches the GitLab it serves, restarts on a new token, reaches a private GitLab,
 * finds a Dedicated instance's agent server, the proxy's values are the chart's own, and a roll of the
 * system nodes never takes both replicas of the agent or the proxy (issue 16). Each test fails on the
 * code before (the chart's agent whatever the GitLab, no token annotation, no private egress, a
 * /-/kubernetes-agent/ address for Dedicated, `service.ssh` written, no PodDisruptionBudgets).
 */
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { agentImageTagFor, agentVersionWindowProblem } from '../../lib/common/gitlab-version';
import { loadConfigText } from '../../stacks/config/load';
import { configFromText, loadExample, REQUIRED_CONFIG, synthApp, TEST_DAY } from './helpers';

const gitlab = (lines: string) => `${REQUIRED_CONFIG}gitlab:\n  dnsZone: workspaces.acme.dev\n  oauth: variables\n${lines}`;
const platform = (lines: string) => synthApp(configFromText(gitlab(lines))).platform.s;
const agentValues = (lines: string) => JSON.parse(platform(lines).release('workspaces').values[0]);
const warnings = (lines: string) => loadConfigText(gitlab(lines), 'w.yaml', { today: TEST_DAY }).diagnostics
  .filter((d) => d.severity === 'warning' && d.rule !== 'config/placeholder').map(formatDiagnostic);

describe('the agent version follows gitlab.version', () => {
  it('runs agentk of the configured GitLab version (the patch level when given, else .0), not the chart\'s', () => {
    expect(agentValues('  url: https://gitlab.acme.dev\n  version: "18.8"\n').image).toEqual({ tag: 'v18.8.0' });
    expect(agentValues('  url: https://gitlab.acme.dev\n  version: "18.9.3"\n').image).toEqual({ tag: 'v18.9.3' });
    expect(agentValues('  url: https://gitlab.acme.dev\n').image).toEqual({ tag: 'v18.9.0' });
  });

  it('on GitLab.com runs the chart\'s agent (GitLab.com runs the newest GitLab)', () => {
    expect(agentValues('').image).toBeUndefined();
  });

  it('takes gitlab.agent.imageTag, warning outside the same-minor-or-one-behind window', () => {
    expect(agentValues('  url: https://gitlab.acme.dev\n  agent:\n    imageTag: v18.8.4\n').image).toEqual({ tag: 'v18.8.4' });
    expect(warnings('  url: https://gitlab.acme.dev\n  agent:\n    imageTag: v18.8.4\n')).toEqual([]);
    expect(warnings('  url: https://gitlab.acme.dev\n  version: "18.9"\n  agent:\n    imageTag: v18.7.1\n')).toEqual([
      'w.yaml:14:15: warning: gitlab.agent.imageTag: agent v18.7.1 is more than one minor version behind GitLab 18.9: GitLab 18.9 supports agents 18.9 and 18.8; use v18.9.0 (leave imageTag out for it), or set gitlab.version to the instance\'s version',
    ]);
    expect(warnings('  url: https://gitlab.acme.dev\n  version: "18.8"\n  agent:\n    imageTag: v18.11.0\n')[0]).toMatch(/agent v18\.11\.0 is newer than GitLab 18\.8/);
    expect(warnings('  agent:\n    imageTag: v18.9.0\n')[0]).toMatch(/gitlab\.agent\.imageTag: GitLab\.com runs the newest GitLab/);
  });

  it('knows the window: same minor or one behind, across a major too', () => {
    expect(agentImageTagFor('v18.9.2-ee')).toBe('v18.9.2');
    expect(agentImageTagFor('18.10')).toBeUndefined(); // not a supported version
    expect(agentVersionWindowProblem('v18.9.0', '18.9')).toBeUndefined();
    expect(agentVersionWindowProblem('v18.8.5', '18.9')).toBeUndefined();
    expect(agentVersionWindowProblem('v18.7.0', '18.9')).toMatch(/more than one minor/);
    expect(agentVersionWindowProblem('v19.0.0', '18.9')).toMatch(/newer/);
    expect(agentVersionWindowProblem('latest', '18.9')).toMatch(/not an agentk version tag/);
  });
});

describe('token rotation', () => {
  it('restarts the agent: its pods carry the token Secret\'s version', () => {
    const s = platform('');
    const secret = s.onlyWhere('kubernetes_secret_v1', (b) => b.metadata.name === 'workspaces-agent-token');
    const values = JSON.parse(s.release('workspaces').values[0]);
    expect(values.podAnnotations['checksum/token']).toBe(`\${${s.addressOf('kubernetes_secret_v1', secret)}.metadata[0].resource_version}`);
  });
});

describe('a GitLab on private addresses', () => {
  const egress = (lines: string) => {
    const text = platform(lines).output('agent_config').value as string;
    return text.slice(text.indexOf('egress:'), text.indexOf('\n', text.lastIndexOf('allow:')));
  };

  it('gets gitlab.privateCidrs allowed in workspace egress, after the default rule', () => {
    const rules = egress('  url: https://gitlab.acme.internal\n  privateCidrs: [10.20.0.0/24, 192.168.7.10/32]\n');
    expect(rules).toMatch(/- allow: "0\.0\.0\.0\/0"\n[\s\S]*- allow: "10\.20\.0\.0\/24"\n\s+- allow: "192\.168\.7\.10\/32"$/);
  });

  it('warns when the URL looks private and no privateCidrs are given (judged from the name)', () => {
    for (const [url, hint] of [
      ['https://gitlab.acme.internal', 'ends in .internal'],
      ['https://gitlab.corp', 'ends in .corp'],
      ['https://10.1.2.3', 'is a private address'],
      ['https://gitlab', 'single-label'],
      ['https://gitlab.internal.acme.dev', 'label "internal"'],
    ]) {
      const w = warnings(`  url: ${url}\n`);
      expect(w).toHaveLength(1);
      expect(w[0]).toContain('gitlab.url: ');
      expect(w[0]).toContain(hint);
      expect(w[0]).toContain('set gitlab.privateCidrs');
    }
    expect(warnings('  url: https://gitlab.acme.dev\n')).toEqual([]);
    expect(warnings('  url: https://8.8.8.8\n')).toEqual([]);
    expect(warnings('  url: https://gitlab.acme.internal\n  privateCidrs: [10.20.0.0/24]\n')).toEqual([]);
  });

  it('warns when a block overlaps the cluster\'s VPC, at the block', () => {
    expect(warnings('  url: https://gitlab.acme.internal\n  privateCidrs: [10.0.0.0/8]\n')).toEqual([
      expect.stringMatching(/^w\.yaml:12:18: warning: gitlab\.privateCidrs\[0\]: 10\.0\.0\.0\/8 \(GitLab's private addresses\) overlaps the cluster's VPC 10\.0\.0\.0\/16/),
    ]);
  });

  it('the self-managed-gitlab example names its GitLab\'s addresses, and its workspaces may reach them', () => {
    const config = loadExample('self-managed-gitlab');
    expect(config.gitlab!.privateCidrs).toEqual(['10.20.0.0/24']);
    const text = synthApp(config).platform.s.output('agent_config').value as string;
    expect(text).toMatch(/- allow: "10\.20\.0\.0\/24"/);
    expect(JSON.parse(synthApp(config).platform.s.release('workspaces').values[0]).image).toEqual({ tag: 'v18.8.0' });
  });
});

describe('GitLab Dedicated', () => {
  it('connects the agent to wss://kas.<host>, and says so', () => {
    const s = platform('  url: https://acme.gitlab-dedicated.com\n');
    expect(s.output('kas_address').value).toBe('wss://kas.acme.gitlab-dedicated.com');
    expect(JSON.parse(s.release('workspaces').values[0]).config.kasAddress).toBe('wss://kas.acme.gitlab-dedicated.com');
    expect(warnings('  url: https://acme.gitlab-dedicated.com\n')).toEqual([
      'w.yaml:11:8: warning: gitlab.url: https://acme.gitlab-dedicated.com is a GitLab Dedicated instance, whose agent server is not at /-/kubernetes-agent/ but at wss://kas.acme.gitlab-dedicated.com (the address the stack uses); check it against the address GitLab shows when you register an agent, and set gitlab.kasAddress if it differs',
    ]);
    expect(warnings('  url: https://acme.gitlab-dedicated.com\n  kasAddress: wss://kas.acme.gitlab-dedicated.com\n')).toEqual([]);
  });
});

describe('the proxy and the agent through a roll of the system nodes', () => {
  it('each has a PodDisruptionBudget (one pod at a time) and spreads over nodes; the proxy\'s values have no service.ssh', () => {
    const s = platform('');
    const budgets = s.all('kubernetes_pod_disruption_budget_v1').map((b) => [b.metadata.namespace, b.metadata.name, b.spec.max_unavailable]);
    expect(budgets.sort()).toEqual([['gitlab-agent', 'workspaces', '1'], ['gitlab-workspaces', 'gitlab-workspaces-proxy', '1']]);
    for (const release of ['workspaces', 'gitlab-workspaces-proxy']) {
      const values = JSON.parse(s.release(release).values[0]);
      expect(values.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' });
    }
    expect(JSON.parse(s.release('gitlab-workspaces-proxy').values[0]).service).toBeUndefined();
  });
});

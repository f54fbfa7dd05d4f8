/**
 * What a workspace can reach over the network, and when synth says so. The stack's default egress (and
 * withSecureAgentDefaults, for constructs used à la carte) excepts the node-local addresses that hand out
 * AWS credentials: the instance metadata service and the EKS Pod Identity agent. Warnings, at the key at
 * fault, name what workspaces can then reach: user egress that opens either address again, a VPC the
 * stack creates outside the RFC 1918 ranges (GitLab's egress rule excepts only those), egress that
 * allows the VPC, and network policies turned off.
 */
import { parse } from 'yaml';
import { INSTANCE_METADATA_CIDR, parseAgentConfig, POD_IDENTITY_AGENT_CIDR, SECURE_DEFAULT_EGRESS, withSecureAgentDefaults } from '../../lib/agent-config';
import { Diagnostic, formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigText } from '../../stacks/config/load';
import { stackAgentSettings } from '../../stacks/config/agent-settings';
import { configFromText, GITLAB_CONFIG, REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, synthApp, TEST_DAY, ZONES } from './helpers';

const withSettings = (settings: string, before = '') => `${before || `network:\n${ZONES}`}${REQUIRED_CLUSTER_CONFIG}${GITLAB_CONFIG}  remote_development:\n${settings.replace(/^/gm, '    ')}`;
const warnings = (text: string): Diagnostic[] => {
  const r = loadConfigText(text, 'w.yaml', { today: TEST_DAY });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return r.diagnostics.filter((d) => d.severity === 'warning');
};
const byRule = (text: string, rule: string) => warnings(text).filter((d) => d.rule === `config/${rule}`);

describe('the default egress', () => {
  it('excepts the instance metadata service and the EKS Pod Identity agent, for the stack and for constructs used à la carte', () => {
    expect(POD_IDENTITY_AGENT_CIDR).toBe('169.254.170.23/32');
    for (const rule of SECURE_DEFAULT_EGRESS) expect(rule.except).toEqual(expect.arrayContaining([INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR]));
    const alaCarte = withSecureAgentDefaults({ dns_zone: 'workspaces.acme.dev' }) as { network_policy: { egress: Array<{ except: string[] }> } };
    expect(alaCarte.network_policy.egress[0].except).toEqual(expect.arrayContaining([INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR]));

    const settings = stackAgentSettings(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    expect(settings.ok && settings.value.networkPolicy.egress).toEqual([
      { allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR] },
    ]);
  });

  it('is what the agent config file the platform stack writes holds', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    const file = app.platform.s.output('agent_config').value as string;
    const checked = parseAgentConfig(file, 'config.yaml');
    expect(checked.ok && checked.value.networkPolicy.egress[0].except).toEqual(expect.arrayContaining([INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR]));
    expect(parse(file)).toBeDefined();
  });

  it('warns about none of this for a config that keeps the defaults', () => {
    expect(warnings(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).toEqual([]);
  });
});

describe('egress of your own', () => {
  it('warns when it lets workspaces reach the Pod Identity agent, naming only what it opens', () => {
    const [w, ...others] = byRule(withSettings('network_policy:\n  egress:\n    - allow: 0.0.0.0/0\n      except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.169.254/32]\n'), 'metadata-egress');
    expect(others).toEqual([]);
    expect(w.path).toBe('gitlab.remote_development.network_policy.egress[0].allow');
    expect(w.message).toContain('lets workspaces reach the EKS Pod Identity agent');
    expect(w.message).toContain(`add ${POD_IDENTITY_AGENT_CIDR} to \`except\``);
    expect(w.message).not.toContain(INSTANCE_METADATA_CIDR);
  });

  it('warns when it lets workspaces reach both, once per rule', () => {
    const found = byRule(withSettings('network_policy:\n  egress:\n    - allow: 0.0.0.0/0\n      except: [10.0.0.0/8]\n    - allow: 169.254.0.0/16\n'), 'metadata-egress');
    expect(found.map((d) => d.path)).toEqual(['gitlab.remote_development.network_policy.egress[0].allow', 'gitlab.remote_development.network_policy.egress[1].allow']);
    for (const d of found) expect(d.message).toContain(`add ${INSTANCE_METADATA_CIDR} and ${POD_IDENTITY_AGENT_CIDR} to \`except\``);
  });

  it('is quiet when a wider except covers both, or when the rule never reaches them', () => {
    expect(byRule(withSettings('network_policy:\n  egress:\n    - allow: 0.0.0.0/0\n      except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16]\n'), 'metadata-egress')).toEqual([]);
    expect(byRule(withSettings('network_policy:\n  egress:\n    - allow: 203.0.113.0/24\n'), 'metadata-egress')).toEqual([]);
  });
});

describe('a VPC outside the RFC 1918 ranges', () => {
  const vpc = (cidr: string) => `network:\n  vpcCidr: ${cidr}\n${ZONES}`;

  it('warns at network.vpcCidr that workspaces can reach the whole VPC, and what is in it', () => {
    const [w, ...others] = byRule(vpc('100.64.0.0/16') + `${REQUIRED_CLUSTER_CONFIG}${GITLAB_CONFIG}`, 'vpc-egress');
    expect(others).toEqual([]);
    expect(formatDiagnostic(w)).toMatch(/^w\.yaml:2:12: warning: network\.vpcCidr: 100\.64\.0\.0\/16 is outside the private ranges \(RFC 1918/);
    for (const reached of ['the nodes (their kubelet and the proxy\'s NodePorts)', 'the GitLab agent', 'CoreDNS', 'the cluster\'s private API endpoint']) {
      expect(w.message).toContain(reached);
    }
    expect(w.message).toContain('add 100.64.0.0/16 to `except`');
  });

  it('synthesizes all the same (a warning, not an error)', () => {
    const app = synthApp(configFromText(vpc('100.64.0.0/16') + `${REQUIRED_CLUSTER_CONFIG}${GITLAB_CONFIG}`));
    expect(app.cluster.s.only('aws_vpc').cidr_block).toBe('100.64.0.0/16');
  });

  it('is quiet for a VPC inside the RFC 1918 ranges, and once your egress excepts the block', () => {
    expect(byRule(vpc('172.31.0.0/16') + `${REQUIRED_CLUSTER_CONFIG}${GITLAB_CONFIG}`, 'vpc-egress')).toEqual([]);
    const excepted = withSettings('network_policy:\n  egress:\n    - allow: 0.0.0.0/0\n      except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/16, 169.254.169.254/32, 169.254.170.23/32]\n', vpc('100.64.0.0/16'));
    expect(warnings(excepted)).toEqual([]);
  });

  it('warns at the rule when your own egress lets workspaces into the VPC, whatever its block', () => {
    const [w] = byRule(withSettings('network_policy:\n  egress:\n    - allow: 10.0.0.0/8\n      except: [10.1.0.0/16]\n', vpc('10.0.0.0/16')), 'vpc-egress');
    expect(w.path).toBe('gitlab.remote_development.network_policy.egress[0].allow');
    expect(w.message).toContain('lets workspaces reach the cluster\'s VPC 10.0.0.0/16 (network.vpcCidr)');
  });

  it('cannot be known for an existing VPC at synth: no warning (docs/stacks.md says what to check)', () => {
    const existing = 'network:\n  existingVpc:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0aa1111111111111a, subnet-0bb2222222222222b]\n    publicSubnetIds: [subnet-0cc3333333333333c, subnet-0dd4444444444444d]\n    privateSubnetZones: {subnet-0aa1111111111111a: eu-west-1a, subnet-0bb2222222222222b: eu-west-1b}\n';
    expect(byRule(existing + `${REQUIRED_CLUSTER_CONFIG}${GITLAB_CONFIG}`, 'vpc-egress')).toEqual([]);
  });
});

describe('network policies turned off', () => {
  it('warns at network_policy.enabled, saying what workspaces can then reach and what can reach them', () => {
    const [w, ...others] = byRule(withSettings('network_policy:\n  enabled: false\n'), 'network-policy-disabled');
    expect(others).toEqual([]);
    expect(w.path).toBe('gitlab.remote_development.network_policy.enabled');
    for (const reached of ['every pod and Service in the cluster', 'the GitLab agent', 'the VPC (10.0.0.0/16, network.vpcCidr)', INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR, 'the internet', 'any pod can connect to the workspace\'s ports']) {
      expect(w.message).toContain(reached);
    }
  });

  it('does not repeat the egress warnings, which no longer apply', () => {
    const text = withSettings('network_policy:\n  enabled: false\n  egress:\n    - allow: 0.0.0.0/0\n', `network:\n  vpcCidr: 100.64.0.0/16\n${ZONES}`);
    expect(warnings(text).map((d) => d.rule)).toEqual(['config/network-policy-disabled']);
  });
});

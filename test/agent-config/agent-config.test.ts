import fc from 'fast-check';
import { parse as parseYamlText } from 'yaml';
import {
  defaultAgentConfig,
  FILE_DEFAULTS,
  maxResourcesRubyString,
  maxResourcesSha256,
  parseAgentConfig,
  PREVIEW_DNS_ZONE,
  RemoteDevelopmentSettings,
  resolveAgentConfig,
  serializeAgentConfig,
} from '../../lib/agent-config';
import { describeWithGoldens } from '../helpers/shared';
import { propertyRuns } from '../helpers/property-runs';

function load(text: string): RemoteDevelopmentSettings {
  const r = parseAgentConfig(text, 'config.yaml');
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r.value;
}

describe('parseAgentConfig', () => {
  it('fills every default of reference section 4 into a minimal file', () => {
    expect(load('remote_development:\n  enabled: true\n  dns_zone: workspaces.example.dev\n')).toEqual({
      enabled: true,
      dnsZone: 'workspaces.example.dev',
      gitlabWorkspacesProxy: { namespace: 'gitlab-workspaces', httpEnabled: true, sshEnabled: true },
      networkPolicy: {
        enabled: true,
        egress: [{ allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }],
      },
      defaultResourcesPerWorkspaceContainer: {},
      maxResourcesPerWorkspace: {},
      workspacesQuota: -1,
      workspacesPerUserQuota: -1,
      useKubernetesUserNamespaces: false,
      defaultRuntimeClass: '',
      allowPrivilegeEscalation: false,
      imagePullSecrets: [],
      annotations: {},
      labels: {},
      maxActiveHoursBeforeStop: 36,
      maxStoppedHoursBeforeTermination: 744,
      sharedNamespace: '',
    });
  });

  it('reads every setting of GitLab\'s complete example', () => {
    const s = load(require('fs').readFileSync(`${__dirname}/fixtures/valid/gitlab-docs-complete-example.yaml`, 'utf8'));
    expect(s).toEqual({
      enabled: true,
      dnsZone: 'workspaces.dev.test',
      gitlabWorkspacesProxy: { namespace: 'gitlab-workspaces', httpEnabled: true, sshEnabled: true },
      networkPolicy: {
        enabled: true,
        egress: [{ allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }],
      },
      defaultResourcesPerWorkspaceContainer: { requests: { cpu: '0.5', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      maxResourcesPerWorkspace: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      workspacesQuota: 10,
      workspacesPerUserQuota: 3,
      useKubernetesUserNamespaces: false,
      defaultRuntimeClass: 'standard',
      allowPrivilegeEscalation: false,
      imagePullSecrets: [{ name: 'registry-secret', namespace: 'default' }],
      annotations: { environment: 'production', team: 'engineering' },
      labels: { app: 'workspace', tier: 'development' },
      maxActiveHoursBeforeStop: 60,
      maxStoppedHoursBeforeTermination: 4332,
      sharedNamespace: '',
    });
  });

  it('keeps an egress rule without `except` without one, and an empty `egress` empty', () => {
    const s = load('remote_development:\n  dns_zone: a.example\n  network_policy:\n    egress: [{allow: 10.0.0.0/8}]\n');
    expect(s.networkPolicy.egress).toEqual([{ allow: '10.0.0.0/8' }]);
    expect(s.networkPolicy.egress[0]).not.toHaveProperty('except');
    expect(load('remote_development:\n  dns_zone: a.example\n  network_policy:\n    egress: []\n').networkPolicy.egress).toEqual([]);
  });

  it('reads a bare settings mapping like the same settings under `remote_development`', () => {
    const bare = load('enabled: true\ndns_zone: workspaces.example.dev\nlabels: {team: platform}\n');
    const wrapped = load('remote_development:\n  enabled: true\n  dns_zone: workspaces.example.dev\n  labels: {team: platform}\n');
    expect(bare).toEqual(wrapped);
  });

  it('refuses files over 1 MiB before parsing', () => {
    const r = parseAgentConfig(`remote_development:\n  dns_zone: a.example\n#${'x'.repeat(1024 * 1024)}\n`, 'big.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ file: 'big.yaml', line: 1, column: 1, rule: 'agent-config/too-large' });
  });

  it('lists at most 100 problems of a file with thousands, then one line with how many more', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `  unknown_${i}: 1`).join('\n');
    const r = parseAgentConfig(`remote_development:\n  dns_zone: a.example\n${keys}\n`, 'many.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[100]).toMatchObject({ severity: 'error', rule: 'agent-config/more-problems',
      message: expect.stringMatching(/^and 49\d\d more problems from here on \(only the first 100 are listed\)$/) });
  });

  it('collects every error rather than stopping at the first', () => {
    const r = parseAgentConfig(
      'remote_development:\n  enabled: nope\n  dns_zone: bad_zone\n  workspaces_quota: -9\n  labels: {"k8s.io/x": y}\n  allow_privilege_escalation: true\n',
      'c.yaml',
    );
    expect(r.ok).toBe(false);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.path)).toEqual([
      'remote_development.enabled',
      'remote_development.dns_zone',
      'remote_development.workspaces_quota',
      'remote_development.labels["k8s.io/x"]',
      'remote_development.allow_privilege_escalation',
    ]);
    expect(errors.map((d) => d.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = parseAgentConfig(`remote_development:\n  dns_zone: a.example\n${text}`, 'f.yaml');
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: propertyRuns(300, 75) },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = resolveAgentConfig({ remote_development: value });
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: propertyRuns(300, 75) },
    );
  });
});

describe('resolveAgentConfig', () => {
  it('checks plain objects, naming the path when there is no YAML source', () => {
    const r = resolveAgentConfig({ remote_development: { dns_zone: 'a.example', network_policy: { egress: [{ allow: '1.2.3.4/40' }] } } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ file: '<agent-config>', line: 1, column: 1, path: 'remote_development.network_policy.egress[0].allow', rule: 'agent-config/cidr' }),
    ]);
  });
});

describe('defaultAgentConfig', () => {
  it('is a complete, valid preview config: GitLab defaults, enabled, example DNS zone', () => {
    const d = defaultAgentConfig();
    expect(d).toEqual({ ...FILE_DEFAULTS, enabled: true, dnsZone: PREVIEW_DNS_ZONE });
    expect(d.dnsZone).toBe('workspaces.example.dev');
    const again = parseAgentConfig(serializeAgentConfig(d), 'preview.yaml');
    expect(again.ok && again.value).toEqual(d);
  });

  it('applies overrides', () => {
    expect(defaultAgentConfig({ sharedNamespace: 'team', dnsZone: 'ws.example.org' })).toMatchObject({
      sharedNamespace: 'team', dnsZone: 'ws.example.org', enabled: true,
    });
  });
});

describe('maxResourcesSha256', () => {
  it('hashes {} as GitLab does (the sha256 of the two characters "{}")', () => {
    expect(maxResourcesRubyString({})).toBe('{}');
    expect(maxResourcesSha256({ maxResourcesPerWorkspace: {} })).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('matches the digest pinned in GitLab\'s own spec (old_config_values_extractor_spec.rb)', () => {
    // requests {memory: "512Mi", cpu: "0.6"}, limits {memory: "786Mi", cpu: "1.5"}, stored in jsonb.
    const setting = { requests: { memory: '512Mi', cpu: '0.6' }, limits: { memory: '786Mi', cpu: '1.5' } };
    expect(maxResourcesRubyString(setting)).toBe('{:limits=>{:cpu=>"1.5", :memory=>"786Mi"}, :requests=>{:cpu=>"0.6", :memory=>"512Mi"}}');
    expect(maxResourcesSha256({ maxResourcesPerWorkspace: setting })).toBe('e3dd9c9741b2b3f07cfd341f80ea3a9d4b5a09b29e748cf09b546e93ff98241c');
  });

  it('does not depend on the key order of the file', () => {
    const a = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
    const b = { limits: { memory: '4Gi', cpu: '2' }, requests: { memory: '1Gi', cpu: '1' } };
    expect(maxResourcesSha256({ maxResourcesPerWorkspace: a })).toBe(maxResourcesSha256({ maxResourcesPerWorkspace: b }));
    expect(maxResourcesRubyString(a)).toBe('{:limits=>{:cpu=>"2", :memory=>"4Gi"}, :requests=>{:cpu=>"1", :memory=>"1Gi"}}');
  });

  it('hashes the setting of GitLab\'s complete example', () => {
    const s = load(require('fs').readFileSync(`${__dirname}/fixtures/valid/gitlab-docs-complete-example.yaml`, 'utf8'));
    expect(maxResourcesSha256(s)).toBe(
      require('crypto').createHash('sha256').update('{:limits=>{:cpu=>"2", :memory=>"4Gi"}, :requests=>{:cpu=>"1", :memory=>"1Gi"}}').digest('hex'),
    );
    expect(maxResourcesSha256(s)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the text exactly as written (GitLab hashes the stored strings, not normalized quantities)', () => {
    const one = maxResourcesSha256({ maxResourcesPerWorkspace: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } } });
    const same = maxResourcesSha256({ maxResourcesPerWorkspace: { requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } } });
    expect(one).not.toBe(same);
  });
});

// ---------------------------------------------------------------------------------------------------
// Round trip over generated valid settings.

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const cpu = fc.constantFrom('1', '0.5', '250m', '2', '1.', '100m', '4');
const memory = fc.constantFrom('512Mi', '1Gi', '1.5Gi', '1073741824', '2G', '64Ki');
const resources = fc.oneof(
  fc.constant({}),
  fc.record({ requests: fc.record({ cpu, memory }), limits: fc.record({ cpu, memory }) }),
);
const egressRule = fc.constantFrom(
  { allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
  { allow: '0.0.0.0/0', except: ['169.254.169.254/32'] },
  { allow: '10.1.0.0/16' },
  { allow: '::/0', except: ['fd00::/8'] },
  { allow: '172.16.123.1/32', except: [] },
);
const metadataKey = fc.oneof(
  fc.stringMatching(/^[a-z]([-a-z0-9_.]{0,8}[a-z0-9])?$/),
  fc.constantFrom('example.com/team', 'on', 'yes', 'true', 'null', '1', 'io.kubernetes.cri-o.userns-mode', 'acme.io/cost-center'),
);
const labelValue = fc.oneof(fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?)?$/), fc.constantFrom('on', 'no', '1', '0.5', 'null', 'true', 'NO'));

const settings: fc.Arbitrary<RemoteDevelopmentSettings> = fc
  .record({
    enabled: fc.boolean(),
    dnsZone: fc.array(dnsLabel, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
    // GitLab 18.4+: no dns_zone when the proxy serves no HTTP.
    noDnsZone: fc.boolean(),
    proxyNamespace: dnsLabel,
    proxyHttp: fc.boolean(),
    proxySsh: fc.boolean(),
    npEnabled: fc.boolean(),
    egress: fc.array(egressRule, { maxLength: 3 }),
    defaultResources: resources,
    maxResources: resources,
    workspacesQuota: fc.integer({ min: -1, max: 10_000 }),
    workspacesPerUserQuota: fc.integer({ min: -1, max: 10_000 }),
    useKubernetesUserNamespaces: fc.boolean(),
    defaultRuntimeClass: fc.constantFrom('', 'sysbox-runc', 'kata-qemu', 'kata.qemu-runtime-rs'),
    allowPrivilegeEscalation: fc.boolean(),
    pullSecretNames: fc.uniqueArray(dnsLabel, { maxLength: 3 }),
    pullSecretNamespace: dnsLabel,
    annotations: fc.dictionary(metadataKey, fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 4 }),
    labels: fc.dictionary(metadataKey, labelValue, { maxKeys: 4 }),
    active: fc.integer({ min: 1, max: 8759 }),
    stoppedFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    sharedNamespace: fc.constantFrom('', 'team-workspaces'),
  })
  .map((g) => ({
    enabled: g.enabled,
    dnsZone: g.noDnsZone && !g.proxyHttp ? '' : g.dnsZone,
    gitlabWorkspacesProxy: { namespace: g.proxyNamespace, httpEnabled: g.proxyHttp, sshEnabled: g.proxySsh },
    networkPolicy: { enabled: g.npEnabled, egress: g.egress },
    defaultResourcesPerWorkspaceContainer: g.defaultResources,
    maxResourcesPerWorkspace: g.sharedNamespace ? {} : g.maxResources,
    workspacesQuota: g.workspacesQuota,
    workspacesPerUserQuota: g.workspacesPerUserQuota,
    useKubernetesUserNamespaces: g.useKubernetesUserNamespaces,
    defaultRuntimeClass: g.defaultRuntimeClass,
    allowPrivilegeEscalation: g.allowPrivilegeEscalation && (g.useKubernetesUserNamespaces || g.defaultRuntimeClass !== ''),
    imagePullSecrets: g.pullSecretNames.map((name) => ({ name, namespace: g.sharedNamespace || g.pullSecretNamespace })),
    annotations: g.annotations,
    labels: g.labels,
    maxActiveHoursBeforeStop: g.active,
    maxStoppedHoursBeforeTermination: Math.max(1, Math.floor(g.stoppedFraction * (8760 - g.active))),
    sharedNamespace: g.sharedNamespace,
  }));

describe('serializeAgentConfig', () => {
  it('round-trips: parse(serialize(x)) equals x', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const text = serializeAgentConfig(s);
        const back = parseAgentConfig(text, 'out.yaml');
        if (!back.ok) throw new Error(`${text}\n${back.diagnostics.map((d) => d.message).join('\n')}`);
        expect(back.value).toEqual(s);
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      }),
      { numRuns: propertyRuns(150, 40) },
    );
  });

  it('reads the same under YAML 1.1, as the GitLab agent parses its config', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const text = serializeAgentConfig(s);
        expect(parseYamlText(text, { version: '1.1' })).toEqual(parseYamlText(text, { version: '1.2' }));
      }),
      { numRuns: propertyRuns(80, 20) },
    );
  });

  it('writes snake_case keys under remote_development, quoting strings and user keys', () => {
    const text = serializeAgentConfig(defaultAgentConfig({ labels: { on: 'yes' }, annotations: { 'example.com/n': '1' } }));
    expect(text.startsWith('remote_development:\n  enabled: true\n  dns_zone: "workspaces.example.dev"\n')).toBe(true);
    expect(text).toContain('\n    "on": "yes"\n');
    expect(text).toContain('\n    "example.com/n": "1"\n');
    expect(text).toContain('\n  max_resources_per_workspace: {}\n');
    expect(text).toContain('\n  workspaces_quota: -1\n');
  });
  it('leaves out an empty dns_zone (the proxy serves no HTTP) rather than writing dns_zone: ""', () => {
    const kas = defaultAgentConfig({ dnsZone: '', gitlabWorkspacesProxy: { namespace: 'gitlab-workspaces', httpEnabled: false, sshEnabled: false } });
    const text = serializeAgentConfig(kas);
    expect(text).not.toContain('dns_zone');
    expect(text.startsWith('remote_development:\n  enabled: true\n  gitlab_workspaces_proxy:\n')).toBe(true);
    const back = parseAgentConfig(text, 'kas.yaml');
    expect(back.diagnostics).toEqual([]);
    expect(back.ok && back.value).toEqual(kas);
  });
});

describeWithGoldens('GitLab\'s own agent configs (../shared/reference/gitlab-goldens)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readGolden } = require('../helpers/gitlab-goldens') as typeof import('../helpers/gitlab-goldens');

  it('accepts GitLab 18.9\'s example.agent_config.yaml, with http_enabled and ssh_enabled', () => {
    const r = parseAgentConfig(readGolden('18.9', 'devfiles', 'example.agent_config.yaml'), 'example.agent_config.yaml');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok && r.value.gitlabWorkspacesProxy).toEqual({ namespace: 'gitlab-workspaces', httpEnabled: true, sshEnabled: true });
    expect(r.ok && [r.value.workspacesQuota, r.value.workspacesPerUserQuota]).toEqual([10, 3]);
  });

  it.each(['18.9', '18.2'] as const)('accepts the agent settings of GitLab %s\'s expected outputs', (version) => {
    for (const file of ['agent-un-false.yaml', 'agent-un-true.yaml']) {
      const r = parseAgentConfig(readGolden(version, 'desired-config', file), file, { gitlabVersion: version });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
  });
});

describe('gitlab_workspaces_proxy per GitLab version', () => {
  it('writes http_enabled and ssh_enabled for GitLab 18.4+, and for older versions only what differs from the default', () => {
    const s = defaultAgentConfig();
    expect(serializeAgentConfig(s)).toContain('    http_enabled: true\n    ssh_enabled: true\n');
    expect(serializeAgentConfig(s, { gitlabVersion: '18.3' })).not.toContain('_enabled');
    const off = defaultAgentConfig({ gitlabWorkspacesProxy: { namespace: 'gitlab-workspaces', httpEnabled: false, sshEnabled: true } });
    const text = serializeAgentConfig(off, { gitlabVersion: '18.3' });
    expect(text).toContain('http_enabled: false');
    expect(text).not.toContain('ssh_enabled');
    // Nothing is lost silently: GitLab 18.3 refuses what it cannot honour.
    expect(parseAgentConfig(text, 'c.yaml', { gitlabVersion: '18.3' }).ok).toBe(false);
    expect(parseAgentConfig(text, 'c.yaml').ok).toBe(true);
  });
});

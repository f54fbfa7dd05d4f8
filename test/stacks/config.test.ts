import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatDiagnostic, sortDiagnostics } from '../../lib/common/diagnostics';
import { CLUSTER_AUTOSCALER_RELEASES, DEFAULT_KUBERNETES_VERSION, EKS_VERSION_LIFECYCLE, SUPPORTED_KUBERNETES_VERSIONS, TESTED_ADDON_VERSIONS } from '../../lib/cluster/versions';
import { REQUIRED_CLUSTER_CONFIG, REQUIRED_CONFIG, TEST_DAY, ZONES } from './helpers';
import { isArmInstanceType } from '../../stacks/config/semantic';
import { DEFAULT_AGENT_CHART_VERSION, DEFAULT_PROXY_CHART_VERSION } from '../../lib/gitlab/versions';
import { configSchema, DEFAULT_CONFIG_RELATIVE_PATH, loadConfigFile, loadConfigText, MAX_CONFIG_BYTES, resolveConfigPath } from '../../stacks/config/load';

const ROOT = join(__dirname, '..', '..');
const INVALID = join(__dirname, 'fixtures', 'invalid');
const EXAMPLES = join(ROOT, 'examples');

describe('invalid configs (one fixture file per rule; its `# expect:` lines are the exact diagnostics)', () => {
  const files = readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).sort();

  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(20));

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(INVALID, file), 'utf8');
    const expected = text.split('\n').filter((l) => l.startsWith('# expect: ')).map((l) => `${file}:${l.slice('# expect: '.length)}`);
    expect(expected.length).toBeGreaterThan(0);
    const result = loadConfigFile(join(INVALID, file), file, { today: TEST_DAY });
    expect(result.ok).toBe(false);
    expect(sortDiagnostics(result.diagnostics).map(formatDiagnostic)).toEqual(expected);
  });
});

describe('one pass: schema and semantic errors of one config come in the same synth (fixtures one-pass-*)', () => {
  const onePass = readdirSync(INVALID).filter((f) => f.startsWith('one-pass-')).sort();
  const schemaRule = (rule: string) => /^config\/(schema-|unknown-key$|missing-key$)/.test(rule);

  it.each(onePass)('%s reports both kinds', (file) => {
    const { diagnostics } = loadConfigFile(join(INVALID, file), file, { today: TEST_DAY });
    expect(diagnostics.some((d) => schemaRule(d.rule))).toBe(true);
    expect(diagnostics.some((d) => !schemaRule(d.rule))).toBe(true);
  });

  it('has such fixtures', () => expect(onePass.length).toBeGreaterThanOrEqual(3));
});

describe('messages', () => {
  const messages = (text: string, today: Date = TEST_DAY) => loadConfigText(text, 'w.yaml', { today }).diagnostics.map(formatDiagnostic);

  it('name the file, line, column, key and the allowed keys for an unknown key', () => {
    expect(messages('storage:\n  defaultStorageClass:\n    kind: gp3\n' + REQUIRED_CONFIG)).toEqual([
      'w.yaml:3:5: error: storage.defaultStorageClass.kind: unknown key `kind` in `storage.defaultStorageClass`; allowed keys: name, iops, iopsPerGiB, throughputMiBps, reclaimPolicy',
    ]);
  });

  it('report every problem, not just the first', () => {
    expect(messages(`aws: {region: Mars}\nnetwork: {natGateways: 2, availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]}\nnodes: {amiType: UBUNTU}\n${REQUIRED_CLUSTER_CONFIG}`)).toHaveLength(3);
  });

  it('list the allowed values of an enumeration', () => {
    expect(messages('nodes:\n  amiType: BOTTLEROCKET_x86_64\n' + REQUIRED_CONFIG)).toEqual([
      'w.yaml:2:12: error: nodes.amiType: "BOTTLEROCKET_x86_64" is not allowed; allowed values: "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"',
    ]);
  });

  it('refuse files over the size cap before parsing', () => {
    const big = `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    expect(messages(big)[0]).toMatch(/^w\.yaml:1:1: error: the file is \d+ bytes; at most 1048576 bytes are allowed$/);
  });

  it('refuse an empty file (a truncated file or a wrong path is likelier than a wish for every default)', () => {
    expect(messages('')).toEqual([
      'w.yaml:1:1: error: the config file is empty; write `{}` to take every default, or give some of the sections state, aws, network, cluster, nodes, autoscaling, storage, addons, runtime, runtimes, gitlab (see examples/default/workspaces.config.yaml)',
    ]);
  });

  it('say how to fix an unreadable file', () => {
    const r = loadConfigFile(join(ROOT, 'no-such-config.yaml'), 'no-such-config.yaml');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'no-such-config.yaml:1:1: error: cannot read the stack config: it does not exist; set WORKSPACES_CONFIG to a YAML config file such as examples/default/workspaces.config.yaml',
    ]);
  });

  it('say so when the config path names a directory', () => {
    const r = loadConfigFile(join(ROOT, 'examples'), 'examples');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'examples:1:1: error: cannot read the stack config: it is a directory; set WORKSPACES_CONFIG to a YAML config file such as examples/default/workspaces.config.yaml',
    ]);
    expect(r.diagnostics[0].rule).toBe('config/unreadable');
  });

  it('refuse a file over the size cap without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      const file = join(dir, 'big.yaml');
      writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
      const r = loadConfigFile(file, 'big.yaml');
      expect(r.ok).toBe(false);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0].rule).toBe('config/too-large');
      expect(formatDiagnostic(r.diagnostics[0])).toMatch(/^big\.yaml:1:1: error: the file is \d+ bytes; at most 1048576 bytes \(1 MB\) are allowed$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default config', () => {
  it('loads with three warnings only: its placeholders for who may reach and administer the API, and the workspace domain', () => {
    const example = loadConfigFile(join(ROOT, DEFAULT_CONFIG_RELATIVE_PATH), DEFAULT_CONFIG_RELATIVE_PATH, { today: TEST_DAY });
    expect(example.ok).toBe(true);
    expect(sortDiagnostics(example.diagnostics).map(formatDiagnostic)).toEqual([
      'examples/default/workspaces.config.yaml:37:9: warning: cluster.endpoint.publicAccessCidrs[0]: 203.0.113.0/24 is a documentation range (RFC 5737) that no real client has: replace it with the addresses you run cdktf deploy and kubectl from',
      'examples/default/workspaces.config.yaml:41:9: warning: cluster.access.adminPrincipalArns[0]: arn:aws:iam::123456789012:role/platform-admins is in AWS\'s example account 123456789012: replace it with a role of your account before deploying',
      'examples/default/workspaces.config.yaml:92:12: warning: gitlab.dnsZone: workspaces.example.com is a reserved example domain (RFC 2606) that nobody can get a certificate for: replace it with your workspace domain before deploying',
    ]);
  });

  it('shows every default: the same as a config that gives only what has no default', () => {
    const example = loadConfigFile(join(ROOT, DEFAULT_CONFIG_RELATIVE_PATH), undefined, { today: TEST_DAY });
    const minimal = loadConfigText(`network: {availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]}
cluster:
  endpoint: {publicAccessCidrs: [203.0.113.0/24]}
  access: {adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins']}
gitlab: {dnsZone: workspaces.example.com, oauth: variables}
`, 'minimal.yaml', { today: TEST_DAY });
    expect(example.ok && minimal.ok).toBe(true);
    if (!example.ok || !minimal.ok) return;
    expect(example.value).toEqual(minimal.value);
    expect(example.value).toEqual({
      runtime: 'none',
      state: { backend: 'local', keyPrefix: 'gitlab-workspaces', useLockfile: true },
      aws: { region: 'eu-west-1', defaultTags: { project: 'gitlab-workspaces', 'managed-by': 'cdktf' } },
      network: {
        vpcCidr: '10.0.0.0/16', availabilityZoneCount: 3, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 'one-per-zone', s3GatewayEndpoint: true,
        flowLogs: { enabled: true, destination: 'cloud-watch-logs', trafficType: 'ALL', retentionDays: 30 },
      },
      cluster: {
        name: 'gitlab-workspaces',
        kubernetesVersion: '1.35',
        upgradePolicy: 'STANDARD',
        endpoint: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'], allowPublicEndpointFromAnywhere: false, privateAccessCidrs: [] },
        access: { adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'], clusterCreatorAdmin: false },
        logs: { types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], retentionDays: 90 },
        kmsKeyDeletionWindowDays: 30,
        allowDestroy: false,
        kubernetesProviderAuth: 'exec',
      },
      nodes: {
        amiType: 'AL2023_x86_64_STANDARD',
        system: { instanceTypes: ['m6i.large'], capacityType: 'ON_DEMAND', minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGiB: 50, maxImageAgeDays: 30 },
        workspaces: {
          instanceTypes: ['m6i.2xlarge'], capacityType: 'ON_DEMAND', minSize: 0, desiredSize: 0, maxSize: 5, diskSizeGiB: 100, perZone: true,
          generation: 1, retiringGenerations: [], maxImageAgeDays: 30, headroom: 0, prePullToolsImage: true, prePullImages: [],
        },
      },
      autoscaling: { clusterAutoscaler: { expander: 'least-waste', scaleDownUnneededTime: '10m' } },
      storage: { defaultStorageClass: { name: 'gp3', reclaimPolicy: 'Delete' }, demoteGp2: false, workspaceVolumesOnDestroy: 'refuse', backups: { enabled: false, schedule: 'cron(0 3 * * ? *)', retentionDays: 14 } },
      addons: { vpcCni: {}, kubeProxy: {}, coredns: {}, podIdentityAgent: {}, ebsCsiDriver: {} },
      gitlab: {
        url: 'https://gitlab.com',
        version: '18.9',
        dnsZone: 'workspaces.example.com',
        hostedZone: { create: false },
        proxy: 'enabled',
        oauth: 'variables',
        agent: { name: 'workspaces', namespace: 'gitlab-agent', chartVersion: '2.26.0', replicas: 2, rbac: 'least-privilege', protectBranch: false },
        workspacesProxy: { namespace: 'gitlab-workspaces', chartVersion: '0.1.25', replicas: 2, sshHostKeyAlgorithm: 'RSA' },
        entryPoint: { sshPort: 22, allowedCidrs: ['0.0.0.0/0'], scheme: 'internet-facing', httpNodePort: 32080, sshNodePort: 32022, sshIdleTimeoutSeconds: 3600, certificateValidationTimeout: '75m', accessLogs: { enabled: false, retentionDays: 90 } },
        remote_development: {},
      },
    });
  });

  it('has no safe default for who may reach and administer the API, nor for the zones: `{}` is refused with the three reasons', () => {
    const empty = loadConfigText('{}\n', 'empty.yaml', { today: TEST_DAY });
    expect(empty.ok).toBe(false);
    expect(empty.diagnostics.map((d) => d.rule).sort()).toEqual(['config/no-admin', 'config/public-endpoint', 'config/zones']);
  });

  it('is found without WORKSPACES_CONFIG, and WORKSPACES_CONFIG is read relative to the working directory', () => {
    const dflt = resolveConfigPath({}, '/tmp');
    expect(dflt.path).toBe(join(ROOT, DEFAULT_CONFIG_RELATIVE_PATH));
    expect(existsSync(dflt.path)).toBe(true);
    expect(resolveConfigPath({ WORKSPACES_CONFIG: 'my.yaml' }, '/srv/x')).toEqual({ path: '/srv/x/my.yaml', display: 'my.yaml' });
  });

  it('agrees with the constructs\' defaults', () => {
    const defs = (configSchema as { definitions: Record<string, { properties: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }> }> }).definitions;
    expect(defs.cluster.properties.kubernetesVersion.default).toBe(DEFAULT_KUBERNETES_VERSION);
    const gitlab = defs.gitlab.properties;
    expect(gitlab.agent.properties!.chartVersion.default).toBe(DEFAULT_AGENT_CHART_VERSION);
    expect(gitlab.workspacesProxy.properties!.chartVersion.default).toBe(DEFAULT_PROXY_CHART_VERSION);
  });

  it('has a tested autoscaler, add-on versions and a support calendar for every supported Kubernetes version', () => {
    for (const v of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(CLUSTER_AUTOSCALER_RELEASES[v].imageTag).toMatch(new RegExp(`^v${v.replace('.', '\\.')}\\.\\d+$`));
      expect(Object.keys(TESTED_ADDON_VERSIONS[v]).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
      expect(TESTED_ADDON_VERSIONS[v]['kube-proxy']).toMatch(new RegExp(`^v${v.replace('.', '\\.')}\\.`));
      expect(EKS_VERSION_LIFECYCLE[v]).toBeDefined();
    }
  });
});

describe('examples', () => {
  const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml')));

  it.each(examples)('%s loads without errors (only placeholder warnings) and names the schema for editors', (name) => {
    const file = join(EXAMPLES, name, 'workspaces.config.yaml');
    const result = loadConfigFile(file, undefined, { today: TEST_DAY });
    expect(result.ok).toBe(true);
    // Besides placeholders, a Sysbox example on the newest Canonical build draws the unpinned-image warning:
    // the examples pin no dated build (docs/runtimes.md: no build is documented as carrying kernel 6.8 per
    // Kubernetes version), and the warning says how to find and pin one.
    expect(result.diagnostics.filter((d) => d.rule !== 'config/placeholder' && d.rule !== 'config/sysbox-node-image-unpinned').map(formatDiagnostic)).toEqual([]);
    // A consumer repo (import-constructs) finds the schema in the installed package.
    const schema = name === 'import-constructs' ? './node_modules/cdktf-gitlab-workspaces/schemas' : '../../schemas';
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}/workspaces.config.schema.json`);
  });
});

describe('the published JSON Schema', () => {
  type Node = { description?: string; $ref?: string; properties?: Record<string, Node>; additionalProperties?: unknown; type?: string };
  const schema = configSchema as Node & { definitions: Record<string, Node> };
  const resolve = (n: Node): Node => (n.$ref ? { ...schema.definitions[n.$ref.split('/').pop()!], ...n } : n);

  it('describes every key (editors show it) and refuses unknown keys in every mapping', () => {
    const undocumented: string[] = [];
    const open: string[] = [];
    const walk = (node: Node, path: string): void => {
      const n = resolve(node);
      if (n.type === 'object' && n.properties && n.additionalProperties !== false) open.push(path || '(root)');
      for (const [k, child] of Object.entries(n.properties ?? {})) {
        if (!resolve(child).description) undocumented.push(`${path}${path ? '.' : ''}${k}`);
        walk(child, `${path}${path ? '.' : ''}${k}`);
      }
    };
    walk(schema, '');
    expect(undocumented).toEqual([]);
    expect(open).toEqual([]);
  });

  it('has a section per capability, ready for later ones (gitlab, dns, runtimes) to be added', () => {
    expect(Object.keys(schema.properties!)).toEqual(['state', 'aws', 'network', 'cluster', 'nodes', 'autoscaling', 'storage', 'addons', 'runtime', 'runtimes', 'gitlab']);
  });
});

describe('instance architecture', () => {
  it.each(['m7g.large', 'c6gn.xlarge', 'im4gn.large', 'x2gd.medium', 'g5g.xlarge', 'a1.large', 'r8g.2xlarge', 'hpc7g.4xlarge', 'is4gen.large'])('%s is Graviton', (t) => {
    expect(isArmInstanceType(t)).toBe(true);
  });
  it.each(['m6i.large', 'm7i-flex.large', 'g5.xlarge', 'g6e.xlarge', 'gr6.4xlarge', 'c7a.large', 'r7iz.large', 'inf2.xlarge', 't3.medium', 'p5.48xlarge'])('%s is x86_64', (t) => {
    expect(isArmInstanceType(t)).toBe(false);
  });
});

describe('warnings that do not stop the synth', () => {
  const load = (text: string, today: Date) => loadConfigText(`${REQUIRED_CONFIG}${text}`, 'w.yaml', { today });
  const lines = (text: string, today: Date) => load(text, today).diagnostics.map(formatDiagnostic);

  it('say when the version is about to leave standard support, and what STANDARD will then do', () => {
    expect(lines('  kubernetesVersion: "1.34"\n', new Date('2026-11-01T00:00:00Z'))).toEqual([
      'w.yaml:8:22: warning: cluster.kubernetesVersion: Kubernetes 1.34 leaves EKS standard support on 2026-12-02 (in 31 days); EKS will then upgrade the control plane by itself: plan the upgrade to 1.35',
    ]);
    expect(lines('  kubernetesVersion: "1.34"\n', new Date('2026-09-01T00:00:00Z'))).toEqual([]);
  });

  it('say when the version is past standard support: automatic upgrade with STANDARD, the price with EXTENDED', () => {
    const standard = load('  kubernetesVersion: "1.33"\n', TEST_DAY);
    expect(standard.ok).toBe(true);
    expect(standard.diagnostics.map(formatDiagnostic)).toEqual([
      'w.yaml:8:22: warning: cluster.kubernetesVersion: Kubernetes 1.33 left EKS standard support on 2026-07-29: with upgradePolicy STANDARD, EKS upgrades the control plane to 1.34 by itself (and the node groups then lag behind it); upgrade to 1.34 now, or set cluster.upgradePolicy: EXTENDED to keep 1.33 until 2027-07-29 at $0.60 instead of $0.10 per cluster-hour',
    ]);
    expect(lines('  kubernetesVersion: "1.33"\n  upgradePolicy: EXTENDED\n', TEST_DAY)).toEqual([
      'w.yaml:8:22: warning: cluster.kubernetesVersion: Kubernetes 1.33 has been in EKS extended support since 2026-07-29, billed at $0.60 instead of $0.10 per cluster-hour, until 2027-07-29; upgrade to 1.34',
    ]);
    expect(lines('  kubernetesVersion: "1.33"\n', new Date('2027-08-01T00:00:00Z'))[0]).toMatch(/left EKS extended support on 2027-07-29/);
  });

  it('say nothing for the default version on the day of this release', () => {
    expect(lines('', TEST_DAY)).toEqual([]);
  });

  it('point at placeholders left in', () => {
    expect(lines('', TEST_DAY)).toEqual([]);
    const r = loadConfigText(`network:\n${ZONES}cluster:\n  endpoint: {publicAccessCidrs: [198.51.100.0/24]}\n  access: {adminPrincipalArns: [arn:aws:iam::123456789012:role/x]}\n`, 'w.yaml', { today: TEST_DAY });
    expect(sortDiagnostics(r.diagnostics).map((d) => [d.severity, d.rule, d.path])).toEqual([
      ['warning', 'config/placeholder', 'cluster.endpoint.publicAccessCidrs[0]'],
      ['warning', 'config/placeholder', 'cluster.access.adminPrincipalArns[0]'],
    ]);
  });

  it('accept 0.0.0.0/0 when said so, with no warning', () => {
    expect(lines('    publicAccessCidrs: [0.0.0.0/0]\n', TEST_DAY).length).toBeGreaterThan(0);
    const r = loadConfigText(`network:\n${ZONES}cluster:\n  endpoint: {publicAccessCidrs: [0.0.0.0/0], allowPublicEndpointFromAnywhere: true}\n  access: {adminPrincipalArns: [arn:aws:iam::111122223333:role/x]}\n`, 'w.yaml', { today: TEST_DAY });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });
});

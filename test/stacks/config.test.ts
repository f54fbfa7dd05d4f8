import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatDiagnostic, sortDiagnostics } from '../../lib/common/diagnostics';
import { DEFAULT_CLUSTER_AUTOSCALER_CHART_VERSION, DEFAULT_KUBERNETES_VERSION } from '../../lib/cluster/versions';
import { isArmInstanceType } from '../../stacks/config/semantic';
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
    const result = loadConfigFile(join(INVALID, file), file);
    expect(result.ok).toBe(false);
    expect(sortDiagnostics(result.diagnostics).map(formatDiagnostic)).toEqual(expected);
  });
});

describe('messages', () => {
  const messages = (text: string) => loadConfigText(text, 'w.yaml').diagnostics.map(formatDiagnostic);

  it('name the file, line, column, key and the allowed keys for an unknown key', () => {
    expect(messages('storage:\n  defaultStorageClass:\n    kind: gp3\n')).toEqual([
      'w.yaml:3:5: error: storage.defaultStorageClass.kind: unknown key `kind` in `storage.defaultStorageClass`; allowed keys: name, iops, throughputMiBps, reclaimPolicy',
    ]);
  });

  it('report every problem, not just the first', () => {
    expect(messages('aws: {region: Mars}\nnetwork: {natGateways: 2}\nnodes: {amiType: UBUNTU}\n')).toHaveLength(3);
  });

  it('list the allowed values of an enumeration', () => {
    expect(messages('nodes:\n  amiType: BOTTLEROCKET_x86_64\n')).toEqual([
      'w.yaml:2:12: error: nodes.amiType: "BOTTLEROCKET_x86_64" is not allowed; allowed values: "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"',
    ]);
  });

  it('refuse files over the size cap before parsing', () => {
    const big = `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    expect(messages(big)[0]).toMatch(/^w\.yaml:1:1: error: the file is \d+ bytes; at most 1048576 bytes are allowed$/);
  });

  it('refuse an empty file (a truncated file or a wrong path is likelier than a wish for every default)', () => {
    expect(messages('')).toEqual([
      'w.yaml:1:1: error: the config file is empty; write `{}` to take every default, or give some of the sections aws, network, cluster, nodes, autoscaling, storage, addons (see examples/default/workspaces.config.yaml)',
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
  it('loads, and `{}` means exactly the same (the example shows every default)', () => {
    const example = loadConfigFile(join(ROOT, DEFAULT_CONFIG_RELATIVE_PATH));
    const empty = loadConfigText('{}\n', 'empty.yaml');
    expect(example.ok && empty.ok).toBe(true);
    if (!example.ok || !empty.ok) return;
    expect(example.diagnostics).toEqual([]);
    expect(example.value).toEqual(empty.value);
    expect(example.value).toEqual({
      aws: { region: 'eu-west-1', defaultTags: { project: 'gitlab-workspaces', 'managed-by': 'cdktf' } },
      network: { vpcCidr: '10.0.0.0/16', availabilityZoneCount: 3, natGateways: 'one-per-zone', flowLogs: { enabled: true, retentionDays: 30 } },
      cluster: {
        name: 'gitlab-workspaces',
        kubernetesVersion: '1.34',
        endpoint: { publicAccess: true, publicAccessCidrs: ['0.0.0.0/0'], privateAccessCidrs: [] },
        access: { adminPrincipalArns: [], clusterCreatorAdmin: true },
        logs: { types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], retentionDays: 90 },
        kmsKeyDeletionWindowDays: 30,
        kubernetesProviderAuth: 'exec',
      },
      nodes: {
        amiType: 'AL2023_x86_64_STANDARD',
        system: { instanceTypes: ['m6i.large'], capacityType: 'ON_DEMAND', minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGiB: 50 },
        workspaces: { instanceTypes: ['m6i.2xlarge'], capacityType: 'ON_DEMAND', minSize: 0, desiredSize: 0, maxSize: 5, diskSizeGiB: 100, perZone: true },
      },
      autoscaling: { clusterAutoscaler: { chartVersion: '9.52.1', expander: 'least-waste', scaleDownUnneededTime: '10m' } },
      storage: { defaultStorageClass: { name: 'gp3', reclaimPolicy: 'Delete' }, demoteGp2: true },
      addons: { vpcCni: {}, kubeProxy: {}, coredns: {}, podIdentityAgent: {}, ebsCsiDriver: {} },
    });
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
    expect(defs.autoscaling.properties.clusterAutoscaler.properties!.chartVersion.default).toBe(DEFAULT_CLUSTER_AUTOSCALER_CHART_VERSION);
  });
});

describe('examples', () => {
  const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml')));

  it.each(examples)('%s loads without any diagnostic and names the schema for editors', (name) => {
    const file = join(EXAMPLES, name, 'workspaces.config.yaml');
    const result = loadConfigFile(file);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/workspaces.config.schema.json');
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
    expect(Object.keys(schema.properties!)).toEqual(['aws', 'network', 'cluster', 'nodes', 'autoscaling', 'storage', 'addons']);
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

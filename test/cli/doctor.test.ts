/**
 * `gitlab-workspaces doctor` end to end against fakes on 127.0.0.1: a Kubernetes API server (HTTPS, the
 * kubeconfig's CA and token: the real client), the proxy's HTTPS (a certificate of the test CA), an SSH
 * server running a real key exchange, a GitLab GraphQL endpoint, DNS answers and the AWS SDK mocked.
 * A healthy deploy exits 0 with every line ok; each broken piece gives its failing line with a fix and exit 1.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { DoctorProbes } from '../../lib/cli/doctor-checks';
import { runDoctor } from '../../lib/cli/doctor';
import { gitlabApi, loadBalancerHealth, tlsProbe } from '../../lib/cli/doctor-probes';
import { probeSshHostKey, sshFingerprint } from '../../lib/cli/doctor-ssh';
import { fakeGitLab, fakeKubeApi, fakeProxy, fakeSshServer, fixture, get, Route, rsaHostKey } from './doctor-fakes';

const ROOT = join(__dirname, '..', '..');
const ZONE = 'workspaces.test';
const LB = 'gitlab-workspaces-workspaces-0123456789.elb.eu-west-1.amazonaws.com';
const LB_ADDRESSES = ['198.51.100.10', '198.51.100.11'];

/** The default example's config with a test domain, a registered agent and, optionally, a runtime. */
function configText(runtime: 'none' | 'sysbox' = 'none'): string {
  let text = readFileSync(join(ROOT, 'examples', runtime === 'none' ? 'default' : 'sysbox', 'workspaces.config.yaml'), 'utf8');
  text = text.replace(/dnsZone: workspaces\.example\.com/, `dnsZone: ${ZONE}`);
  text = text.replace(/# project: platform\/workspaces-agent/, 'project: platform/workspaces-agent');
  if (runtime === 'sysbox') text = text.replace(/  oauth: variables\n/, '  oauth: variables\n  agent:\n    project: platform/workspaces-agent\n');
  return text;
}

const pod = (name: string, ready: boolean, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { nodeName: 'ip-10-0-1-1.eu-west-1.compute.internal' },
  status: {
    phase: ready ? 'Running' : 'Pending',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'agent', ready, state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }],
  },
  ...extra,
});

interface ClusterShape {
  agentReady?: number;
  agentLog?: string;
  defaultStorageClass?: string | null;
  runtimeClass?: boolean;
  installerReady?: number;
  autoscalerReady?: number;
}

/** The API server of a deployed cluster (runtime sysbox adds the RuntimeClass, installer and a node). */
function clusterRoutes(shape: ClusterShape = {}): Route[] {
  const agentReady = shape.agentReady ?? 2;
  const sc = shape.defaultStorageClass === undefined ? 'gp3' : shape.defaultStorageClass;
  const storageClass = (name: string) => ({ metadata: { name, annotations: sc === name ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} } });
  return [
    get('/version', { gitVersion: 'v1.35.1-eks-1' }),
    (req) => (req.path === '/api/v1/namespaces/kube-system' ? (req.auth === 'Bearer doctor-token' ? { status: 200, body: { metadata: { name: 'kube-system' } } } : { status: 401, body: { kind: 'Status', code: 401 } }) : undefined),
    get('/api/v1/namespaces/gitlab-agent', { metadata: { name: 'gitlab-agent' } }),
    get('/api/v1/namespaces/gitlab-agent/pods?labelSelector=app.kubernetes.io%2Finstance%3Dworkspaces',
      { items: [pod('workspaces-gitlab-agent-v2-0', agentReady > 0), pod('workspaces-gitlab-agent-v2-1', agentReady > 1)] }),
    (req) => (req.path.startsWith('/api/v1/namespaces/gitlab-agent/pods/workspaces-gitlab-agent-v2-0/log')
      ? { status: 200, text: shape.agentLog ?? '{"time":"2026-12-07T05:00:00Z","level":"info","msg":"Feature status change","feature_name":"tunnel"}\n' } : undefined),
    get('/api/v1/namespaces/gitlab-workspaces', { metadata: { name: 'gitlab-workspaces' } }),
    get('/api/v1/namespaces/gitlab-workspaces/pods?labelSelector=app.kubernetes.io%2Finstance%3Dgitlab-workspaces-proxy',
      { items: [pod('gitlab-workspaces-proxy-a', true), pod('gitlab-workspaces-proxy-b', true)] }),
    get('/apis/storage.k8s.io/v1/storageclasses', { items: [storageClass('gp2'), storageClass('gp3')] }),
    get('/apis/apps/v1/namespaces/kube-system/deployments?labelSelector=app.kubernetes.io%2Finstance%3Dcluster-autoscaler',
      { items: [{ metadata: { name: 'cluster-autoscaler-aws-cluster-autoscaler' }, spec: { replicas: 1 }, status: { readyReplicas: shape.autoscalerReady ?? 1 } }] }),
    ...(shape.runtimeClass === false ? [] : [get('/apis/node.k8s.io/v1/runtimeclasses/sysbox-runc', { metadata: { name: 'sysbox-runc' }, handler: 'sysbox-runc' })]),
    get('/apis/apps/v1/namespaces/kube-system/daemonsets/sysbox-deploy-k8s', { metadata: { name: 'sysbox-deploy-k8s' }, status: { desiredNumberScheduled: 1, numberReady: shape.installerReady ?? 1 } }),
    get('/api/v1/nodes?labelSelector=gitlab-workspaces%2Fruntime%3Dsysbox', { items: [{ metadata: { name: 'ip-10-0-2-2' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }] }),
  ];
}

interface GitLabShape { connected?: boolean; mappedGroups?: string[] }

function gitlabAnswer(shape: GitLabShape = {}) {
  return (query: string, variables: Record<string, unknown>) => {
    if (query.includes('clusterAgent(')) {
      return { data: { project: { clusterAgent: { id: 'gid://gitlab/Clusters::Agent/7', connections: { nodes: shape.connected === false ? [] : [{ connectedAt: '2026-12-07T04:00:00Z', metadata: { version: 'v18.9.0', podName: 'workspaces-gitlab-agent-v2-0' } }] } } } } };
    }
    const mapped = (shape.mappedGroups ?? ['platform/team']).includes(String(variables.group));
    return { data: { namespace: { id: 'gid://gitlab/Group/9', workspacesClusterAgents: { nodes: mapped ? [{ id: 'gid://gitlab/Clusters::Agent/7', name: 'workspaces', project: { fullPath: 'platform/workspaces-agent' }, workspacesAgentConfig: { enabled: true, dnsZone: ZONE } }] : [] } } } };
  };
}

interface World { certificate?: string; sshKey?: 'proxy' | 'other'; dns?: Record<string, string[]> }

const hostKey = rsaHostKey();
const otherKey = rsaHostKey();

/** Runs doctor against fakes; returns the exit code, stdout and the parsed JSON (with --format json). */
async function doctor(args: string[], options: { cluster?: ClusterShape; gitlab?: GitLabShape; world?: World; runtime?: 'none' | 'sysbox'; outputs?: Record<string, unknown> | null; awsReal?: boolean; token?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  const kube = await fakeKubeApi(clusterRoutes(options.cluster));
  const proxy = await fakeProxy(options.world?.certificate ?? 'proxy');
  const ssh = await fakeSshServer(options.world?.sshKey === 'other' ? otherKey : hostKey);
  const gitlab = await fakeGitLab(gitlabAnswer(options.gitlab));
  try {
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(kube.port, { token: options.token ?? 'doctor-token' }));
    writeFileSync(join(dir, 'config.yaml'), configText(options.runtime));
    const outputs = options.outputs === null ? undefined : {
      'workspaces-platform': {
        workspace_url_pattern: `https://<port>-<workspace>.${ZONE}`,
        ssh_command: `ssh <workspace>@ssh.${ZONE}`,
        ssh_host_key_fingerprint: sshFingerprint(hostKey.blob),
        load_balancer_dns_name: LB,
        default_storage_class: 'gp3',
        agent_config: 'remote_development:\n  enabled: true\n  dns_zone: workspaces.test\n',
        ...(options.runtime === 'sysbox' && { workspace_runtime_class: 'sysbox-runc' }),
        ...options.outputs,
      },
    };
    if (outputs) writeFileSync(join(dir, 'outputs.json'), JSON.stringify(outputs));
    const dns: Record<string, string[]> = options.world?.dns ?? { [ZONE]: LB_ADDRESSES, [`1-doctor-probe.${ZONE}`]: LB_ADDRESSES, [`ssh.${ZONE}`]: LB_ADDRESSES, [LB]: LB_ADDRESSES };
    const probes: Partial<Omit<DoctorProbes, 'kube'>> = {
      tls: (servername) => tlsProbe({ host: '127.0.0.1', port: proxy.port, servername, ca: fixture('ca.crt') }),
      resolve: async (name) => dns[name] ?? [],
      ssh: () => probeSshHostKey('127.0.0.1', ssh.port),
      gitlab: gitlabApi(`http://127.0.0.1:${gitlab.port}`, 'glpat-test'),
      ...(!options.awsReal && { loadBalancerHealth: async () => ({ targetGroups: [{ name: 'gitlab-workspaces-http', port: 32080, healthy: 2, total: 2, reasons: [] }, { name: 'gitlab-workspaces-ssh', port: 32022, healthy: 2, total: 2, reasons: [] }] }) }),
      now: () => new Date('2026-12-07T05:00:00Z'),
    };
    let stdout = '';
    let stderr = '';
    const code = await runDoctor(
      ['--config', join(dir, 'config.yaml'), ...(outputs ? ['--outputs', join(dir, 'outputs.json')] : []), ...args],
      { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } },
      { env: { KUBECONFIG: join(dir, 'kubeconfig') }, cwd: dir, probes },
    );
    const json = args.includes('json') && stdout.startsWith('{') ? JSON.parse(stdout) as { healthy: boolean; checks: Array<{ id: string; status: string; message: string; fix?: string }> } : undefined;
    return { code, stdout, stderr, json, seen: kube.seen, gitlabSeen: gitlab.seen };
  } finally {
    await Promise.all([kube.close(), proxy.close(), ssh.close(), gitlab.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function kubeconfig(port: number, user: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
    clusters: [{ name: 'eks', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': fixture('ca.crt').toString('base64') } }],
    users: [{ name: 'admin', user }],
    contexts: [{ name: 'test', context: { cluster: 'eks', user: 'admin' } }],
  });
}

const line = (json: { checks: Array<{ id: string; status: string; message: string; fix?: string }> } | undefined, id: string) => json?.checks.find((c) => c.id === id);

describe('doctor on a healthy deploy', () => {
  it('exits 0 with every line ok (runtime none)', async () => {
    const r = await doctor(['--format', 'json', '--group', 'platform/team']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json!.healthy).toBe(true);
    expect(r.json!.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(r.json!.checks.map((c) => c.id)).toEqual([
      'kubernetes-api', 'agent-pods', 'agent-logs', 'proxy-pods', 'default-storage-class', 'autoscaler', 'runtime', 'dns',
      'proxy-certificate', 'proxy-https', 'proxy-ssh', 'load-balancer-targets', 'agent-connected', 'agent-groups',
    ]);
    expect(line(r.json, 'proxy-ssh')!.message).toContain(sshFingerprint(hostKey.blob));
    expect(line(r.json, 'proxy-ssh')!.message).toContain('signature verified');
    expect(line(r.json, 'proxy-certificate')!.message).toContain(`*.${ZONE}`);
    // The real client sent the kubeconfig's token; GitLab got the token as a Bearer token.
    expect(r.seen.every((s) => s.auth === 'Bearer doctor-token')).toBe(true);
    expect(r.gitlabSeen.every((s) => s.auth === 'Bearer glpat-test')).toBe(true);
  });

  it('exits 0 with every line ok (runtime sysbox: RuntimeClass, installer, nodes)', async () => {
    const r = await doctor(['--format', 'json', '--group', 'platform/team'], { runtime: 'sysbox' });
    expect(r.code).toBe(0);
    expect(r.json!.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(line(r.json, 'runtime-class')!.message).toBe('RuntimeClass sysbox-runc (handler sysbox-runc)');
    expect(line(r.json, 'runtime-installer')!.message).toBe('kube-system/sysbox-deploy-k8s: 1 of 1 pods ready');
  });

  it('prints one text line per check and a summary', async () => {
    const r = await doctor([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gitlab-workspaces doctor: cluster gitlab-workspaces \(eu-west-1\), config \/.*\/config\.yaml\n/);
    expect(r.stdout).toMatch(/^ok {4}agent-pods +agent workspaces: 2 of 2 pods ready in gitlab-agent$/m);
    // No --group: the mapping is a line saying it was not checked, and how to check it.
    expect(r.stdout).toMatch(/^skip {2}agent-groups +not checked: no --group named\n +fix: pass --group PATH/m);
    expect(r.stdout).toMatch(/^healthy: \d+ ok, 0 warnings, 0 failed, 1 not checked\n$/m);
  });
});

describe('doctor on a broken deploy: the failing line, its fix, exit 1', () => {
  const failing = async (opts: Parameters<typeof doctor>[1], id: string, args: string[] = []) => {
    const r = await doctor(['--format', 'json', '--group', 'platform/team', ...args], opts);
    expect(r.code).toBe(1);
    expect(r.json!.healthy).toBe(false);
    const l = line(r.json, id)!;
    expect(l.status).toBe('fail');
    expect(l.fix).toBeTruthy();
    return { l, r };
  };

  it('the agent pods are not ready', async () => {
    const { l } = await failing({ cluster: { agentReady: 0 } }, 'agent-pods');
    expect(l.message).toBe('agent workspaces: 0 of 2 pods ready in gitlab-agent (workspaces-gitlab-agent-v2-0: agent: CrashLoopBackOff (back-off 5m0s restarting failed container))');
    expect(l.fix).toContain('kubectl -n gitlab-agent describe pods -l app.kubernetes.io/instance=workspaces');
  });

  it('one of two agent pods is not ready: a warning, still healthy', async () => {
    const r = await doctor(['--format', 'json'], { cluster: { agentReady: 1 } });
    expect(r.code).toBe(0);
    expect(line(r.json, 'agent-pods')).toMatchObject({ status: 'warn', message: expect.stringContaining('1 of 2 pods ready') });
  });

  it('the agent logs that its token is refused', async () => {
    const { l } = await failing({ cluster: { agentLog: '{"level":"error","msg":"Error handling a connection","error":"rpc error: code = Unauthenticated desc = unauthenticated"}\n' } }, 'agent-logs');
    expect(l.fix).toContain('rotate it');
  });

  it('the certificate does not cover *.<dnsZone>', async () => {
    const { l } = await failing({ world: { certificate: 'wrong-domain' } }, 'proxy-certificate');
    expect(l.message).toBe(`the certificate served for 1-doctor-probe.${ZONE} covers other.test, *.other.test, not *.${ZONE} and ${ZONE}`);
    expect(l.fix).toContain(`ACM certificate for ${ZONE} and *.${ZONE}`);
  });

  it('no default storage class', async () => {
    const { l } = await failing({ cluster: { defaultStorageClass: null } }, 'default-storage-class');
    expect(l.message).toContain('no default StorageClass');
    expect(l.fix).toBe('kubectl annotate storageclass gp3 storageclass.kubernetes.io/is-default-class=true --overwrite');
  });

  it('the default storage class is another one', async () => {
    const { l } = await failing({ cluster: { defaultStorageClass: 'gp2' } }, 'default-storage-class');
    expect(l.message).toBe('the default StorageClass is gp2, not gp3');
  });

  it('the RuntimeClass is missing', async () => {
    const { l } = await failing({ runtime: 'sysbox', cluster: { runtimeClass: false } }, 'runtime-class');
    expect(l.message).toBe('RuntimeClass sysbox-runc does not exist: sysbox workspaces cannot start');
  });

  it('the runtime installer is not ready on a workspace node', async () => {
    const { l } = await failing({ runtime: 'sysbox', cluster: { installerReady: 0 } }, 'runtime-installer');
    expect(l.message).toBe('kube-system/sysbox-deploy-k8s: 0 of 1 pods ready');
  });

  it('the autoscaler is not running', async () => {
    const { l } = await failing({ cluster: { autoscalerReady: 0 } }, 'autoscaler');
    expect(l.message).toBe('cluster-autoscaler-aws-cluster-autoscaler: 0 of 1 replicas ready');
  });

  it('the agent is not mapped to the group', async () => {
    const { l } = await failing({ gitlab: { mappedGroups: [] } }, 'agent-groups');
    expect(l.message).toBe('agent workspaces is not available for workspaces in platform/team');
    expect(l.fix).toContain('gitlab-workspaces gitlab allow-agent --group platform/team');
  });

  it('the agent is not connected to GitLab', async () => {
    const { l } = await failing({ gitlab: { connected: false } }, 'agent-connected');
    expect(l.message).toBe('agent workspaces is registered but not connected to GitLab');
  });

  it('another SSH host key answers', async () => {
    const { l } = await failing({ world: { sshKey: 'other' } }, 'proxy-ssh');
    expect(l.message).toBe(`ssh.${ZONE}:22 presents host key ${sshFingerprint(otherKey.blob)}, not the proxy's ${sshFingerprint(hostKey.blob)}`);
  });

  it('the SSH host name resolves elsewhere', async () => {
    const dns = { [ZONE]: LB_ADDRESSES, [`1-doctor-probe.${ZONE}`]: LB_ADDRESSES, [`ssh.${ZONE}`]: ['203.0.113.9'], [LB]: LB_ADDRESSES };
    const { l } = await failing({ world: { dns } }, 'dns');
    expect(l.message).toBe(`ssh.${ZONE} -> 203.0.113.9: not the load balancer ${LB}`);
  });

  it('the workspace domain does not resolve', async () => {
    const { l } = await failing({ world: { dns: { [LB]: LB_ADDRESSES } } }, 'dns');
    expect(l.message).toBe(`${ZONE}, 1-doctor-probe.${ZONE}, ssh.${ZONE} do not resolve`);
    expect(l.fix).toContain('hosted_zone_name_servers');
  });
});

describe('doctor: what it reads', () => {
  it('without outputs, the comparisons with deployed values warn instead of passing silently', async () => {
    const r = await doctor(['--format', 'json'], { outputs: null });
    expect(r.code).toBe(0);
    expect(line(r.json, 'proxy-ssh')).toMatchObject({ status: 'warn', message: expect.stringContaining('not compared (no ssh_host_key_fingerprint output)') });
    expect(line(r.json, 'dns')).toMatchObject({ status: 'warn' });
    expect(line(r.json, 'load-balancer-targets')).toMatchObject({ status: 'skip' });
  });

  it('an output that disagrees with the config is reported, and the deployed value is checked', async () => {
    const r = await doctor(['--format', 'json'], { outputs: { default_storage_class: 'gp2' }, cluster: { defaultStorageClass: 'gp2' } });
    expect(line(r.json, 'config-outputs')).toMatchObject({ id: 'config-outputs', status: 'warn', message: expect.stringContaining('the config says gp3, the default_storage_class output gp2') });
    expect(line(r.json, 'default-storage-class')).toMatchObject({ status: 'ok', message: 'gp2 is the default StorageClass' });
  });

  it('a kubeconfig without the context asked for is a usage error (exit 2)', async () => {
    const r = await doctor(['--context', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gitlab-workspaces doctor: the kubeconfig has no context "nope" (contexts: test)\n');
  });

  it('credentials that cannot be had (the exec plugin fails) are exit 2, nothing checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    writeFileSync(join(dir, 'config.yaml'), configText());
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(1, { exec: { command: process.execPath, args: ['-e', 'console.error("Error when retrieving token from sso: Token has expired and refresh failed"); process.exit(255)'] } }));
    let stdout = '';
    let stderr = '';
    const code = await runDoctor(['--config', join(dir, 'config.yaml')], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, { env: { KUBECONFIG: join(dir, 'kubeconfig'), PATH: process.env.PATH } });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^gitlab-workspaces doctor: the kubeconfig's exec credential plugin \(.*\) failed \(exit 255\): Error when retrieving token from sso: Token has expired and refresh failed\n$/);
  });

  it('credentials the API server refuses are one failing line; the cluster lines are not checked', async () => {
    const r = await doctor(['--format', 'json', '--no-aws'], { token: 'expired' });
    expect(r.code).toBe(1);
    expect(line(r.json, 'kubernetes-api')).toMatchObject({ status: 'fail', message: expect.stringContaining("refused the kubeconfig's credentials (401)"), fix: expect.stringContaining('aws sso login') });
    expect(line(r.json, 'agent-pods')).toMatchObject({ status: 'skip', message: 'not checked: the Kubernetes API cannot be used (see kubernetes-api)' });
    // The checks that do not need the cluster still ran.
    expect(line(r.json, 'proxy-ssh')).toMatchObject({ status: 'ok' });
  });

  it('an invalid config is exit 2 with its diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    writeFileSync(join(dir, 'bad.yaml'), 'runtime: docker\n');
    let stderr = '';
    const code = await runDoctor(['--config', join(dir, 'bad.yaml')], { stdout: () => undefined, stderr: (t) => { stderr += t; } }, { env: {} });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml:1:\d+: error: .*runtime/);
    expect(stderr).toContain('has errors (above)');
  });

  it('usage errors are exit 2', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined };
    expect(await runDoctor(['--format', 'xml'], io)).toBe(2);
    expect(await runDoctor(['--smoke-timeout', '0'], io)).toBe(2);
    expect(await runDoctor(['extra'], io)).toBe(2);
  });

  it('an unreachable API server is one failing line; the cluster checks say they were not checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    writeFileSync(join(dir, 'config.yaml'), configText());
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(1, { token: 't' }));
    let stdout = '';
    const code = await runDoctor(['--config', join(dir, 'config.yaml'), '--format', 'json', '--no-aws'], { stdout: (t) => { stdout += t; }, stderr: () => undefined }, {
      env: { KUBECONFIG: join(dir, 'kubeconfig') },
      probes: { tls: () => Promise.reject(new Error('connect ECONNREFUSED')), resolve: async () => [], ssh: () => Promise.reject(new Error('connect ECONNREFUSED')), gitlab: undefined },
    });
    rmSync(dir, { recursive: true, force: true });
    const json = JSON.parse(stdout) as { checks: Array<{ id: string; status: string; message: string }> };
    expect(code).toBe(1);
    expect(json.checks[0]).toMatchObject({ id: 'kubernetes-api', status: 'fail', message: expect.stringContaining('cannot reach https://127.0.0.1:1') });
    expect(json.checks.find((c) => c.id === 'default-storage-class')).toMatchObject({ status: 'skip', message: 'not checked: the Kubernetes API cannot be used (see kubernetes-api)' });
  });
});

describe('doctor --smoke', () => {
  /** A fake API that accepts the workspace's objects and runs its pod (Ready, or stuck). */
  function smokeRoutes(ready: boolean): { routes: Route[]; created: string[]; deleted: string[] } {
    const created: string[] = [];
    const deleted: string[] = [];
    const routes: Route[] = [
      (req) => {
        if (req.method === 'POST') {
          const body = req.body as { kind: string; metadata: { name: string } };
          created.push(`${body.kind}/${body.metadata.name}`);
          return { status: 201, body };
        }
        if (req.method === 'DELETE') {
          deleted.push(req.path);
          return { status: 200, body: {} };
        }
        if (req.method === 'GET' && /^\/api\/v1\/namespaces\/gl-rd-ns-doctor-[0-9a-f]+$/.test(req.path)) return { status: 404, body: {} };
        if (req.method === 'GET' && /^\/api\/v1\/namespaces\/gl-rd-ns-doctor-[0-9a-f]+\/pods\?/.test(req.path)) {
          return { status: 200, body: { items: [pod('workspace-doctor-pod', ready)] } };
        }
        return undefined;
      },
    ];
    return { routes, created, deleted };
  }

  async function smokeRun(ready: boolean, log: string | null = 'smoke test passed\n') {
    const fake = smokeRoutes(ready);
    const execs: string[] = [];
    const kube = await fakeKubeApi([...fake.routes, ...clusterRoutes()], {
      exec: (path) => {
        execs.push(path);
        return log === null ? { stderr: 'cat: /projects/workspace-logs/smoke-test.log: No such file or directory', exitCode: 1 } : { stdout: log };
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    try {
      writeFileSync(join(dir, 'kubeconfig'), kubeconfig(kube.port, { token: 'doctor-token' }));
      writeFileSync(join(dir, 'config.yaml'), configText());
      writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ agent_config: readFileSync(join(ROOT, 'examples', 'smoke-workspace', 'agent-config.yaml'), 'utf8') }));
      let stdout = '';
      const code = await runDoctor(['--config', join(dir, 'config.yaml'), '--outputs', join(dir, 'outputs.json'), '--smoke', '--smoke-timeout', '0.05', '--format', 'json', '--no-aws'],
        { stdout: (t) => { stdout += t; }, stderr: () => undefined },
        { env: { KUBECONFIG: join(dir, 'kubeconfig') }, smokePollMs: 10, probes: { tls: () => Promise.reject(new Error('x')), resolve: async () => [], ssh: () => Promise.reject(new Error('x')), gitlab: undefined } });
      const json = JSON.parse(stdout) as { checks: Array<{ id: string; status: string; message: string; fix?: string }> };
      return { code, json, execs, ...fake };
    } finally {
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('applies the rendered smoke workspace in a namespace of its own, waits for Ready, and deletes the namespace', async () => {
    const r = await smokeRun(true);
    expect(r.json.checks.find((c) => c.id === 'smoke-apply')).toMatchObject({ status: 'ok' });
    expect(r.json.checks.find((c) => c.id === 'smoke-ready')).toMatchObject({ status: 'ok', message: expect.stringContaining('pod workspace-doctor-pod Ready on ') });
    // The postStart command's proof, read with an exec into the main container.
    expect(r.json.checks.find((c) => c.id === 'smoke-poststart')).toMatchObject({ status: 'ok', message: "the devfile's postStart command succeeded (/projects/workspace-logs/smoke-test.log: smoke test passed)" });
    expect(r.execs[0]).toMatch(/^\/api\/v1\/namespaces\/gl-rd-ns-doctor-[0-9a-f]{6}\/pods\/workspace-doctor-pod\/exec\?container=tooling&command=cat&command=%2Fprojects%2Fworkspace-logs%2Fsmoke-test.log&/);
    expect(r.json.checks.find((c) => c.id === 'smoke-cleanup')).toMatchObject({ status: 'ok' });
    expect(r.created[0]).toMatch(/^Namespace\/gl-rd-ns-doctor-[0-9a-f]{6}$/);
    // The renderer's objects: the Deployment, its PVC, the NetworkPolicy among them.
    expect(r.created).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\/workspace-doctor-/), expect.stringMatching(/^PersistentVolumeClaim\//), expect.stringMatching(/^NetworkPolicy\//)]));
    expect(r.deleted).toEqual([expect.stringMatching(/^\/api\/v1\/namespaces\/gl-rd-ns-doctor-[0-9a-f]{6}$/)]);
  });

  it('a Ready pod whose postStart command never writes its proof fails smoke-poststart', async () => {
    const r = await smokeRun(true, null);
    expect(r.code).toBe(1);
    expect(r.json.checks.find((c) => c.id === 'smoke-poststart')).toMatchObject({ status: 'fail', message: expect.stringContaining('did not write /projects/workspace-logs/smoke-test.log (cat: /projects/workspace-logs/smoke-test.log: No such file or directory)') });
    expect(r.deleted).toHaveLength(1);
  });

  it('a pod that never gets Ready fails the smoke line, and the workspace is still removed', async () => {
    const r = await smokeRun(false);
    expect(r.code).toBe(1);
    expect(r.json.checks.find((c) => c.id === 'smoke-ready')).toMatchObject({ status: 'fail', message: expect.stringContaining('CrashLoopBackOff') });
    expect(r.deleted).toHaveLength(1);
  });
});

describe('doctor: AWS through the SDK', () => {
  it('reads the target health of the load balancer with the output\'s DNS name; no healthy target is a failing line', async () => {
    const elb = mockClient(ElasticLoadBalancingV2Client);
    try {
      elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ DNSName: 'other.elb.amazonaws.com', LoadBalancerArn: 'arn:other' }, { DNSName: LB, LoadBalancerArn: 'arn:lb' }] });
      elb.on(DescribeTargetGroupsCommand, { LoadBalancerArn: 'arn:lb' }).resolves({ TargetGroups: [{ TargetGroupName: 'gw-http', TargetGroupArn: 'arn:tg-http', Port: 32080 }] });
      elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg-http' }).resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' } }, { TargetHealth: { State: 'healthy' } }] });
      expect(await loadBalancerHealth('eu-west-1', LB)).toEqual({ targetGroups: [{ name: 'gw-http', port: 32080, healthy: 1, total: 2, reasons: ['Target.FailedHealthChecks'] }] });

      elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg-http' }).resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' } }] });
      const r = await doctor(['--format', 'json'], { awsReal: true });
      expect(r.code).toBe(1);
      expect(line(r.json, 'load-balancer-targets')).toMatchObject({ status: 'fail', message: 'gw-http 0/1 healthy (Target.FailedHealthChecks)' });
    } finally {
      elb.restore();
    }
  });
});

describe('the built command, as a platform engineer runs it', () => {
  const BIN = join(ROOT, 'bin', 'gitlab-workspaces.js');

  it('reaches fakes through --resolve, --connect-to, --cacert and --gitlab-url: exit 0, every line ok or not checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const kube = await fakeKubeApi(clusterRoutes());
    const proxy = await fakeProxy('proxy');
    const ssh = await fakeSshServer(hostKey);
    const gitlab = await fakeGitLab(gitlabAnswer());
    try {
      writeFileSync(join(dir, 'kubeconfig'), kubeconfig(kube.port, { token: 'doctor-token' }));
      writeFileSync(join(dir, 'config.yaml'), configText());
      writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ 'gitlab-workspaces-platform': {
        workspace_url_pattern: `https://<port>-<workspace>.${ZONE}`, ssh_command: `ssh <workspace>@ssh.${ZONE}`,
        ssh_host_key_fingerprint: sshFingerprint(hostKey.blob), load_balancer_dns_name: LB, default_storage_class: 'gp3',
      } }));
      const args = [
        BIN, 'doctor', '--config', join(dir, 'config.yaml'), '--outputs', join(dir, 'outputs.json'), '--format', 'json', '--no-aws', '--group', 'platform/team',
        ...[ZONE, `1-doctor-probe.${ZONE}`, `ssh.${ZONE}`, LB].flatMap((n) => ['--resolve', `${n}:443:${LB_ADDRESSES[0]}`]),
        '--connect-to', `1-doctor-probe.${ZONE}:443:127.0.0.1:${proxy.port}`,
        '--connect-to', `ssh.${ZONE}:22:127.0.0.1:${ssh.port}`,
        '--cacert', join(__dirname, 'fixtures', 'doctor', 'ca.crt'),
        '--gitlab-url', `http://127.0.0.1:${gitlab.port}`,
      ];
      // Asynchronously: the fakes answer from this process.
      const { spawn } = require('child_process') as typeof import('child_process');
      const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), GITLAB_TOKEN: 'glpat-test' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const json = JSON.parse(stdout) as { healthy: boolean; checks: Array<{ id: string; status: string }> };
      expect(json.healthy).toBe(true);
      expect(json.checks.filter((c) => c.status !== 'ok').map((c) => `${c.id} ${c.status}`)).toEqual(['load-balancer-targets skip']);
    } finally {
      await Promise.all([kube.close(), proxy.close(), ssh.close(), gitlab.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--resolve and --connect-to take curl\'s forms', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => { stderr += t; } };
    // No kubeconfig, no cluster: only the option is judged (a usage error names the form).
    const deps = { env: { KUBECONFIG: '/nonexistent/kubeconfig' } };
    expect(await runDoctor(['--resolve', 'ssh.ws.test:127.0.0.1'], io, deps)).toBe(2);
    expect(stderr).toContain('--resolve must be HOST:PORT:ADDRESS');
    expect(await runDoctor(['--connect-to', 'ssh.ws.test:22:127.0.0.1'], io, deps)).toBe(2);
    expect(stderr).toContain('--connect-to must be HOST:PORT:HOST2:PORT2');
  });
});

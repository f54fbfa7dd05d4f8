/** doctor's checks one by one, with probes answering exactly what each case needs. */
import { agentVersionWindowProblem } from '../../lib/common/gitlab-version';
import { agentLogFindings, agentVersionSkew, checkHttps, checkLoadBalancerTargets, checkRuntime, DoctorProbes, nameCovers, TlsAnswer } from '../../lib/cli/doctor-checks';
import type { KubeApi } from '../../lib/cli/doctor-kube';
import type { DoctorPlan } from '../../lib/cli/doctor-plan';
import { tlsProbe } from '../../lib/cli/doctor-probes';
import { fakeProxy } from './doctor-fakes';

const NOW = new Date('2026-12-07T05:00:00Z');
const plan: DoctorPlan = {
  clusterName: 'c', region: 'eu-west-1', storageClass: 'gp3', autoscaler: { namespace: 'kube-system', release: 'cluster-autoscaler' },
  runtime: { name: 'kata', runtimeClass: { name: 'kata-qemu', handler: 'kata-qemu' }, installer: { namespace: 'kube-system', daemonSet: 'kata-deploy' }, nodeLabel: { key: 'gitlab-workspaces/runtime', value: 'kata' } },
  proxy: { namespace: 'gitlab-workspaces', release: 'gitlab-workspaces-proxy', replicas: 2, dnsZone: 'ws.test', sshHost: 'ssh.ws.test', sshPort: 22 },
  mismatches: [],
};

function probes(over: Partial<DoctorProbes>): DoctorProbes {
  const kube: KubeApi = { server: 'https://k', request: () => Promise.reject(new Error('unused')) };
  return { kube, tls: () => Promise.reject(new Error('unused')), resolve: async () => [], ssh: () => Promise.reject(new Error('unused')), now: () => NOW, ...over };
}

const answer = (over: Partial<TlsAnswer> = {}): TlsAnswer => ({
  dnsNames: ['ws.test', '*.ws.test'], validFrom: new Date('2026-01-01T00:00:00Z'), validTo: new Date('2027-01-01T00:00:00Z'), authorized: true, httpStatus: 302, ...over,
});

describe('checkHttps', () => {
  const run = async (a: TlsAnswer) => checkHttps(plan, probes({ tls: async () => a }));

  it('ok: covers the zone and its wildcard, trusted, valid, the proxy answers', async () => {
    expect((await run(answer())).map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it('an expired certificate fails; one with under 14 days left warns (ACM renews while its validation records stay)', async () => {
    expect((await run(answer({ validTo: new Date('2026-12-01T00:00:00Z') })))[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('not valid now') });
    expect((await run(answer({ validTo: new Date('2026-12-15T00:00:00Z') })))[0]).toMatchObject({ status: 'warn', message: 'the certificate covers *.ws.test but expires in 7 days' });
  });

  it('a certificate for the zone only (no wildcard) fails: workspace hosts are <port>-<workspace>.<zone>', async () => {
    expect((await run(answer({ dnsNames: ['ws.test'] })))[0]).toMatchObject({ status: 'fail', message: 'the certificate served for 1-doctor-probe.ws.test covers ws.test, not *.ws.test' });
  });

  it('an untrusted certificate fails (a real TLS handshake with a certificate of an unknown CA)', async () => {
    const proxy = await fakeProxy('proxy');
    try {
      const results = await checkHttps(plan, probes({ tls: (servername) => tlsProbe({ host: '127.0.0.1', port: proxy.port, servername }) }));
      // The fixture covers workspaces.test, not ws.test: the names fail first.
      expect(results[0].status).toBe('fail');
      const trusted = await tlsProbe({ host: '127.0.0.1', port: proxy.port, servername: '1-doctor-probe.workspaces.test' });
      expect(trusted).toMatchObject({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', httpStatus: 302, dnsNames: ['workspaces.test', '*.workspaces.test'] });
      const own = await checkHttps({ ...plan, proxy: { ...plan.proxy!, dnsZone: 'workspaces.test' } }, probes({ tls: async () => trusted }));
      expect(own[0]).toMatchObject({ status: 'fail', message: 'the certificate for 1-doctor-probe.workspaces.test is not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      await proxy.close();
    }
  });

  it('TLS without an HTTP answer fails; a 5xx warns', async () => {
    expect((await run(answer({ httpStatus: undefined, httpError: 'socket hang up' })))[1]).toMatchObject({ status: 'fail', message: expect.stringContaining('gave no HTTP answer: socket hang up') });
    expect((await run(answer({ httpStatus: 503 })))[1]).toMatchObject({ status: 'warn' });
  });

  it('no TLS answer at all fails with the reason', async () => {
    const results = await checkHttps(plan, probes({ tls: () => Promise.reject(new Error('connect ETIMEDOUT')) }));
    expect(results).toEqual([expect.objectContaining({ id: 'proxy-https', status: 'fail', message: 'no TLS answer from 1-doctor-probe.ws.test:443: connect ETIMEDOUT' })]);
  });
});

describe('nameCovers', () => {
  it('one leftmost wildcard label covers exactly one label', () => {
    expect(nameCovers('*.ws.test', '1-a.ws.test')).toBe(true);
    expect(nameCovers('*.ws.test', 'ws.test')).toBe(false);
    expect(nameCovers('*.ws.test', 'a.b.ws.test')).toBe(false);
    expect(nameCovers('WS.test', 'ws.TEST')).toBe(true);
  });
});

describe('agentLogFindings', () => {
  it('a refused token is fatal, an error line a finding, info lines nothing', () => {
    expect(agentLogFindings('{"level":"info","msg":"ok"}\n')).toEqual({});
    expect(agentLogFindings('{"level":"error","msg":"Failed to get configuration","error":"connection refused"}\n').error).toContain('connection refused');
    expect(agentLogFindings('{"level":"error","msg":"x","error":"rpc error: code = Unauthenticated"}').fatal).toContain('Unauthenticated');
  });
});

describe('checkRuntime', () => {
  const kube = (routes: Record<string, unknown>): KubeApi => ({
    server: 'https://k',
    request: async (_m, path) => (path in routes ? { status: 200, body: routes[path], text: '' } : { status: 404, body: {}, text: '' }),
  });

  it('no workspace node yet (scaled to zero): the installer scheduling nowhere is fine', async () => {
    const results = await checkRuntime(plan, probes({ kube: kube({
      '/apis/node.k8s.io/v1/runtimeclasses/kata-qemu': { handler: 'kata-qemu' },
      '/apis/apps/v1/namespaces/kube-system/daemonsets/kata-deploy': { status: { desiredNumberScheduled: 0, numberReady: 0 } },
      '/api/v1/nodes?labelSelector=gitlab-workspaces%2Fruntime%3Dkata': { items: [] },
    }) }));
    expect(results.map((r) => [r.id, r.status])).toEqual([['runtime-class', 'ok'], ['runtime-installer', 'ok'], ['runtime-nodes', 'ok']]);
  });

  it('workspace nodes the installer does not schedule on fail; a RuntimeClass with another handler fails', async () => {
    const results = await checkRuntime(plan, probes({ kube: kube({
      '/apis/node.k8s.io/v1/runtimeclasses/kata-qemu': { handler: 'runc' },
      '/apis/apps/v1/namespaces/kube-system/daemonsets/kata-deploy': { status: { desiredNumberScheduled: 0, numberReady: 0 } },
      '/api/v1/nodes?labelSelector=gitlab-workspaces%2Fruntime%3Dkata': { items: [{ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }] },
    }) }));
    expect(results.map((r) => [r.id, r.status])).toEqual([['runtime-class', 'fail'], ['runtime-installer', 'fail'], ['runtime-nodes', 'ok']]);
    expect(results[1].message).toBe('kube-system/kata-deploy schedules on none of the 1 kata workspace nodes');
  });
});

describe('agentVersionSkew', () => {
  it('holds a connected agent to the window the config rules use: GitLab\'s minor or one behind', () => {
    expect(agentVersionSkew(['v18.9.0'], '18.9')).toBeUndefined();
    expect(agentVersionSkew(['v18.8.2'], '18.9')).toBeUndefined();
    expect(agentVersionSkew(['v18.7.0'], '18.9')).toBe(`connected ${agentVersionWindowProblem('v18.7.0', '18.9')}`);
    expect(agentVersionSkew(['v18.7.0'], '18.9')).toMatch(/^connected agent v18\.7\.0 is more than one minor version behind GitLab 18\.9/);
    expect(agentVersionSkew(['v18.11.0'], '18.9')).toMatch(/^connected agent v18\.11\.0 is newer than GitLab 18\.9/);
    expect(agentVersionSkew(['18.8.1'], '18.9')).toBeUndefined(); // reported without the v
    expect(agentVersionSkew(['unknown'], '18.9')).toBeUndefined();
  });
});

describe('checkLoadBalancerTargets', () => {
  const withLb: DoctorPlan = { ...plan, proxy: { ...plan.proxy!, loadBalancerDnsName: 'lb.elb.amazonaws.com' } };

  it('no AWS credentials: not checked, saying how to give them', async () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(await checkLoadBalancerTargets(withLb, probes({ loadBalancerHealth: () => Promise.reject(err) }))).toEqual([
      { id: 'load-balancer-targets', status: 'skip', message: 'not checked: no AWS credentials (Could not load credentials from any providers)', fix: 'set AWS_PROFILE or log in (aws sso login), or pass --no-aws' },
    ]);
  });

  it('access denied: a warning naming the permissions', async () => {
    const err = Object.assign(new Error('User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers'), { name: 'AccessDenied' });
    expect((await checkLoadBalancerTargets(withLb, probes({ loadBalancerHealth: () => Promise.reject(err) })))[0]).toMatchObject({ status: 'warn', fix: expect.stringContaining('DescribeTargetHealth') });
  });
});

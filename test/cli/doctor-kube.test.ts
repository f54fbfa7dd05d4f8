/**
 * doctor's Kubernetes client: the kubeconfig as kubectl reads it (KUBECONFIG lists, first wins, contexts)
 * and its credentials (token, client certificate, exec plugin), against a fake API server over HTTPS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, join } from 'path';
import { kubeClient, kubeconfigFiles, KubeconfigError, loadKubeconfig } from '../../lib/cli/doctor-kube';
import { fakeKubeApi, fixture, get } from './doctor-fakes';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function config(port: number, user: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
    clusters: [{ name: 'eks', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': fixture('ca.crt').toString('base64') } }],
    users: [{ name: 'admin', user }],
    contexts: [{ name: 'test', context: { cluster: 'eks', user: 'admin' } }],
    ...extra,
  });
}

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('kubeconfig', () => {
  it('KUBECONFIG is a path list, else ~/.kube/config', () => {
    expect(kubeconfigFiles({ KUBECONFIG: ['a', 'b'].join(delimiter) }, '/home/u')).toEqual(['a', 'b']);
    expect(kubeconfigFiles({}, '/home/u')).toEqual(['/home/u/.kube/config']);
  });

  it('merges files first-wins, and takes the current context of the first file that has one', () => {
    const first = write('first', JSON.stringify({ contexts: [{ name: 'other', context: { cluster: 'eks', user: 'admin' } }] }));
    const second = write('second', config(1, { token: 't' }));
    const selection = loadKubeconfig([first, join(dir, 'missing'), second]);
    expect(selection.context).toBe('test');
    expect(loadKubeconfig([first, second], 'other').cluster.server).toBe('https://127.0.0.1:1');
  });

  it('names what is missing: a context, a cluster, an unsupported auth-provider', () => {
    const file = write('c', config(1, { 'auth-provider': { name: 'gcp' } }));
    expect(() => loadKubeconfig([file], 'nope')).toThrow(new KubeconfigError('the kubeconfig has no context "nope" (contexts: test)'));
    expect(() => loadKubeconfig([file])).toThrow(/uses auth-provider, which kubectl removed in 1.26/);
    expect(() => loadKubeconfig([join(dir, 'none')])).toThrow(/cannot read kubeconfig .*none.*kubeconfig_command/);
  });
});

describe('credentials', () => {
  it('a client certificate (files relative to the kubeconfig)', async () => {
    const api = await fakeKubeApi([get('/version', { gitVersion: 'v1.35.0' })], { requireClientCert: true });
    try {
      writeFileSync(join(dir, 'client.crt'), fixture('client.crt'));
      writeFileSync(join(dir, 'client.key'), fixture('client.key'));
      const file = write('c', config(api.port, { 'client-certificate': 'client.crt', 'client-key': 'client.key' }));
      const res = await kubeClient(loadKubeconfig([file])).request('GET', '/version');
      expect(res).toMatchObject({ status: 200, body: { gitVersion: 'v1.35.0' } });
    } finally {
      await api.close();
    }
  });

  it('an exec plugin (as aws eks get-token): run once, with KUBERNETES_EXEC_INFO and its env, its token sent', async () => {
    const api = await fakeKubeApi([get('/version', {}), get('/api/v1/nodes', { items: [] })]);
    try {
      const count = join(dir, 'runs');
      const script = write('plugin.js', `
        const fs = require('fs');
        fs.appendFileSync(${JSON.stringify(count)}, 'x');
        const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
        process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'k8s-aws-v1.' + process.env.AWS_PROFILE + '.' + info.kind } }));
      `);
      const file = write('c', config(api.port, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [script], env: [{ name: 'AWS_PROFILE', value: 'admins' }] } }));
      const client = kubeClient(loadKubeconfig([file]), { env: { PATH: process.env.PATH } });
      await client.request('GET', '/version');
      await client.request('GET', '/api/v1/nodes');
      expect(api.seen.map((s) => s.auth)).toEqual(['Bearer k8s-aws-v1.admins.ExecCredential', 'Bearer k8s-aws-v1.admins.ExecCredential']);
      expect(require('fs').readFileSync(count, 'utf8')).toBe('x');
    } finally {
      await api.close();
    }
  });

  it('an exec plugin that is not installed or fails is a credentials error naming it', async () => {
    const missing = write('a', config(1, { exec: { command: 'no-such-aws-cli', args: ['eks', 'get-token'] } }));
    await expect(kubeClient(loadKubeconfig([missing])).request('GET', '/version')).rejects.toThrow(new KubeconfigError("the kubeconfig's exec credential plugin (no-such-aws-cli eks get-token) could not run: no-such-aws-cli is not installed or not on PATH"));
    const failing = write('b', config(1, { exec: { command: process.execPath, args: ['-e', 'console.error("ExpiredToken: the SSO session expired"); process.exit(255)'] } }));
    await expect(kubeClient(loadKubeconfig([failing])).request('GET', '/version')).rejects.toThrow(/failed \(exit 255\): ExpiredToken: the SSO session expired/);
  });

  it('refuses an API server whose certificate the kubeconfig\'s CA did not sign', async () => {
    const api = await fakeKubeApi([get('/version', {})]);
    try {
      const text = JSON.parse(config(api.port, { token: 't' }));
      text.clusters[0].cluster['certificate-authority-data'] = fixture('proxy.crt').toString('base64');
      const file = write('c', JSON.stringify(text));
      await expect(kubeClient(loadKubeconfig([file])).request('GET', '/version')).rejects.toThrow();
    } finally {
      await api.close();
    }
  });
});

describe('exec', () => {
  it('runs a command in a container over the websocket protocol: stdout, stderr, exit code', async () => {
    const api = await fakeKubeApi([], {
      exec: (path) => (path.includes('command=cat')
        ? { stdout: 'smoke test passed\n' }
        : { stderr: 'ls: cannot access x', exitCode: 2 }),
    });
    try {
      const file = write('c', config(api.port, { token: 't' }));
      const client = kubeClient(loadKubeconfig([file]));
      expect(await client.exec!('ns', 'pod', 'tooling', ['cat', '/projects/workspace-logs/smoke-test.log'])).toEqual({ stdout: 'smoke test passed\n', stderr: '', exitCode: 0 });
      expect(await client.exec!('ns', 'pod', 'tooling', ['ls', 'x'])).toEqual({ stdout: '', stderr: 'ls: cannot access x', exitCode: 2, message: 'command terminated with non-zero exit code: 2' });
      expect(api.seen[0]).toEqual({ method: 'EXEC', path: '/api/v1/namespaces/ns/pods/pod/exec?container=tooling&command=cat&command=%2Fprojects%2Fworkspace-logs%2Fsmoke-test.log&stdout=true&stderr=true', auth: 'Bearer t' });
    } finally {
      await api.close();
    }
  });

  it('a refused exec is an error with the API\'s message', async () => {
    const api = await fakeKubeApi([]);
    try {
      const client = kubeClient(loadKubeconfig([write('c', config(api.port, { token: 't' }))]));
      await expect(client.exec!('ns', 'pod', 'tooling', ['true'])).rejects.toThrow('exec answered 403: pods/exec is forbidden');
    } finally {
      await api.close();
    }
  });
});

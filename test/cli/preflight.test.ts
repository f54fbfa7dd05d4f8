/**
 * `gitlab-workspaces preflight`, in process with collected output, on the real SDK clients mocked with
 * aws-sdk-client-mock (nothing touches the network): the failing line of a wrong add-on pin and exit 1,
 * the JSON shape, exit 2 without credentials or with a bad config, usage errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { CliIo } from '../../lib/cli/io';
import { PREFLIGHT_USAGE, runPreflight } from '../../lib/cli/preflight';
import { main } from '../../lib/cli/main';
import { awsError, BASE_CONFIG } from '../preflight/helpers';
import { mockAccount, Mocks } from '../preflight/sdk-mocks';

let dir: string;
let mocks: Mocks;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'preflight-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => { mocks = mockAccount(); });
afterEach(() => mocks.restore());

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } };
  // No DNS from tests: gitlab.com (the default gitlab.url) resolves to a public documentation address.
  const code = await runPreflight(args, io, { env, cwd: dir, lookup: async () => ['192.0.2.10'] });
  return { code, stdout, stderr };
}

const WRONG_PIN = `${BASE_CONFIG}addons:\n  coredns: {version: v1.99.0-eksbuild.1}\n`;

describe('gitlab-workspaces preflight --resolve', () => {
  it('takes the address given for a host instead of asking DNS, and refuses one that is not HOST:PORT:ADDRESS', async () => {
    const file = configFile('private.yaml', `${BASE_CONFIG}  url: https://gitlab.acme.internal\n`);
    let stdout = '';
    const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: () => undefined };
    await runPreflight([file, '--resolve', 'gitlab.acme.internal:443:10.20.0.15', '--format', 'json'], io, { env: {}, cwd: dir, lookup: async () => { throw new Error('no DNS expected'); } });
    const check = (JSON.parse(stdout) as { checks: Array<{ id: string; status: string; message: string }> }).checks.find((c) => c.id === 'gitlab-address');
    expect(check).toMatchObject({ status: 'warn', message: expect.stringContaining('10.20.0.15') });
    const bad = await run([file, '--resolve', 'gitlab.acme.internal']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--resolve must be HOST:PORT:ADDRESS');
  });
});

describe('gitlab-workspaces preflight', () => {
  it('prints the failing line of a wrong add-on pin, with its fix, and exits 1', async () => {
    const file = configFile('wrong-pin.yaml', WRONG_PIN);
    const r = await run([file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([
      'FAIL addon/coredns: coredns v1.99.0-eksbuild.1 (pinned in addons.coredns.version) is not a version EKS offers for Kubernetes 1.35; EKS default: v1.13.2-eksbuild.4; '
        + 'fix: set addons.coredns.version: v1.13.2-eksbuild.4, or leave it out for the tested pin; list: aws eks describe-addon-versions --addon-name coredns --kubernetes-version 1.35',
    ]);
    // One line per check, then the summary.
    expect(lines.slice(0, -1).every((l) => /^(ok  |WARN|FAIL|skip) [a-z][\w/.:-]*: /.test(l))).toBe(true);
    expect(lines.at(-1)).toBe(`preflight ${file} (account 111122223333, eu-west-1): 16 ok, 0 warnings, 1 failed, 1 skipped`);
    expect(r.stderr).toBe('');
  });

  it('exits 0 for a config that fits the account', async () => {
    const r = await run([configFile('good.yaml', BASE_CONFIG)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok   addon/coredns: coredns v1.13.2-eksbuild.4 for Kubernetes 1.35 (tested pin)\n');
  });

  it('--format json: one document on stdout with every check', async () => {
    const file = configFile('wrong-pin.yaml', WRONG_PIN);
    const r = await run([file, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['config', 'region', 'account', 'caller', 'result', 'summary', 'checks', 'configWarnings']);
    expect(doc.configWarnings).toEqual([]);
    expect(doc).toMatchObject({ config: file, region: 'eu-west-1', account: '111122223333', result: 'fail', summary: { ok: 16, warn: 0, fail: 1, skipped: 1 } });
    for (const c of doc.checks) {
      expect(Object.keys(c).filter((k) => !['id', 'kind', 'status', 'message', 'fix'].includes(k))).toEqual([]);
      expect(['ok', 'warn', 'fail', 'skipped']).toContain(c.status);
    }
    expect(doc.checks.find((c: { id: string }) => c.id === 'addon/coredns')).toEqual({
      id: 'addon/coredns', kind: 'addon', status: 'fail',
      message: expect.stringContaining('v1.99.0-eksbuild.1'), fix: expect.stringContaining('addons.coredns.version'),
    });
  });

  it('exits 2 without credentials, saying so on stderr, with nothing on stdout', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    for (const format of ['text', 'json']) {
      const r = await run([configFile('good.yaml', BASE_CONFIG), '--format', format]);
      expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining('gitlab-workspaces preflight: no usable AWS credentials (Could not load credentials from any providers)') });
    }
  });

  it('an access denied read is a warning, and the exit stays 0', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const r = await run([configFile('good.yaml', BASE_CONFIG)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WARN vcpu-quota\/on-demand: not checked: access denied \(AccessDeniedException\); fix: allow the preflight credentials .*servicequotas:GetServiceQuota/m);
  });

  it('exits 2 for a config that does not load, printing its errors, before any AWS call', async () => {
    const r = await run([configFile('bad.yaml', `${BASE_CONFIG}clustr: {}\n`)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: error: clustr: unknown key `clustr`/);
    expect(r.stderr).toContain('is not a valid stack config; nothing was checked');
    expect(mocks.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    expect((await run([join(dir, 'missing.yaml')])).code).toBe(2);
  });

  it('reads $WORKSPACES_CONFIG when no config is given', async () => {
    configFile('from-env.yaml', WRONG_PIN);
    const r = await run([], { WORKSPACES_CONFIG: 'from-env.yaml' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('preflight from-env.yaml (account');
  });

  it('prints config warnings on stderr in text format, in the document in json', async () => {
    const file = configFile('placeholder.yaml', BASE_CONFIG.replace('workspaces.acme.dev', 'workspaces.example.com'));
    const text = await run([file]);
    expect(text.stderr).toContain('warning: gitlab.dnsZone: workspaces.example.com is a reserved example domain');
    const json = await run([file, '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).configWarnings).toEqual([expect.stringMatching(/placeholder\.yaml:\d+:\d+: warning: gitlab\.dnsZone: workspaces\.example\.com is a reserved example domain/)]);
  });

  it('usage errors exit 2; --help exits 0', async () => {
    expect((await run(['--format', 'xml'])).stderr).toContain('--format must be one of: text, json (got "xml")');
    expect((await run(['a.yaml', 'b.yaml'])).code).toBe(2);
    expect((await run(['--region', 'x'])).code).toBe(2);
    expect(await run(['--help'])).toEqual({ code: 0, stdout: PREFLIGHT_USAGE, stderr: '' });
  });

  it('is a subcommand of gitlab-workspaces', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((t) => { written.push(String(t)); return true; });
    try {
      expect(await main(['preflight', '--help'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toBe(PREFLIGHT_USAGE);
  });
});

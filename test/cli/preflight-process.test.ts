/**
 * The installed command, `node bin/gitlab-workspaces.js preflight`, from its bundle (dist/cli/preflight.js,
 * which carries the AWS SDK: the package has no run-time dependency on it). Without any credentials in the
 * environment, and with the instance metadata lookup off, the SDK's credential chain fails before any
 * request: nothing touches the network. (jest's global setup builds dist/ first.)
 */
import { spawn, spawnSync } from 'child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { PREFLIGHT_USAGE } from '../../lib/cli/preflight';
import { TESTED_ADDON_VERSIONS } from '../../lib/cluster/versions';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'gitlab-workspaces.js');
const BUNDLE = join(REPO, 'dist', 'cli', 'preflight.js');

/** An environment with no AWS credentials anywhere the SDK looks. */
const NO_CREDENTIALS: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: join(REPO, 'no-such-home'),
  AWS_CONFIG_FILE: join(REPO, 'no-such-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(REPO, 'no-such-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

describe('node bin/gitlab-workspaces.js preflight (built CLI)', () => {
  jest.setTimeout(30_000);

  it('prints its help from the bundle', () => {
    const r = spawnSync(process.execPath, [BIN, 'preflight', '--help'], { cwd: REPO, encoding: 'utf8', env: NO_CREDENTIALS });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: PREFLIGHT_USAGE, stderr: '' });
  });

  it('exits 2 without credentials, with one clear line and no stack trace', () => {
    const r = spawnSync(process.execPath, [BIN, 'preflight', join('examples', 'default', 'workspaces.config.yaml'), '--format', 'json'], { cwd: REPO, encoding: 'utf8', env: NO_CREDENTIALS });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gitlab-workspaces preflight: no usable AWS credentials \(.+\): run it with read-only credentials/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('carries the SDK in the bundle, and the package does not depend on it at run time', () => {
    expect(readFileSync(BUNDLE, 'utf8')).toContain('GetCallerIdentity');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/') || d.startsWith('@smithy/'))).toEqual([]);
  });
});


/**
 * The bundle's AWS SDK against a fake AWS on 127.0.0.1 (AWS_ENDPOINT_URL): STS says who the caller is,
 * EKS lists add-on versions, and every other API answers 403 in its own protocol's error format, so the
 * real clients' serializers, parsers and error names meet the checks. Nothing leaves the machine.
 */
describe('the bundled preflight against a fake AWS on 127.0.0.1', () => {
  jest.setTimeout(60_000);
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const target = String(req.headers['x-amz-target'] ?? '');
        const action = new URLSearchParams(body).get('Action') ?? '';
        const denied = (status: number, type: string, payload: string, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': type, ...headers });
          res.end(payload);
        };
        const queryError = (code: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
        if (action === 'GetCallerIdentity') {
          requests.push('sts:GetCallerIdentity');
          return denied(200, 'text/xml', `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/admins/alice</Arn><UserId>AROA:alice</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
        }
        if (url.pathname === '/addons/supported-versions') {
          const name = url.searchParams.get('addonName') ?? '';
          const k8s = url.searchParams.get('kubernetesVersion') ?? '';
          requests.push(`eks:DescribeAddonVersions ${name} ${k8s}`);
          const version = TESTED_ADDON_VERSIONS[k8s]?.[name];
          return denied(200, 'application/json', JSON.stringify({
            addons: version ? [{ addonName: name, addonVersions: [{ addonVersion: version, compatibilities: [{ clusterVersion: k8s, defaultVersion: true }] }] }] : [],
          }));
        }
        if (target.startsWith('AmazonSSM.') || target.startsWith('ServiceQuotas')) {
          requests.push(target);
          return denied(400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized' }));
        }
        if (url.pathname.startsWith('/2013-04-01/')) {
          requests.push(`route53 ${url.pathname}`);
          return denied(403, 'text/xml', queryError('AccessDenied'));
        }
        if (/^(GetRole|GetUser)$/.test(action)) {
          requests.push(`iam:${action}`);
          return denied(403, 'text/xml', queryError('AccessDenied'));
        }
        if (action.startsWith('Describe')) {
          requests.push(`ec2:${action}`);
          return denied(403, 'text/xml', `<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>not authorized</Message></Error></Errors><RequestID>r</RequestID></Response>`);
        }
        requests.push(`unexpected ${req.method} ${req.url} ${target} ${action}`);
        return denied(404, 'text/plain', 'unexpected');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = {
      ...NO_CREDENTIALS,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_ENDPOINT_URL: endpoint, AWS_MAX_ATTEMPTS: '1',
    };
    return new Promise((resolve) => {
      // No DNS from tests: the default config's gitlab.com resolves to a public documentation address.
      const child = spawn(process.execPath, [BIN, 'preflight', ...args, '--resolve', 'gitlab.com:443:192.0.2.10'], { cwd: REPO, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('reads the add-on versions, and every denied read is a warning naming the permission (exit 0)', async () => {
    const r = await cli([join('examples', 'default', 'workspaces.config.yaml'), '--format', 'json']);
    expect(requests.filter((q) => q.startsWith('unexpected'))).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { account: string; checks: Array<{ id: string; status: string; message: string; fix?: string }> };
    expect(doc.account).toBe('111122223333');
    const status = Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({ credentials: 'ok', 'addon/coredns': 'ok', 'addon/vpc-cni': 'ok', region: 'warn', zones: 'warn', 'hosted-zone': 'warn', autoscaler: 'skipped' });
    expect(status['instance-types/system']).toBe('skipped');
    const denied = doc.checks.filter((c) => c.status === 'warn');
    expect(denied.every((c) => /^not checked: access denied \((AccessDenied|AccessDeniedException|UnauthorizedOperation)\)$/.test(c.message))).toBe(true);
    expect(denied.find((c) => c.id.startsWith('ssm/'))?.fix).toContain('ssm:GetParameter');
    expect(denied.find((c) => c.id === 'region')?.fix).toContain('ec2:DescribeRegions');
    expect(denied.find((c) => c.id === 'deployer-access')?.fix).toContain('iam:GetRole');
    expect(requests).toEqual(expect.arrayContaining(['eks:DescribeAddonVersions coredns 1.35', 'AmazonSSM.GetParameter', 'ec2:DescribeRegions', 'route53 /2013-04-01/hostedzonesbyname', 'iam:GetRole']));
  });

  it('prints the failing line of a wrong add-on pin and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-process-'));
    try {
      const file = join(dir, 'wrong-pin.yaml');
      writeFileSync(file, `${readFileSync(join(REPO, 'examples', 'default', 'workspaces.config.yaml'), 'utf8').replace('  coredns: {}', '  coredns: {version: v1.99.0-eksbuild.1}')}`);
      const r = await cli([file]);
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([
        `FAIL addon/coredns: coredns v1.99.0-eksbuild.1 (pinned in addons.coredns.version) is not a version EKS offers for Kubernetes 1.35; EKS default: ${TESTED_ADDON_VERSIONS['1.35'].coredns}; `
          + `fix: set addons.coredns.version: ${TESTED_ADDON_VERSIONS['1.35'].coredns}, or leave it out for the tested pin; list: aws eks describe-addon-versions --addon-name coredns --kubernetes-version 1.35`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from a copy of the bundle alone, outside the repository (no SDK in node_modules to fall back on)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-bundle-'));
    try {
      copyFileSync(BUNDLE, join(dir, 'preflight.js'));
      copyFileSync(join(REPO, 'examples', 'default', 'workspaces.config.yaml'), join(dir, 'config.yaml'));
      const probe = `require('./preflight.js').runPreflight(['config.yaml', '--format', 'json', '--resolve', 'gitlab.com:443:192.0.2.10']).then((c) => { process.exitCode = c; });`;
      const r = spawnSync(process.execPath, ['-e', probe], { cwd: dir, encoding: 'utf8', env: { ...NO_CREDENTIALS, HOME: dir } });
      expect(r.stderr).toMatch(/^gitlab-workspaces preflight: no usable AWS credentials/m);
      expect(r.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});


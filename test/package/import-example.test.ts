/**
 * examples/import-constructs, run as the consumer repo it is: the library packed as npm would publish it
 * (`npm pack`), installed from the tarball into a temporary copy of the example by npm, next to the
 * consumer's own cdktf, constructs, providers and test tools (linked from this repository's install, as
 * they would be the consumer's own packages), then the consumer's type check and its jest suite (cdktf's
 * matchers and committed snapshots). A broken `files` list, a missing export, a dependency that should be a
 * peer (a second `constructs`) or a snapshot that depends on where the repo lives fails here first.
 *
 * After an intended change to what the example synthesizes, write its snapshots anew with
 * `UPDATE_EXAMPLE_SNAPSHOTS=1 npx jest test/package/import-example` and review the diff.
 */
import { spawn } from 'child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { describePackageContents } from './contents';
import { pack, Packed, ROOT, run } from './pack';

const EXAMPLE = join(ROOT, 'examples', 'import-constructs');
const LIBRARY = 'cdktf-gitlab-workspaces';

interface Manifest {
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

let work: string;
let consumer: string;
let packed: Packed;
const example = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')) as Manifest;

/** The environment of the consumer's commands: none of this repository's own settings. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' };
  for (const key of ['WORKSPACES_CONFIG', 'CDKTF_OUTDIR', 'JEST_WORKER_ID', 'NODE_OPTIONS']) delete env[key];
  return env;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'import-constructs-'));
  packed = pack(work);
  consumer = join(work, 'consumer');
  cpSync(EXAMPLE, consumer, { recursive: true, filter: (src) => !/\/(node_modules|dist|cdktf\.out)(\/|$)/.test(src) });

  // npm installs the library from the tarball, with its own dependencies; peers are the consumer's to
  // install (--legacy-peer-deps keeps npm from installing them itself: they are linked below).
  const manifest = readFileSync(join(consumer, 'package.json'), 'utf8');
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { [LIBRARY]: `file:${join(work, packed.filename)}` } }));
  run('npm', ['install', '--prefer-offline', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], consumer, consumerEnv());
  writeFileSync(join(consumer, 'package.json'), manifest);

  // The consumer's own packages: everything else its package.json lists.
  const own = Object.keys({ ...example.dependencies, ...example.devDependencies }).filter((n) => n !== LIBRARY);
  for (const name of [...own, ...transitiveTypes()]) {
    const link = join(consumer, 'node_modules', name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link);
  }
  mkdirSync(join(consumer, 'node_modules', '.bin'), { recursive: true });
}, 180_000);

afterAll(() => { if (!process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true }); });

interface Finished { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Starts a command in `cwd`; resolves when it ends, with its output. */
function start(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Packages the consumer's test tools need beside them (jest's type packages reach @jest/* and expect). */
function transitiveTypes(): string[] {
  return ['@jest', 'expect', 'jest-mock', 'pretty-format', '@sinclair'].filter((n) => existsSync(join(ROOT, 'node_modules', n)));
}

// What the tarball holds (the same `npm pack` as the consumer installs).
describePackageContents(() => packed);

describe('the packed library in a consumer repo', () => {
  it('installs one copy of cdktf, constructs and each provider: the consumer\'s', () => {
    const library = join(consumer, 'node_modules', LIBRARY);
    const nested = existsSync(join(library, 'node_modules')) ? readdirSync(join(library, 'node_modules')) : [];
    expect(nested.filter((n) => n === 'cdktf' || n === 'constructs' || n === '@cdktf')).toEqual([]);
    for (const peer of ['cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-kubernetes']) {
      const fromLibrary = realpathSync(require.resolve(`${peer}/package.json`, { paths: [library] }));
      const fromConsumer = realpathSync(require.resolve(`${peer}/package.json`, { paths: [consumer] }));
      expect({ peer, same: fromLibrary === fromConsumer }).toEqual({ peer, same: true });
    }
  });

  it('runs the installed CLI from its bundles', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'gitlab-workspaces');
    const devfile = join(ROOT, 'examples', 'smoke-workspace', 'devfile.yaml');
    const result = run(process.execPath, [bin, 'validate', devfile], consumer, consumerEnv());
    expect(result.stdout + result.stderr).toBe(`${devfile}: ok\n`);
  });

  it('declares as peers exactly what the example lists as its own', () => {
    const shipped = JSON.parse(readFileSync(join(consumer, 'node_modules', LIBRARY, 'package.json'), 'utf8')) as Manifest;
    for (const peer of Object.keys(shipped.peerDependencies ?? {})) expect(example.dependencies[peer]).toBeDefined();
  });

  // The consumer's type check and its tests are independent: both run at once.
  const update = process.env.UPDATE_EXAMPLE_SNAPSHOTS === '1';
  let typeCheck: Promise<Finished>;
  let tests: Promise<Finished>;
  beforeAll(() => {
    typeCheck = start(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit'], consumer, consumerEnv());
    tests = start(process.execPath, [join(consumer, 'node_modules', 'jest', 'bin', 'jest.js'), '--colors=false', ...(update ? ['--ci=false', '-u'] : ['--ci'])], consumer, consumerEnv());
  });

  it('type-checks the consumer\'s stacks and tests against the packed types', async () => {
    const result = await typeCheck;
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('passes the consumer\'s own tests: cdktf matchers and the committed snapshots', async () => {
    const result = await tests;
    expect({ status: result.status, output: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, output: '' });
    if (update) cpSync(join(consumer, 'test', '__snapshots__'), join(EXAMPLE, 'test', '__snapshots__'), { recursive: true });
    expect(result.stderr).toMatch(update ? /Snapshots:\s+.*3 total/ : /Snapshots:\s+3 passed, 3 total/);
    expect(result.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  }, 180_000);
});

/**
 * The CI template runs only what the including project pinned. Read: no image by tag, no command that runs
 * or installs a package fetched by name without a checked integrity and install scripts off (the reader,
 * ./pins.ts, finds each such line in the fixtures, the template as it was among them). Run: the job's
 * before_script, in bash and in sh, against a local npm registry (no network): nothing pinned fails with
 * the variables to set; a pinned version installs only when the registry's tarball has the pinned
 * integrity, with its install scripts off; a registry serving another tarball under that version (the
 * name taken over) fails before any of its code runs; an image with the command is used only when named
 * by digest.
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { unpinnedInCiFile } from './pins';

const REPO = join(__dirname, '..', '..');
const TEMPLATE = join(REPO, 'ci', 'devfile.gitlab-ci.yml');
const FIXTURES = join(__dirname, 'fixtures');
const template = parse(readFileSync(TEMPLATE, 'utf8')) as { variables: Record<string, string>; devfile: { image: string; before_script: string[] } };
const PACKAGE = 'cdktf-gitlab-workspaces';
const VERSION = '0.1.0';

describe('the template, read', () => {
  it('names its image by digest and installs nothing unpinned', () => {
    expect(unpinnedInCiFile(readFileSync(TEMPLATE, 'utf8'))).toEqual([]);
    expect(template.devfile.image).toMatch(/^node:20-bookworm-slim@sha256:[0-9a-f]{64}$/);
  });

  it('pins nothing by default: the including project must', () => {
    expect(template.variables).toMatchObject({ GITLAB_WORKSPACES_VERSION: '', GITLAB_WORKSPACES_INTEGRITY: '', GITLAB_WORKSPACES_PACKAGE: PACKAGE });
  });

  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.gitlab-ci.yml')).sort();
  it.each(fixtures)('the reader finds what %s runs unpinned', (file) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const expected = [...text.matchAll(/^# expect: (\S+)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    expect(unpinnedInCiFile(text).map((u) => u.at).sort()).toEqual(expected.sort());
  });
});

/** A tiny package standing in for the real one: its command prints its arguments; its install scripts leave marks. */
function fakePackage(dir: string, name: string, cli: string): Buffer {
  const root = join(dir, name);
  mkdirSync(join(root, 'package'), { recursive: true });
  const mark = (phase: string) => `node -e "require('fs').writeFileSync(require('path').join(process.env.MARKS, '${name}-${phase}'), '')"`;
  writeFileSync(join(root, 'package', 'package.json'), JSON.stringify({
    name: PACKAGE, version: VERSION, bin: { 'gitlab-workspaces': 'cli.js' },
    scripts: { preinstall: mark('preinstall'), install: mark('install'), postinstall: mark('postinstall') },
  }));
  writeFileSync(join(root, 'package', 'cli.js'), `#!/usr/bin/env node\n${cli}\n`);
  chmodSync(join(root, 'package', 'cli.js'), 0o755);
  const tgz = join(dir, `${name}.tgz`);
  const tar = spawnSync('tar', ['-czf', tgz, '-C', root, 'package'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(tar.stderr);
  return readFileSync(tgz);
}

const integrityOf = (tgz: Buffer) => `sha512-${createHash('sha512').update(tgz).digest('base64')}`;

/** A registry that serves one version of the package, as the given tarball (with that tarball's own integrity, as a real registry would). */
class Registry {
  readonly requests: string[] = [];
  private server!: Server;
  tarball!: Buffer;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.requests.push(req.url ?? '');
      const base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
      if (req.url === `/${PACKAGE}`) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({
          name: PACKAGE, 'dist-tags': { latest: VERSION },
          versions: { [VERSION]: { name: PACKAGE, version: VERSION, bin: { 'gitlab-workspaces': 'cli.js' }, dist: { tarball: `${base}/${PACKAGE}-${VERSION}.tgz`, integrity: integrityOf(this.tarball) } } },
        }));
      } else if (req.url === `/${PACKAGE}-${VERSION}.tgz`) {
        res.end(this.tarball);
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let work: string;
let genuine: Buffer;
let impostor: Buffer;
let registry: Registry;
let registryUrl: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'devfile-pinning-'));
  genuine = fakePackage(work, 'genuine', 'console.log("genuine gitlab-workspaces " + process.argv.slice(2).join(" "));');
  impostor = fakePackage(work, 'impostor', 'require("fs").writeFileSync(require("path").join(process.env.MARKS, "impostor-ran"), "");');
  registry = new Registry();
  registryUrl = await registry.start();
});
afterAll(async () => {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the install scripts and the impostor's command left. */
  readonly marks: string[];
  /** Whether `gitlab-workspaces` is on the job's PATH afterwards, and what it prints. */
  readonly command?: string;
}

/**
 * The job's before_script in `shell` (as GitLab Runner runs it: errexit, pipefail in bash), then
 * `gitlab-workspaces probe`, with npm pointed at the local registry and a global prefix of its own.
 */
async function runBeforeScript(shell: 'bash' | 'sh', variables: Record<string, string>, options: { commandInImage?: boolean } = {}): Promise<Run> {
  const dir = mkdtempSync(join(work, 'job-'));
  const prefix = join(dir, 'prefix');
  const marks = join(dir, 'marks');
  const image = join(dir, 'image-bin');
  mkdirSync(marks);
  mkdirSync(image);
  if (options.commandInImage) {
    writeFileSync(join(image, 'gitlab-workspaces'), '#!/bin/sh\necho "gitlab-workspaces of the image $*"\n');
    chmodSync(join(image, 'gitlab-workspaces'), 0o755);
  }
  const prologue = shell === 'bash' ? 'set -eo pipefail' : 'set -e';
  const script = [prologue, ...template.devfile.before_script, 'if command -v gitlab-workspaces >/dev/null; then gitlab-workspaces probe > "$JOB_DIR/command"; fi'].join('\n');
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(prefix, 'bin')}:${image}:${process.env.PATH ?? ''}`,
    HOME: dir,
    JOB_DIR: dir,
    MARKS: marks,
    CI_JOB_IMAGE: template.devfile.image,
    NPM_CONFIG_REGISTRY: registryUrl,
    NPM_CONFIG_CACHE: join(dir, 'npm-cache'),
    NPM_CONFIG_PREFIX: prefix,
    NPM_CONFIG_USERCONFIG: join(dir, 'npmrc'),
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    ...template.variables,
    ...variables,
  };
  const child = spawn(shell, ['-c', script], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const command = existsSync(join(dir, 'command')) ? readFileSync(join(dir, 'command'), 'utf8').trim() : undefined;
  return { code, stdout, stderr, marks: readdirSync(marks).sort(), command };
}

const pinned = () => ({ GITLAB_WORKSPACES_VERSION: VERSION, GITLAB_WORKSPACES_INTEGRITY: integrityOf(genuine) });

describe.each(['bash', 'sh'] as const)('the template\'s before_script, in %s', (shell) => {
  beforeEach(() => {
    registry.tarball = genuine;
    registry.requests.length = 0;
  });

  it('fails when nothing is pinned, saying what to set, and installs nothing', async () => {
    const r = await runBeforeScript(shell, {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gitlab-workspaces is not pinned: set GITLAB_WORKSPACES_VERSION to an exact version and GITLAB_WORKSPACES_INTEGRITY');
    expect(r.stderr).toContain('named by digest');
    expect({ requests: registry.requests, command: r.command }).toEqual({ requests: [], command: undefined });
  });

  it('installs the pinned version when the registry serves the pinned tarball, with its install scripts off', async () => {
    const r = await runBeforeScript(shell, pinned());
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(r.command).toBe('genuine gitlab-workspaces probe');
    expect(r.marks).toEqual([]);
  }, 60_000);

  it('refuses a tarball whose integrity is not the pinned one (the name taken over), before any of its code runs', async () => {
    registry.tarball = impostor;
    const r = await runBeforeScript(shell, pinned());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the registry served a tarball whose integrity is ${integrityOf(impostor)}, not the pinned GITLAB_WORKSPACES_INTEGRITY ${integrityOf(genuine)}: nothing installed`);
    expect({ marks: r.marks, command: r.command }).toEqual({ marks: [], command: undefined });
    expect(registry.requests).toContain(`/${PACKAGE}-${VERSION}.tgz`);
  }, 60_000);

  it.each([
    ['a range', { GITLAB_WORKSPACES_VERSION: '^0.1.0' }, 'GITLAB_WORKSPACES_VERSION "^0.1.0" is not an exact version'],
    ['a tag', { GITLAB_WORKSPACES_VERSION: 'latest' }, 'GITLAB_WORKSPACES_VERSION "latest" is not an exact version'],
    ['a version with no integrity', { GITLAB_WORKSPACES_INTEGRITY: '' }, 'GITLAB_WORKSPACES_INTEGRITY "" is not a sha512 integrity'],
    ['an integrity with no version', { GITLAB_WORKSPACES_VERSION: '' }, 'GITLAB_WORKSPACES_VERSION "" is not an exact version'],
    ['a sha1 shasum for the integrity', { GITLAB_WORKSPACES_INTEGRITY: 'sha1-3a4f5b6c7d8e9f00112233445566778899aabbcc' }, 'GITLAB_WORKSPACES_INTEGRITY "sha1-3a4f5b6c7d8e9f00112233445566778899aabbcc" is not a sha512 integrity'],
    ['a URL for the package', { GITLAB_WORKSPACES_PACKAGE: 'https://evil.example/x.tgz' }, 'GITLAB_WORKSPACES_PACKAGE "https://evil.example/x.tgz" is not a package name'],
  ])('refuses %s before asking the registry for anything', async (_what, variables, message) => {
    const r = await runBeforeScript(shell, { ...pinned(), ...variables });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`gitlab-workspaces is not pinned: ${message}`);
    expect({ requests: registry.requests, command: r.command }).toEqual({ requests: [], command: undefined });
  });

  it('uses the command of an image named by digest, and refuses an image named by tag', async () => {
    const byDigest = await runBeforeScript(shell, {}, { commandInImage: true });
    expect({ code: byDigest.code, stderr: byDigest.stderr, command: byDigest.command }).toEqual({ code: 0, stderr: '', command: 'gitlab-workspaces of the image probe' });
    const byTag = await runBeforeScript(shell, { CI_JOB_IMAGE: 'registry.acme.dev/tools/gitlab-workspaces:latest' }, { commandInImage: true });
    expect(byTag.code).toBe(1);
    expect(byTag.stderr).toContain('this job\'s image is registry.acme.dev/tools/gitlab-workspaces:latest');
    expect(registry.requests).toEqual([]);
  });
});

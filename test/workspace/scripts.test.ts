/**
 * The workspace scripts do what they promise, run with the machine's /bin/sh in a temp directory.
 */
import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  cloneProjectScript,
  componentPostStartHookScript,
  gitCredentialStoreScript,
  initToolsScript,
  runnerScript,
  shellQuote,
  shellWord,
  sleepUntilRunningScript,
  startAgentwScript,
  workingDirWord,
} from '../../lib/workspace/scripts';

const dir = mkdtempSync(join(tmpdir(), 'workspace-scripts-'));
const sh = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
  spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 10_000 });

describe('workspace scripts', () => {
  it('shellQuote survives quotes, $() and backticks', () => {
    const value = `it's $(echo no) \`echo no\` "q"`;
    expect(sh(`printf %s ${shellQuote(value)}`).stdout).toBe(value);
  });

  it('shellWord leaves plain words as they are and quotes anything the shell would read', () => {
    expect(shellWord('feature/x-1.2')).toBe('feature/x-1.2');
    expect(shellWord('https://gitlab.example.com/g/app.git')).toBe('https://gitlab.example.com/g/app.git');
    for (const value of ['a b', 'x&y', '$HOME', '~user', 'a;b', '', '*']) {
      expect(shellWord(value)).toBe(shellQuote(value));
      expect(sh(`printf %s ${shellWord(value)}`).stdout).toBe(value);
    }
  });

  it('the clone step reads as people write it, and quotes what needs quoting', () => {
    const plain = cloneProjectScript({ url: 'https://gitlab.example.com/g/app.git', ref: 'main', cloneDir: '/projects/app', markerFile: '/projects/.m' });
    expect(plain).toContain('git clone --depth 10 --branch main https://gitlab.example.com/g/app.git /projects/app\n');
    const odd = cloneProjectScript({ url: 'https://gitlab.example.com/g/app.git?a=1&b=2', ref: 'main', cloneDir: '/projects/app', markerFile: '/projects/.m' });
    expect(odd).toContain("--branch main 'https://gitlab.example.com/g/app.git?a=1&b=2' /projects/app");
  });

  it('the credential helper answers get with the token file, and ignores store', () => {
    const token = join(dir, 'gl_token');
    writeFileSync(token, 'glpat-secret');
    const get = sh(gitCredentialStoreScript(), ['get'], { GL_TOKEN_FILE_PATH: token });
    expect(get.status).toBe(0);
    expect(get.stdout).toBe('username=oauth2\npassword=glpat-secret\n');
    expect(sh(gitCredentialStoreScript(), ['store'], {}).status).toBe(0);
    expect(sh(gitCredentialStoreScript(), ['get'], {}).status).toBe(1);
  });

  it('a runner runs every command in order, even after one fails', () => {
    const scripts = join(dir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    const log = join(dir, 'runner.log');
    for (const [id, body] of [['first', `echo first >> ${log}; exit 3`], ['second', `echo second >> ${log}`]]) {
      writeFileSync(join(scripts, id), `#!/bin/sh\n${body}\n`);
      chmodSync(join(scripts, id), 0o755);
    }
    const runner = runnerScript(['first', 'second']).replace(/\/workspace-scripts\//g, `${scripts}/`);
    expect(sh(runner).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('first\nsecond\n');
  });

  it('waiting until Running returns at once when the state file says Running', () => {
    const state = join(dir, 'state.txt');
    writeFileSync(state, 'Running');
    const r = sh(sleepUntilRunningScript(state));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('The workspace is Running');
  });

  it('the clone step does nothing once the marker file exists', () => {
    const marker = join(dir, '.cloned');
    writeFileSync(marker, '');
    const r = sh(cloneProjectScript({ url: 'https://gitlab.example.com/g/app.git', ref: 'main', cloneDir: join(dir, 'app'), markerFile: marker }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nothing to do');
  });

  it('workingDirWord escapes as Ruby\'s Shellwords does, leaving $PROJECT_SOURCE and $PROJECTS_ROOT to the shell', () => {
    expect(workingDirWord('test-dir')).toBe('test-dir');
    expect(workingDirWord('/projects')).toBe('/projects');
    expect(workingDirWord('a b;c')).toBe('a\\ b\\;c');
    expect(workingDirWord('${PROJECT_SOURCE}/app')).toBe('"${PROJECT_SOURCE}"/app');
    const env = { PROJECT_SOURCE: '/p/src', PROJECTS_ROOT: '/p' };
    for (const [dir, expected] of [['${PROJECT_SOURCE}/a b', '/p/src/a b'], ['$PROJECTS_ROOT/x', '/p/x'], ['$PROJECT_SOURCES', '$PROJECT_SOURCES'], ['$(reboot)', '$(reboot)'], ["it's", "it's"]]) {
      expect(sh(`printf %s ${workingDirWord(dir)}`, [], env).stdout).toBe(expected);
    }
  });

  it('a runner runs each command in its directory, and the next one where it started', () => {
    const scripts = join(dir, 'cd-scripts');
    const work = join(dir, 'work dir');
    mkdirSync(scripts, { recursive: true });
    mkdirSync(work, { recursive: true });
    const log = join(dir, 'cd.log');
    for (const id of ['one', 'two']) {
      writeFileSync(join(scripts, id), `#!/bin/sh\npwd >> '${log}'\n`);
      chmodSync(join(scripts, id), 0o755);
    }
    const runner = runnerScript([{ script: join(scripts, 'one'), cd: workingDirWord(work) }, { script: join(scripts, 'two') }]);
    expect(sh(runner, [], { HOME: dir }).status).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n')[0]).toBe(work);
  });

  it('a component\'s hook runs its runners and logs under its own directory; only the main one runs the blocking runner', () => {
    const logs = join(dir, 'logs');
    const blocking = join(dir, 'blocking.sh');
    const other = join(dir, 'other.sh');
    writeFileSync(blocking, '#!/bin/sh\necho blocking-ran\n');
    writeFileSync(other, '#!/bin/sh\necho other-ran\n');
    chmodSync(blocking, 0o755);
    chmodSync(other, 0o755);
    const hook = componentPostStartHookScript({ logsDir: '${GL_WORKSPACE_LOGS_DIR}/app', blockingRunner: blocking, nonBlockingRunner: other }).replace(' /tmp', ` ${join(dir, 'tmp-link')}`);
    expect(sh(hook, [], { GL_WORKSPACE_LOGS_DIR: logs }).status).toBe(0);
    spawnSync('sleep', ['0.2']);
    expect(readFileSync(join(logs, 'app', 'poststart-stdout.log'), 'utf8')).toMatch(/blocking-ran[\s\S]*other-ran/);
  });

  it('the editor start adds the marketplace to product.json as valid JSON, and starts the server on the port', () => {
    const tools = join(dir, 'tools');
    mkdirSync(join(tools, 'vscode-reh-web', 'bin'), { recursive: true });
    const product = join(tools, 'vscode-reh-web', 'product.json');
    writeFileSync(product, '{\n\t"nameShort": "GitLab VS Code",\n\t"commit": "abc",\n\t"quality": "stable"\n}\n');
    const args = join(dir, 'server-args');
    writeFileSync(join(tools, 'vscode-reh-web', 'bin', 'gitlab-webide-server'), `#!/bin/sh\necho "$@" > '${args}'\n`);
    chmodSync(join(tools, 'vscode-reh-web', 'bin', 'gitlab-webide-server'), 0o755);
    const r = sh(initToolsScript('app'), [], {
      GL_TOOLS_DIR: tools, GL_WORKSPACE_LOGS_DIR: join(dir, 'editor-logs'), GL_VSCODE_PORT: '60001',
      GL_VSCODE_ENABLE_MARKETPLACE: 'true', GL_VSCODE_IGNORE_VERSION_MISMATCH: 'true',
      GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL: 'https://m.example.com/gallery',
    });
    expect(r.status).toBe(0);
    spawnSync('sleep', ['0.2']);
    const json = JSON.parse(readFileSync(product, 'utf8')) as Record<string, unknown>;
    expect(json).toEqual({
      extensionsGallery: {
        serviceUrl: 'https://m.example.com/gallery',
        itemUrl: 'https://open-vsx.org/vscode/item',
        resourceUrlTemplate: 'https://open-vsx.org/api/{publisher}/{name}/{version}/file/{path}',
      },
      nameShort: 'GitLab VS Code',
      quality: 'stable',
    });
    expect(readFileSync(args, 'utf8')).toBe('--host 0.0.0.0 --port 60001 --log info --without-connection-token --disable-workspace-trust\n');
    expect(readFileSync(join(dir, 'editor-logs', 'app', 'start-vscode.log'), 'utf8')).toContain('Added the extension gallery');
  });

  it('the editor start and the agentw start exit 1 when a variable they need is not set', () => {
    expect(sh(initToolsScript(), [], { GL_WORKSPACE_LOGS_DIR: join(dir, 'l1') }).status).toBe(1);
    const r = sh(startAgentwScript(), [], { GL_WORKSPACE_LOGS_DIR: join(dir, 'l2'), GL_TOOLS_DIR: dir, GL_GITLAB_AGENT_SERVER_ADDRESS: 'wss://kas' });
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, 'l2', 'start-agentw.log'), 'utf8')).toContain('GL_AGENTW_TOKEN_FILE_PATH is not set');
  });
});

/**
 * The workspace scripts do what they promise, run with the machine's /bin/sh in a temp directory.
 */
import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { cloneProjectScript, gitCredentialStoreScript, runnerScript, shellQuote, shellWord, sleepUntilRunningScript } from '../../lib/workspace/scripts';

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
});

/** `gitlab-workspaces validate`, in process with collected output: exit codes and both formats. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runValidate } from '../../lib/cli/validate';
import { CliIo } from '../../lib/cli/io';

const FIXTURES = join(__dirname, '..', 'devfile', 'fixtures');
const gitlab = (name: string) => join(FIXTURES, 'gitlab', `${name}.yaml`);
const devfile = (name: string) => join(FIXTURES, 'devfile', `${name}.yaml`);

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } };
  const code = await runValidate(args, io);
  return { code, stdout, stderr };
}

const DIAGNOSTIC_LINE = /^(.+):(\d+):(\d+): (error|warning): (.+)$/;

describe('exit codes', () => {
  it('is 0 when every file is valid, and says so on stdout', async () => {
    const r = await run(gitlab('valid-minimal'), gitlab('valid-full'));
    expect(r).toEqual({ code: 0, stdout: `${gitlab('valid-minimal')}: ok\n${gitlab('valid-full')}: ok\n`, stderr: '' });
  });

  it('is 1 when any file is invalid', async () => {
    expect((await run(gitlab('valid-minimal'), gitlab('reserved-component-name'))).code).toBe(1);
  });

  it('is 1 for an unreadable file, with a located line', async () => {
    const r = await run('does-not-exist.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('does-not-exist.yaml:1:1: error: cannot read the file: it does not exist');
  });

  it('is 1 for a file over 3 MB, refused from its size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-big-'));
    try {
      const big = join(dir, 'big.yaml');
      writeFileSync(big, '');
      truncateSync(big, 3 * 1024 * 1024 + 1);
      const r = await run(big);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`${big}:1:1: error: the file is 3145729 bytes; at most 3145728 bytes (3 MB) are allowed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports files in command-line order', async () => {
    const r = await run(gitlab('reserved-variable-dash'), gitlab('endpoint-port-zero'));
    const files = r.stderr.trimEnd().split('\n').map((l) => DIAGNOSTIC_LINE.exec(l)?.[1]);
    expect(files).toEqual([gitlab('reserved-variable-dash'), gitlab('endpoint-port-zero')]);
  });

  it.each([
    [[], /no devfile given/],
    [['--bogus', 'f.yaml'], /unknown option '--bogus'/],
    [['--mode', 'strict', 'f.yaml'], /--mode must be one of: gitlab, devfile/],
    [['--format', 'xml', 'f.yaml'], /--format must be one of: text, json/],
    [['--mode'], /option '--mode' needs a value/],
    [['--editor-component', 'x', 'f.yaml'], /applies only with --mode devfile/],
    [['--format', 'json', '--format', 'text', 'f.yaml'], /option '--format' is given more than once/],
  ])('is 2 for the usage error %j, with the usage on stderr', async (args, message) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: gitlab-workspaces validate');
  });

  it('prints the help on stdout with exit 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--mode gitlab|devfile');
    expect(r.stderr).toBe('');
  });
});

describe('text format', () => {
  it('prints one compiler-style line per problem on stderr, and nothing else', async () => {
    const file = gitlab('many-problems');
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      const m = DIAGNOSTIC_LINE.exec(line);
      expect(m).not.toBeNull();
      expect(m?.[1]).toBe(file);
      expect(m?.[4]).toBe('error');
    }
    expect(lines[0]).toBe(`${file}:1:16: error: schemaVersion: schemaVersion is "2.1.0", but GitLab workspaces accept only 2.2.0; set schemaVersion: 2.2.0`);
  });

  it('prints warnings in the same format and stays valid', async () => {
    const file = gitlab('valid-unknown-variable-warning');
    const r = await run(file);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${file}:10:18: warning: components[0].container.env[0].value: "{{greting}}" names no variable defined under "variables", so it is left as written; did you mean "{{greeting}}"?\n`);
    expect(r.stdout).toBe(`${file}: ok\n`);
  });

  it('applies --mode devfile and --editor-component', async () => {
    expect((await run('--mode', 'devfile', devfile('valid-composite-post-start'))).code).toBe(0);
    expect((await run(devfile('valid-composite-post-start'))).code).toBe(1);
    expect((await run('--mode', 'devfile', '--editor-component', 'tools', devfile('valid-editor-component-option'))).code).toBe(0);
    const r = await run('--mode', 'devfile', '--editor-component', 'nope', devfile('valid-editor-component-option'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--editor-component names "nope"');
  });
});

describe('json format', () => {
  it('prints one machine-readable list on stdout and nothing on stderr', async () => {
    const r = await run('--format', 'json', gitlab('valid-minimal'), gitlab('endpoint-port-zero'), 'missing.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const reports = JSON.parse(r.stdout);
    expect(reports).toEqual([
      { file: gitlab('valid-minimal'), valid: true, diagnostics: [] },
      {
        file: gitlab('endpoint-port-zero'),
        valid: false,
        diagnostics: [{
          severity: 'error', file: gitlab('endpoint-port-zero'), line: 10, column: 23,
          path: 'components[0].container.endpoints[0].targetPort', rule: 'devfile/endpoint-port',
          message: 'endpoint "web" of component "tooling" has targetPort 0; a port number must be between 1 and 65535',
        }],
      },
      { file: 'missing.yaml', valid: false, diagnostics: [expect.objectContaining({ rule: 'devfile/unreadable', line: 1, column: 1 })] },
    ]);
  });
});

/** Reading input files that anyone can propose: special files, links out of the working directory, size caps. */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readTextFile } from '../../lib/common/read-file';
import { runValidate, VALIDATE_USAGE } from '../../lib/cli/validate';

let root: string;
let work: string;
let outside: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'read-file-')));
  work = join(root, 'work');
  outside = join(root, 'outside');
  mkdirSync(work);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.yaml'), 'token: s3cr3t\n');
  writeFileSync(join(work, 'devfile.yaml'), 'schemaVersion: 2.2.0\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (path: string, maxBytes?: number) => readTextFile(path, { linksWithin: work, rulePrefix: 'devfile', ...(maxBytes !== undefined && { maxBytes }) });

describe('special files', () => {
  const fifoIt = process.platform === 'win32' || spawnSync('mkfifo', ['--help']).error ? it.skip : it;

  fifoIt('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = join(work, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const t0 = Date.now();
    const r = read(fifo, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r).toEqual({ ok: false, diagnostic: expect.objectContaining({ rule: 'devfile/unreadable', message: 'cannot read the file: it is a named pipe (FIFO); only regular files are read' }) });
  });

  (existsSync('/dev/zero') ? it : it.skip)('refuses /dev/zero (a device that never ends) without reading it', () => {
    expect(readTextFile('/dev/zero', { maxBytes: 3 * 1024 * 1024 })).toEqual({
      ok: false,
      diagnostic: expect.objectContaining({ message: 'cannot read the file: it is a character device; only regular files are read' }),
    });
  });

  it('still says a directory is a directory', () => {
    expect(read(work)).toMatchObject({ ok: false, diagnostic: { message: 'cannot read the file: it is a directory' } });
  });

  it('refuses a regular file over the cap, from its size', () => {
    writeFileSync(join(work, 'big.yaml'), 'x'.repeat(2000));
    expect(read(join(work, 'big.yaml'), 1000)).toMatchObject({ ok: false, diagnostic: { rule: 'devfile/too-large', message: 'the file is 2000 bytes; at most 1000 bytes (1000 bytes) are allowed' } });
  });
});

describe('symbolic links', () => {
  it('follows a link whose target is inside the working directory', () => {
    symlinkSync(join(work, 'devfile.yaml'), join(work, 'link.yaml'));
    expect(read(join(work, 'link.yaml'))).toEqual({ ok: true, text: 'schemaVersion: 2.2.0\n' });
  });

  it('refuses a link to a file outside the working directory, naming the target', () => {
    symlinkSync(join(outside, 'secret.yaml'), join(work, 'devfile-link.yaml'));
    const r = read(join(work, 'devfile-link.yaml'));
    expect(r).toEqual({ ok: false, diagnostic: expect.objectContaining({ rule: 'devfile/unreadable', line: 1, column: 1 }) });
    expect(!r.ok && r.diagnostic.message).toBe(
      `cannot read the file: it is a symbolic link, or its path goes through one, to ${join(outside, 'secret.yaml')}, which is outside the working directory ${work}; links are followed only to files inside it`,
    );
  });

  it('refuses a path through a linked directory that leads outside', () => {
    symlinkSync(outside, join(work, 'config'));
    const r = read(join(work, 'config', 'secret.yaml'));
    expect(!r.ok && r.diagnostic.message).toContain(`to ${join(outside, 'secret.yaml')}, which is outside the working directory`);
  });

  it('refuses a relative link that climbs out', () => {
    symlinkSync(join('..', 'outside', 'secret.yaml'), join(work, 'up.yaml'));
    expect(read(join(work, 'up.yaml')).ok).toBe(false);
  });

  it('reads a file outside the working directory named without any link (the user chose it)', () => {
    expect(read(join(outside, 'secret.yaml'))).toEqual({ ok: true, text: 'token: s3cr3t\n' });
  });
});

describe('gitlab-workspaces validate', () => {
  async function validateIn(cwd: string, ...args: string[]) {
    const before = process.cwd();
    let stderr = '';
    process.chdir(cwd);
    try {
      const code = await runValidate(args, { stdout: () => undefined, stderr: (t) => { stderr += t; } });
      return { code, stderr };
    } finally {
      process.chdir(before);
    }
  }

  it('refuses a devfile linked to a file outside the working directory, and quotes none of it', async () => {
    symlinkSync(join(outside, 'secret.yaml'), join(work, '.devfile.yaml'));
    const r = await validateIn(work, '.devfile.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`.devfile.yaml:1:1: error: cannot read the file: it is a symbolic link, or its path goes through one, to ${join(outside, 'secret.yaml')}, which is outside the working directory ${work}; links are followed only to files inside it\n`);
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('says the rule in its help', () => {
    expect(VALIDATE_USAGE).toContain('only regular files are read');
    expect(VALIDATE_USAGE.replace(/\s+/g, ' ')).toContain('A symbolic link, or a path through one, is followed only when its real target is inside the working directory; one that leads outside it is refused, naming the target.');
  });
});

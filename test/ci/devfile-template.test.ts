/**
 * The CI template `ci/devfile.gitlab-ci.yml`: its job's script is run as GitLab Runner runs it (the
 * `before_script` and `script` lines in one shell with errexit and pipefail; also with POSIX `sh`) in a
 * project folder holding devfiles, with the built `gitlab-workspaces` on PATH; the files its artifacts
 * name must then be there, and the reports must be what GitLab reads.
 */
import Ajv from 'ajv';
import { spawnSync } from 'child_process';
import { XMLValidator } from 'fast-xml-parser';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';

const REPO = join(__dirname, '..', '..');
const TEMPLATE = join(REPO, 'ci', 'devfile.gitlab-ci.yml');
const BIN = join(REPO, 'bin', 'gitlab-workspaces.js');
const built = existsSync(join(REPO, 'dist', 'lib', 'cli', 'main.js'));
const FIXTURES = join(REPO, 'test', 'devfile', 'fixtures', 'gitlab');
const CONVERTED = join(REPO, 'test', 'devfile', 'convert-fixtures');

interface Job {
  stage: string;
  image: string;
  rules: Array<{ exists: string[] }>;
  before_script: string[];
  script: string[];
  artifacts: { when: string; reports: { codequality: string; junit: string }; paths: string[] };
}
const template = parse(readFileSync(TEMPLATE, 'utf8')) as { variables: Record<string, string>; devfile: Job };
const job = template.devfile;

let project: string;
let binDir: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'devfile-ci-'));
  binDir = mkdtempSync(join(tmpdir(), 'devfile-ci-bin-'));
  // The command on PATH, as `npm install --global` would put it there.
  const shim = join(binDir, 'gitlab-workspaces');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(shim, 0o755);
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(binDir, { recursive: true, force: true });
});

/** Runs the job's lines as GitLab Runner does: one shell, `set -eo pipefail` (bash) or `set -e` (sh). */
function runJob(shell: 'bash' | 'sh', variables: Record<string, string> = {}) {
  const prologue = shell === 'bash' ? 'set -eo pipefail' : 'set -e';
  const script = [prologue, ...job.before_script, ...job.script].join('\n');
  // The shim on PATH stands for an image that has the command; GitLab Runner names the job's image (by digest) in CI_JOB_IMAGE.
  const env = { ...process.env, ...template.variables, CI_JOB_IMAGE: job.image, ...variables, PATH: `${binDir}:${process.env.PATH ?? ''}` };
  const r = spawnSync(shell, ['-c', script], { cwd: project, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** GitLab's Code Quality report format: what the merge request widget reads. */
const codeQualityFormat = new Ajv().compile({
  type: 'array',
  items: { type: 'object', required: ['description', 'check_name', 'fingerprint', 'severity', 'location'], properties: { location: { type: 'object', required: ['path', 'lines'] } } },
});

function put(path: string, from: string): void {
  mkdirSync(join(project, path, '..'), { recursive: true });
  copyFileSync(from, join(project, path));
}

describe('ci/devfile.gitlab-ci.yml', () => {
  it('runs when a devfile is where GitLab looks for one, and keeps both reports and the rendered objects', () => {
    expect(job.rules).toEqual([{ exists: ['.devfile.yaml', '.devfile.yml', '.devfile/*.yaml', '.devfile/*.yml'] }]);
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports).toEqual({ codequality: 'gl-devfile-code-quality.json', junit: 'gl-devfile-junit.xml' });
    expect(job.artifacts.paths).toEqual(['devfile-rendered/']);
    expect(template.variables).toHaveProperty('DEVFILE_AGENT_CONFIG');
    // Empty by default: the command's own default GitLab version.
    expect(template.variables.DEVFILE_GITLAB_VERSION).toBe('');
  });

  const scriptDescribe = built ? describe : describe.skip;
  // Every line of the script, with each variable empty and set, runs in both shells; the variables'
  // scenarios one at a time run in bash (the shell of the template's image), together in POSIX sh.
  scriptDescribe.each(['bash', 'sh'] as const)('its script, in %s', (shell) => {
    it('fails for an invalid devfile, reports every devfile, and renders the valid ones', () => {
      put('.devfile.yaml', join(FIXTURES, 'valid-full.yaml'));
      put('.devfile/registry.yml', join(CONVERTED, 'registry-nodejs.converted.yaml'));
      put('.devfile/broken.yaml', join(FIXTURES, 'many-problems.yaml'));
      put('.devfile/notes.txt', join(FIXTURES, 'many-problems.yaml')); // not a devfile location
      const r = runJob(shell);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^\.devfile\/broken\.yaml:\d+:\d+: error: /m);

      const issues = JSON.parse(readFileSync(join(project, job.artifacts.reports.codequality), 'utf8')) as Array<{ location: { path: string }; severity: string }>;
      expect(new Set(issues.map((i) => i.location.path))).toEqual(new Set(['.devfile/broken.yaml']));
      expect(codeQualityFormat(issues)).toBe(true);
      const junit = readFileSync(join(project, job.artifacts.reports.junit), 'utf8');
      expect(XMLValidator.validate(junit)).toBe(true);
      expect(junit).toContain('tests="3" failures="1"');

      const rendered = readdirSync(join(project, 'devfile-rendered')).sort();
      expect(rendered).toEqual(['.devfile.yaml', '.devfile_registry.yml']);
      const objects = parseAllDocuments(readFileSync(join(project, 'devfile-rendered', '.devfile.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string });
      expect(objects.map((o) => o.kind)).toContain('Deployment');
    });

    it('fails when the agent config is wrong, naming it', () => {
      put('.devfile.yaml', join(FIXTURES, 'valid-minimal.yaml'));
      writeFileSync(join(project, 'agent.yaml'), 'remote_development:\n  enabled: true\n  dns_zone: "not a host"\n');
      const r = runJob(shell, { DEVFILE_AGENT_CONFIG: 'agent.yaml' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^agent\.yaml:\d+:\d+: error: /m);
      expect(existsSync(join(project, 'devfile-rendered', '.devfile.yaml'))).toBe(false);
    });
  });

  scriptDescribe('its script, in bash', () => {
    it('passes when every devfile is valid, rendering with the team\'s agent config', () => {
      put('.devfile.yml', join(FIXTURES, 'valid-minimal.yaml'));
      mkdirSync(join(project, '.gitlab', 'agents', 'ws'), { recursive: true });
      writeFileSync(join(project, '.gitlab', 'agents', 'ws', 'config.yaml'), 'remote_development:\n  enabled: true\n  dns_zone: workspaces.team.example\n');
      const r = runJob('bash', { DEVFILE_AGENT_CONFIG: '.gitlab/agents/ws/config.yaml' });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(readFileSync(join(project, 'gl-devfile-code-quality.json'), 'utf8'))).toEqual([]);
      const rendered = readFileSync(join(project, 'devfile-rendered', '.devfile.yml'), 'utf8');
      expect(rendered).toContain('workspaces.team.example');
    });

    it('checks and renders for the GitLab version DEVFILE_GITLAB_VERSION names, and for the default without it', () => {
      put('.devfile.yaml', join(FIXTURES, 'working-dir-before-18-4.yaml'));
      const newest = runJob('bash');
      expect({ code: newest.code, stderr: newest.stderr }).toEqual({ code: 0, stderr: '' });
      // GitLab 18.4+ serves workspaces through agentw, whose variables the rendered Secret carries.
      expect(readFileSync(join(project, 'devfile-rendered', '.devfile.yaml'), 'utf8')).toContain('GL_GITLAB_AGENT_SERVER_ADDRESS');
      rmSync(join(project, 'devfile-rendered'), { recursive: true });

      const old = runJob('bash', { DEVFILE_GITLAB_VERSION: '18.3' });
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/^\.devfile\.yaml:\d+:\d+: error: .*GitLab 18\.3 refuses it/m);
      const issues = JSON.parse(readFileSync(join(project, job.artifacts.reports.codequality), 'utf8')) as Array<{ description: string }>;
      expect(issues.map((i) => i.description)).toEqual([expect.stringContaining('GitLab 18.3 refuses it')]);
      expect(readFileSync(join(project, job.artifacts.reports.junit), 'utf8')).toContain('failures="1"');
      expect(readdirSync(join(project, 'devfile-rendered'))).toEqual([]);

      // A valid devfile is rendered as that version generates it.
      rmSync(join(project, '.devfile.yaml'));
      put('.devfile.yaml', join(FIXTURES, 'valid-minimal.yaml'));
      const older = runJob('bash', { DEVFILE_GITLAB_VERSION: '18.3' });
      expect({ code: older.code, stderr: older.stderr }).toEqual({ code: 0, stderr: '' });
      expect(readFileSync(join(project, 'devfile-rendered', '.devfile.yaml'), 'utf8')).not.toContain('GL_GITLAB_AGENT_SERVER_ADDRESS');
    });
  });

  scriptDescribe('its script, in sh', () => {
    it('checks for the GitLab version DEVFILE_GITLAB_VERSION names and renders for it with the team\'s agent config', () => {
      put('.devfile.yaml', join(FIXTURES, 'working-dir-before-18-4.yaml'));
      put('.devfile.yml', join(FIXTURES, 'valid-minimal.yaml'));
      mkdirSync(join(project, '.gitlab', 'agents', 'ws'), { recursive: true });
      writeFileSync(join(project, '.gitlab', 'agents', 'ws', 'config.yaml'), 'remote_development:\n  enabled: true\n  dns_zone: workspaces.team.example\n');
      const r = runJob('sh', { DEVFILE_GITLAB_VERSION: '18.3', DEVFILE_AGENT_CONFIG: '.gitlab/agents/ws/config.yaml' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^\.devfile\.yaml:\d+:\d+: error: .*GitLab 18\.3 refuses it/m);
      const issues = JSON.parse(readFileSync(join(project, job.artifacts.reports.codequality), 'utf8')) as Array<{ description: string }>;
      expect(issues.map((i) => i.description)).toEqual([expect.stringContaining('GitLab 18.3 refuses it')]);
      expect(readFileSync(join(project, job.artifacts.reports.junit), 'utf8')).toContain('tests="2" failures="1"');
      expect(readdirSync(join(project, 'devfile-rendered'))).toEqual(['.devfile.yml']);
      const rendered = readFileSync(join(project, 'devfile-rendered', '.devfile.yml'), 'utf8');
      expect(rendered).toContain('workspaces.team.example');
      expect(rendered).not.toContain('GL_GITLAB_AGENT_SERVER_ADDRESS');
    });
  });
});

if (!built) it.skip('dist/ is not built (run `npm run build`): the CI template\'s script tests are skipped', () => undefined);

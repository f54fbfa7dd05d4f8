/**
 * What a user sees in the terminal from the real `cdktf synth` (the CLI runs the app as this repository's
 * cdktf.json says, scripts/cdktf-app.js, on an up-to-date build): a refused config shows
 * each diagnostic exactly once across stdout and stderr, the CLI exits non-zero, with no stack trace and
 * no stack of that config written; a good config's warnings show once, not marked as errors. Two runs
 * of a few seconds each, so only here.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigFile } from '../../stacks/config/load';
import { ensureBuilt } from '../package/pack';
import { ROOT } from './helpers';

const CDKTF_CLI = join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // eslint-disable-line no-control-regex

/** Runs `cdktf synth` in a fresh folder holding `config` as workspaces.config.yaml; the terminal's text, ANSI codes removed. */
function cdktfSynth(config: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cdktf-cli-'));
  copyFileSync(config, join(dir, 'workspaces.config.yaml'));
  const app = [process.execPath, join(ROOT, 'scripts', 'cdktf-app.js')].map((a) => JSON.stringify(a)).join(' ');
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app, projectId: 'cli-test', sendCrashReports: 'false', terraformProviders: [] }));
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', WORKSPACES_CONFIG: 'workspaces.config.yaml' };
  delete env.CDKTF_OUTDIR;
  delete env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const run = spawnSync(process.execPath, [CDKTF_CLI, 'synth'], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
  const stacks = existsSync(join(dir, 'cdktf.out', 'stacks')) ? readdirSync(join(dir, 'cdktf.out', 'stacks')).sort() : [];
  rmSync(dir, { recursive: true, force: true });
  return { status: run.status, stdout: run.stdout.replace(ANSI, ''), stderr: run.stderr.replace(ANSI, ''), stacks };
}

/** How often `line` occurs in `text`. */
const occurrences = (text: string, line: string) => text.split(line).length - 1;

describe('cdktf synth (the real CLI)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('shows each diagnostic of a refused config once, fails, and writes no stack of it', () => {
    // A schema error and semantic errors in one file: all of them come in this one run.
    const fixture = join(__dirname, 'fixtures', 'invalid', 'one-pass-sections.yaml');
    const expected = loadConfigFile(fixture, 'workspaces.config.yaml').diagnostics.map(formatDiagnostic);
    expect(expected.length).toBeGreaterThanOrEqual(3);

    const run = cdktfSynth(fixture);
    const terminal = run.stdout + run.stderr;
    expect(run.status).not.toBe(0);
    expect(expected.map((line) => [line, occurrences(terminal, line)])).toEqual(expected.map((line) => [line, 1]));
    // cdktf's own closing line, and nothing of a crash.
    expect(run.stderr).toMatch(/error annotations have been encountered/);
    expect(terminal).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(terminal).not.toMatch(/cdktf encountered an error while synthesizing/);
    expect(run.stacks).toEqual(['config']);
  }, 180_000);

  it('shows a good config\'s warnings once, not as errors, and synthesizes both stacks', () => {
    const config = join(ROOT, 'examples', 'default', 'workspaces.config.yaml');
    const warnings = loadConfigFile(config, 'workspaces.config.yaml').diagnostics.map(formatDiagnostic);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.includes(': warning: '))).toBe(true);

    const run = cdktfSynth(config);
    const terminal = run.stdout + run.stderr;
    expect(run.status).toBe(0);
    expect(warnings.map((line) => [line, occurrences(terminal, line)])).toEqual(warnings.map((line) => [line, 1]));
    for (const w of warnings) {
      const shown = terminal.split('\n').find((l) => l.includes(w))!;
      expect(shown).toBe(w); // as the app wrote it: no [ERROR] or ERROR prefix
    }
    // The platform stack's local-state warning (its secrets would be in plaintext): once, as the CLI's own
    // warning of that stack, not also printed by the app.
    expect(terminal.split('\n').filter((l) => l.includes('state.backend: local state keeps stack'))).toEqual([
      expect.stringMatching(/^WARN \[gitlab-workspaces-platform\]: state\.backend: local state keeps stack gitlab-workspaces-platform/),
    ]);
    expect(run.stacks).toEqual(['gitlab-workspaces', 'gitlab-workspaces-platform']);
  }, 180_000);
});

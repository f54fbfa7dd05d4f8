/**
 * Local state with a `gitlab` section: the platform stack's state would hold the agent token, the OAuth
 * client secret, the proxy's signing key and SSH host key in plaintext. Synth warns (it still synthesizes:
 * CI synthesizes for snapshot tests), as a warning annotation on the platform stack, which the cdktf CLI
 * prints and the ready app prints itself when run directly; no warning when the state is in S3, when there
 * is no GitLab side, or when the caller brings its own backend (the config's state section is then unused).
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { S3Backend } from 'cdktf';
import { buildApp } from '../../stacks/app';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG } from './helpers';

const S3_STATE = 'state:\n  backend: s3\n  bucket: acme-terraform-state\n  kmsKeyId: alias/terraform-state\n';

/** The warning annotations each stack of the synthesized app carries (`manifest.json`). */
function stackWarnings(text: string, options: { ownBackend?: boolean } = {}): Record<string, string[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'local-state-'));
  try {
    const config = configFromText(text);
    buildApp(config, {
      outdir,
      backend: options.ownBackend ? (stack, id) => new S3Backend(stack, { bucket: 'team-state', key: `${id}.tfstate`, region: 'eu-west-1', encrypt: true }) : undefined,
    }).app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { annotations: Array<{ level: string; message: string }> }> };
    return Object.fromEntries(Object.entries(manifest.stacks).map(([id, s]) => [id, s.annotations.filter((a) => a.level === '@cdktf/warn').map((a) => a.message)]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('local state with a gitlab section', () => {
  it('warns on the platform stack, naming the file and every secret it would hold, and synthesizes', () => {
    const warnings = stackWarnings(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {name: registry}\n`);
    expect(warnings['gitlab-workspaces']).toEqual([]);
    const [w, ...others] = warnings['gitlab-workspaces-platform'];
    expect(others).toEqual([]);
    expect(w).toMatch(/^state\.backend: local state keeps stack gitlab-workspaces-platform in terraform\.gitlab-workspaces-platform\.tfstate in the repository root/);
    for (const secret of ['the GitLab agent\'s token', 'OAuth client secret', 'signing key', 'SSH host key', 'registry credentials']) expect(w).toContain(secret);
    expect(w).toContain('in plaintext');
    expect(w).toContain('S3 under a customer-managed KMS key');
  });

  it('names only the agent token with the proxy disabled', () => {
    const [w] = stackWarnings(`${REQUIRED_CONFIG}gitlab:\n  version: "18.9"\n  proxy: disabled\n`)['gitlab-workspaces-platform'];
    expect(w).toContain('holds the GitLab agent\'s token in plaintext');
    expect(w).not.toContain('OAuth');
  });

  it('is quiet with state in S3, without a gitlab section, and with the caller\'s own backend', () => {
    expect(stackWarnings(`${S3_STATE}${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).toEqual({ 'gitlab-workspaces': [], 'gitlab-workspaces-platform': [] });
    expect(stackWarnings(REQUIRED_CONFIG)).toEqual({ 'gitlab-workspaces': [], 'gitlab-workspaces-platform': [] });
    expect(stackWarnings(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`, { ownBackend: true })).toEqual({ 'gitlab-workspaces': [], 'gitlab-workspaces-platform': [] });
  });
});

// Run as cdktf runs it: main.test.ts checks the warning once on stdout when the app runs directly, and
// cdktf-cli.test.ts that the real cdktf CLI shows it once (as its own WARN line, not the app's).

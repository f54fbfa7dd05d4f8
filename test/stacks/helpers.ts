/**
 * Synthesizing the ready app the way `cdktf synth` does (both stacks, cross-stack references resolved
 * into outputs and `terraform_remote_state`), from an example or a config text, for the stack tests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildApp, WorkspacesApp } from '../../stacks/main';
import { loadConfigFile, loadConfigText } from '../../stacks/config/load';
import { WorkspacesConfig } from '../../stacks/config/types';
import { Synthesized } from '../helpers/synthesized';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLES = join(ROOT, 'examples');

/** A day on which the default Kubernetes version is in standard support, so tests do not age. */
export const TEST_DAY = new Date('2026-12-01T12:00:00Z');

export function loadExample(name: string): WorkspacesConfig {
  const result = loadConfigFile(join(EXAMPLES, name, 'workspaces.config.yaml'), undefined, { today: TEST_DAY });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.value;
}

/** A config from YAML text; throws with the diagnostics when it has errors. */
export function configFromText(text: string): WorkspacesConfig {
  const result = loadConfigText(text, 'test.yaml', { today: TEST_DAY });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`).join('\n'));
  return result.value;
}

/** The minimum a config needs besides the defaults: who may reach and who administers the API. */
export const REQUIRED_CONFIG = `cluster:
  endpoint:
    publicAccessCidrs: [198.18.0.0/24]
  access:
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]
`;

/** A minimal `gitlab` section (append to REQUIRED_CONFIG): a workspace domain and OAuth credentials from variables. */
export const GITLAB_CONFIG = `gitlab:
  dnsZone: workspaces.acme.dev
  oauth: variables
`;

export interface SynthesizedStack {
  readonly id: string;
  /** The stack's `cdk.tf.json` text. */
  readonly json: string;
  readonly s: Synthesized;
}

export interface SynthesizedApp {
  readonly built: WorkspacesApp;
  readonly cluster: SynthesizedStack;
  readonly platform: SynthesizedStack;
  /** Every stack the app wrote (`manifest.json`), by id. */
  readonly stacks: Record<string, SynthesizedStack>;
}

/**
 * Synthesizes the app for a config into a temporary folder and reads it back, or builds it with `build`.
 *
 * A config's synthesis is done once per test file and shared by every test that asks for it (a two-stack
 * synth is most of a stack test's time): the key is the config and the environment (a synth must not read
 * TF_VAR_ secrets, so a test that sets them gets its own). The shared result is frozen, so a test that
 * modifies it fails instead of changing what the next test sees. An app built with `build` is never shared.
 */
export function synthApp(config: WorkspacesConfig, build?: (outdir: string) => WorkspacesApp): SynthesizedApp {
  if (build) return synthesize(build);
  const key = JSON.stringify([config, Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : 1))]);
  let app = synthesizedConfigs.get(key);
  if (!app) {
    app = deepFreeze(synthesize((outdir) => buildApp(config, outdir)));
    synthesizedConfigs.set(key, app);
  }
  return app;
}

const synthesizedConfigs = new Map<string, SynthesizedApp>();

function synthesize(build: (outdir: string) => WorkspacesApp): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'app-'));
  try {
    const built = build(outdir);
    built.app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
    const stacks: Record<string, SynthesizedStack> = {};
    for (const [id, entry] of Object.entries(manifest.stacks)) {
      const json = readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8');
      stacks[id] = { id, json, s: new Synthesized(json) };
    }
    return { built, cluster: stacks[built.cluster.node.id], platform: stacks[built.platform.node.id], stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Freezes the synthesized documents (not the constructs in `built`). */
function deepFreeze(app: SynthesizedApp): SynthesizedApp {
  const freeze = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  };
  for (const stack of Object.values(app.stacks)) {
    freeze(stack.s.doc);
    Object.freeze(stack);
  }
  Object.freeze(app.stacks);
  return Object.freeze(app);
}

/** The JSON without cdktf's `//` metadata blocks (which carry absolute paths), for snapshots. */
export function withoutMetadata(json: string): unknown {
  return JSON.parse(json, (key, value) => (key === '//' ? undefined : value));
}

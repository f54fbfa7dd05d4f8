/**
 * Synthesizing the ready app the way `cdktf synth` does (both stacks, cross-stack references resolved
 * into outputs and `terraform_remote_state`), from an example or a config text, for the stack tests.
 */
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildApp, WorkspacesApp } from '../../stacks/app';
import { loadConfigFile, loadConfigText } from '../../stacks/config/load';
import { WorkspacesConfig } from '../../stacks/config/types';
import { Synthesized } from '../helpers/synthesized';
import { SYNTH_SHARE_ENV } from '../setup/synth-share';

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

/** The zones of the VPC the stack creates (a line of the `network` section), required at synth. */
export const ZONES = '  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]\n';

/** REQUIRED_CONFIG without its `network` section, for a test that writes its own (with ZONES in it). */
export const REQUIRED_CLUSTER_CONFIG = `cluster:
  endpoint:
    publicAccessCidrs: [198.18.0.0/24]
  access:
    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]
`;

/** The minimum a config needs besides the defaults: the zones of the VPC, who may reach and who administers the API. */
export const REQUIRED_CONFIG = `network:\n${ZONES}${REQUIRED_CLUSTER_CONFIG}`;

/** A minimal `gitlab` section (append to REQUIRED_CONFIG): a workspace domain and OAuth credentials from variables. */
export const GITLAB_CONFIG = `gitlab:
  dnsZone: workspaces.acme.dev
  oauth: variables
`;

export interface SynthesizedStack {
  readonly id: string;
  /** The stack's `cdk.tf.json` text. */
  readonly json: string;
  /** The stacks it is deployed after (`manifest.json`, which `cdktf deploy '*'` follows). */
  readonly dependencies: readonly string[];
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
 * A config is synthesized once per test run and shared by every test that asks for it (a two-stack synth
 * is most of a stack test's time): in memory within a test file, and across test files (jest runs them
 * in separate workers) through the folder test/setup/synth-share.ts makes for the run, when jest's config
 * names it. The key is the config and the environment (a synth must not read TF_VAR_ secrets, so a test
 * that sets them gets its own synth). The shared documents are frozen, so a test that modifies one fails
 * instead of changing what the next test sees. An app built with `build` is never shared.
 */
export function synthApp(config: WorkspacesConfig, build?: (outdir: string) => WorkspacesApp): SynthesizedApp {
  if (build) return synthesize(build);
  const buildDefault = (outdir: string) => buildApp(config, { outdir });
  const env = Object.entries(process.env).filter(([k]) => k !== 'JEST_WORKER_ID').sort(([a], [b]) => (a < b ? -1 : 1));
  const key = createHash('sha256').update(JSON.stringify([config, env])).digest('hex');
  let app = synthesizedHere.get(key);
  if (!app) {
    app = deepFreeze(readShared(key, buildDefault) ?? writeShared(key, synthesize(buildDefault)));
    synthesizedHere.set(key, app);
  }
  return app;
}

const synthesizedHere = new Map<string, SynthesizedApp>();

/** The run's shared folder (set by test/setup/synth-share.ts), or none. */
const sharedDir = process.env[SYNTH_SHARE_ENV];

interface SharedEntry {
  cluster: string;
  platform: string;
  stacks: Record<string, { json: string; dependencies: readonly string[] }>;
}

function writeShared(key: string, app: SynthesizedApp): SynthesizedApp {
  if (sharedDir && existsSync(sharedDir)) {
    const entry: SharedEntry = { cluster: app.cluster.id, platform: app.platform.id, stacks: Object.fromEntries(Object.values(app.stacks).map((st) => [st.id, { json: st.json, dependencies: st.dependencies }])) };
    const file = join(sharedDir, `${key}.json`);
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(entry));
    renameSync(`${file}.${process.pid}`, file); // whole or not at all, for a worker reading it now
  }
  return app;
}

/** A synth another test file did in this run; its `built` is built (and synthesized) again when a test asks for it. */
function readShared(key: string, build: (outdir: string) => WorkspacesApp): SynthesizedApp | undefined {
  if (!sharedDir) return undefined;
  let entry: SharedEntry;
  try {
    entry = JSON.parse(readFileSync(join(sharedDir, `${key}.json`), 'utf8')) as SharedEntry;
  } catch {
    return undefined;
  }
  const stacks: Record<string, SynthesizedStack> = Object.fromEntries(Object.entries(entry.stacks).map(([id, { json, dependencies }]) => [id, { id, json, dependencies, s: new Synthesized(json) }]));
  let built: WorkspacesApp | undefined;
  return {
    get built() {
      built ??= synthesize(build).built;
      return built;
    },
    cluster: stacks[entry.cluster], platform: stacks[entry.platform], stacks,
  };
}

function synthesize(build: (outdir: string) => WorkspacesApp): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'app-'));
  try {
    const built = build(outdir);
    built.app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }> };
    const stacks: Record<string, SynthesizedStack> = {};
    for (const [id, entry] of Object.entries(manifest.stacks)) {
      const json = readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8');
      stacks[id] = { id, json, dependencies: entry.dependencies, s: new Synthesized(json) };
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

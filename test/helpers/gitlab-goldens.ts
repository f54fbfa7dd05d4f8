/**
 * GitLab's own expected outputs and devfile fixtures, read from the shared folder next to the repository
 * (`../shared/reference/gitlab-goldens`; GitLab EE spec files stay out of this repository). Suites that
 * read them use `describeWithGoldens` (./shared.ts): skipped in a clone with nothing beside it, an error
 * under CI=true (test/setup/shared-folder.js).
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { GitLabVersion } from '../../lib/common/gitlab-version';
import { GOLDENS_DIR } from './shared';

export { GOLDENS_DIR };

function requireGoldens(): void {
  if (!existsSync(GOLDENS_DIR)) {
    throw new Error(`GitLab's expected outputs are missing: ${GOLDENS_DIR} does not exist. Check the repository out next to the shared folder (../shared/reference/gitlab-goldens), or wrap the suite in describeWithGoldens.`);
  }
}

export function goldenPath(...parts: string[]): string {
  requireGoldens();
  const path = join(GOLDENS_DIR, ...parts);
  if (!existsSync(path)) throw new Error(`GitLab golden file missing: ${path}`);
  return path;
}

export function readGolden(...parts: string[]): string {
  return readFileSync(goldenPath(...parts), 'utf8');
}

/** The files of a golden folder, sorted; throws when the folder is missing or holds no match. */
export function goldenFiles(dir: string[], pattern: RegExp): string[] {
  const files = readdirSync(goldenPath(...dir)).filter((f) => pattern.test(f)).sort();
  if (files.length === 0) throw new Error(`no file matching ${pattern} in ${join(GOLDENS_DIR, ...dir)}`);
  return files;
}

/** The versions with expected outputs (`<version>/desired-config`). */
export const GOLDEN_VERSIONS: readonly GitLabVersion[] = ['18.9', '18.2'];

/**
 * The seven expected outputs of GitLab's `DesiredConfig::Main` integration spec and their inputs (the
 * README table of the shared folder).
 */
export const DESIRED_CONFIG_CASES: ReadonlyArray<{
  readonly expected: string;
  readonly processedDevfile: string;
  readonly agentConfig: string;
  readonly desiredState: 'Running' | 'Stopped';
  readonly sharedNamespace: boolean;
}> = [
  { expected: 'expected_desired_config_array_with_desired_state_running.json', processedDevfile: 'input_processed_devfile_yaml_with_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Running', sharedNamespace: false },
  { expected: 'expected_desired_config_array_with_desired_state_stopped.json', processedDevfile: 'input_processed_devfile_yaml_with_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Stopped', sharedNamespace: false },
  { expected: 'expected_desired_config_array_with_desired_state_running_with_use_kubernetes_user_namespaces_set.json', processedDevfile: 'input_processed_devfile_yaml_with_poststart_event.yaml', agentConfig: 'agent-un-true.yaml', desiredState: 'Running', sharedNamespace: false },
  { expected: 'expected_desired_config_array_for_shared_namespace_with_desired_state_running.json', processedDevfile: 'input_processed_devfile_yaml_with_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Running', sharedNamespace: true },
  { expected: 'expected_desired_config_array_for_shared_namespace_with_desired_state_stopped.json', processedDevfile: 'input_processed_devfile_yaml_with_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Stopped', sharedNamespace: true },
  { expected: 'expected_desired_config_array_from_legacy_devfile_with_poststart_and_with_desired_state_running.json', processedDevfile: 'input_processed_devfile_yaml_with_legacy_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Running', sharedNamespace: false },
  { expected: 'expected_desired_config_array_from_legacy_devfile_with_no_poststart_and_with_desired_state_running.json', processedDevfile: 'input_processed_devfile_yaml_without_poststart_event.yaml', agentConfig: 'agent-un-false.yaml', desiredState: 'Running', sharedNamespace: false },
];

/** The workspace GitLab's integration spec renders: name, id, agent, namespace (shared: `default`). */
export const GOLDEN_WORKSPACE = { name: 'workspace-991-990-fedcba', id: 993, agentId: 991, namespace: 'gl-rd-ns-991-990-fedcba', sharedNamespace: 'default' } as const;

/**
 * GitLab's JSON without the serialization noise the README names: `creationTimestamp: null` and a
 * `status` holding only empty objects.
 */
export function withoutNoise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNoise);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'creationTimestamp' && v === null) continue;
    if (k === 'status' && v !== null && typeof v === 'object' && Object.values(v).every((x) => x !== null && typeof x === 'object' && Object.keys(x).length === 0)) continue;
    out[k] = withoutNoise(v);
  }
  return out;
}

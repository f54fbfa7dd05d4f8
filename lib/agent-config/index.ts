/**
 * The `remote_development` settings of a GitLab agent config (`.gitlab/agents/<agent>/config.yaml`):
 * types, defaults, validation with positions, YAML output and the max-resources digest. Pure: text in,
 * values out; the CLI reads the files.
 */
import { Result } from '../common/diagnostics';
import { parseYaml } from '../common/yaml-source';
import { dropRepeatedKeys } from '../devfile/yaml-nodes';
import { explainParseDiagnostic } from './parse-diagnostics';
import { resolveAgentConfig } from './resolve';
import { RemoteDevelopmentSettings } from './types';

export * from './types';
export { defaultAgentConfig, DEFAULT_EGRESS, FILE_DEFAULTS, MAX_HOURS_BEFORE_TERMINATION, PREVIEW_DNS_ZONE, UNLIMITED_QUOTA } from './defaults';
export { resolveAgentConfig, SETTING_KEYS, AGENT_CONFIG_KEYS, REMOVED_SETTING_KEYS } from './resolve';
export { serializeAgentConfig, toFileShape } from './serialize';
export { maxResourcesSha256, maxResourcesRubyString } from './max-resources-sha256';

/** Agent config files are small; refuse anything larger than this before parsing. */
export const AGENT_CONFIG_MAX_BYTES = 1024 * 1024;

/** How many times YAML aliases may be expanded in one file (a guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and checks an agent config file. The root is a mapping with a `remote_development` key
 * (other agent modules' keys, such as `gitops`, `ci_access`, `user_access`, `observability` and
 * `container_scanning`, are ignored), or, for convenience, a bare `remote_development` mapping whose
 * keys are all settings. Every problem is reported with file, line and column.
 *
 * YAML `<<` merge keys are resolved, as the GitLab agent's YAML 1.1 reader does.
 */
export function parseAgentConfig(text: string, file: string): Result<RemoteDevelopmentSettings> {
  const parsed = parseYaml(text, { file, maxBytes: AGENT_CONFIG_MAX_BYTES, rulePrefix: 'agent-config', merge: true, maxAliasCount: MAX_ALIAS_COUNT });
  const { source } = parsed;
  const parseDiagnostics = parsed.diagnostics.map((d) => explainParseDiagnostic(d, text, source));
  let value = parsed.value;
  if (parseDiagnostics.some((d) => d.severity === 'error')) {
    // Duplicate keys leave a well-formed tree: check the rest too, so that every problem is reported in
    // one run (keeping the first occurrence). Any other YAML error stops here.
    const onlyDuplicates = parseDiagnostics.every((d) => d.severity !== 'error' || d.rule === 'agent-config/duplicate-key');
    if (!onlyDuplicates || !source.doc) return { ok: false, diagnostics: parseDiagnostics };
    try {
      dropRepeatedKeys(source.doc.contents);
      value = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return { ok: false, diagnostics: parseDiagnostics };
    }
  }
  const result = resolveAgentConfig(value, source);
  const diagnostics = [...parseDiagnostics, ...result.diagnostics];
  if (parseDiagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return result.ok ? { ok: true, value: result.value, diagnostics } : { ok: false, diagnostics };
}

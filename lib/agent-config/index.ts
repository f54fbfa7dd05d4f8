/**
 * The `remote_development` settings of a GitLab agent config (`.gitlab/agents/<agent>/config.yaml`):
 * types, defaults, validation with positions, YAML output and the max-resources digest. Pure: text in,
 * values out; the CLI reads the files.
 */
import { CheckedFile, parseChecked } from '../common/reporter';
import { AgentConfigOptions, resolveAgentConfig } from './resolve';
import { RemoteDevelopmentSettings } from './types';

export * from './types';
export { defaultAgentConfig, DEFAULT_EGRESS, FILE_DEFAULTS, MAX_HOURS_BEFORE_TERMINATION, PREVIEW_DNS_ZONE, RFC1918_BLOCKS, UNLIMITED_QUOTA } from './defaults';
export { resolveAgentConfig, SETTING_KEYS, AGENT_CONFIG_KEYS, REMOVED_SETTING_KEYS } from './resolve';
export type { AgentConfigOptions } from './resolve';
export { serializeAgentConfig, toFileShape } from './serialize';
export type { SerializeAgentConfigOptions } from './serialize';
export { maxResourcesSha256, maxResourcesRubyString } from './max-resources-sha256';
export { INSTANCE_METADATA_CIDR, NODE_CREDENTIAL_ENDPOINTS, POD_IDENTITY_AGENT_CIDR, SECURE_DEFAULT_EGRESS, SECURE_DEFAULT_RESOURCES, withSecureAgentDefaults } from './secure-defaults';

/** Agent config files are small; refuse anything larger than this before parsing. */
export const AGENT_CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * Parses and checks an agent config file. The root is a mapping with a `remote_development` key
 * (other agent modules' keys, such as `gitops`, `ci_access`, `user_access`, `observability` and
 * `container_scanning`, are ignored), or, for convenience, a bare `remote_development` mapping whose
 * keys are all settings. Every problem is reported with file, line and column.
 *
 * YAML `<<` merge keys are resolved, as the GitLab agent's YAML 1.1 reader does. The result carries the
 * parsed `source`, to locate later diagnostics about these settings.
 */
export function parseAgentConfig(text: string, file: string, options: AgentConfigOptions = {}): CheckedFile<RemoteDevelopmentSettings> {
  return parseChecked(
    text,
    { file, maxBytes: AGENT_CONFIG_MAX_BYTES, rulePrefix: 'agent-config', merge: true, documentName: 'an agent config' },
    (value, source) => resolveAgentConfig(value, source, options),
  );
}

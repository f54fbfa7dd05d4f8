/** The stack config loader (stacks/config/load.ts: YAML, schema, semantic rules; no cdktf), as preflight reads it. */
export { CONFIG_ENV_VAR, DEFAULT_CONFIG_RELATIVE_PATH, loadConfigFile, resolveConfigPath } from '../../stacks/config/load';
export type { WorkspacesConfig } from '../../stacks/config/types';

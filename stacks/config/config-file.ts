/**
 * Where the stack config comes from (constants only, so a command can name them without loading the
 * loader and its schema validator).
 */

/** The environment variable that names the config file. */
export const CONFIG_ENV_VAR = 'WORKSPACES_CONFIG';
/** The config used when the environment variable is not set, relative to the repository root. */
export const DEFAULT_CONFIG_RELATIVE_PATH = 'examples/default/workspaces.config.yaml';

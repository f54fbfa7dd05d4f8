/**
 * Devfile loading and checking (pure apart from `readDevfileFile`): `loadDevfile(text, options)` parses a
 * devfile, checks it against the official schema and the rules of its mode (`gitlab` or `devfile`), and
 * returns the normalized model the workspace renderer consumes, with every problem as a diagnostic.
 */
export { loadDevfile, loadDevfileWithSource, loadProcessedDevfile, MAX_DEVFILE_BYTES } from './load';
export type { LoadDevfileOptions, LoadedDevfile } from './load';
export { readDevfileFile } from './read';
export { commandsRunBy } from './commands';
export { RULES, rulesFor, INJECT_EDITOR_ATTRIBUTE, GITLAB_EXEC_KEYS, GITLAB_SCHEMA_VERSION } from './rules';
export type { Rule } from './rules';
export * from './model';

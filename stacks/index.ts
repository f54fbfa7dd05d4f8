/**
 * The ready app's public API (re-exported from the package root): the two stacks, the function that adds
 * both to an app, and the config loader they take their config from.
 */
export { buildApp } from './app';
export type { BuildAppOptions, WorkspacesApp } from './app';
export { WorkspacesClusterStack } from './cluster-stack';
export type { WorkspacesClusterStackProps } from './cluster-stack';
export { WorkspacesPlatformStack, platformStackId } from './platform-stack';
export type { WorkspacesPlatformStackProps } from './platform-stack';
export { GitLabSide, GITLAB_VARIABLES, manualSteps } from './gitlab-side';
export type { GitLabSideProps } from './gitlab-side';
export { CLUSTER_OUTPUTS, CLUSTER_STATE_DATA_SOURCE, ClusterStackOutputs } from './cluster-outputs';
export type { ClusterOutputName } from './cluster-outputs';
export { PROVIDER_SOURCES, TERRAFORM_REQUIRED_VERSION, TerraformSettings } from './terraform-settings';
export { configStateBackend, localStatePath, stateKey } from './state-backend';
export type { StackBackendFactory } from './state-backend';
export { CONFIG_ENV_VAR, configSchema, DEFAULT_CONFIG_RELATIVE_PATH, loadConfigFile, loadConfigText, MAX_CONFIG_BYTES, resolveConfigPath } from './config/load';
export type { SemanticOptions } from './config/semantic';
export { stackCapacity, stackCapacityInput, stackCost } from './config/capacity';
export * from './config/types';
export { headroomRequests, prePullImages, START_STEP_SECONDS, workspaceStartCase } from './config/fast-start';
export type { StartCase, StartEstimate } from './config/fast-start';

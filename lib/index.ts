/**
 * cdktf-gitlab-workspaces: the public API.
 *
 * The pure parts can be imported on their own without loading cdktf:
 *   lib/devfile       devfile loading and GitLab's devfile rules
 *   lib/agent-config  the agent's remote_development settings
 *   lib/workspace     the per-workspace Kubernetes objects renderer
 *   lib/capacity      how many workspaces a stack holds, and its idle cost
 * Importing this root module also loads the constructs (cdktf and the providers).
 */
export * from './common/diagnostics';
export * from './common/gitlab-version';
export * from './devfile';
export * from './agent-config';
export {
  renderProcessedDevfileResult,
  renderWorkspace,
  renderWorkspaceResult,
  processWorkspaceDevfile,
  serializeObjects,
  toJsonArray,
  toYamlStream,
  canonicalQuantity,
  formatQuantity,
  parseQuantity,
  workspaceConstants,
} from './workspace';
export type { ExtensionMarketplace, RenderProcessedDevfileInput, RenderWorkspaceInput, RenderOptions, OutputFormat, Quantity } from './workspace';
export * from './workspace/identity';
export { DEFAULT_SIZED_DEVFILE, defaultWorkspaceRequests, podSchedulingRequests } from './workspace/pod-requests';
export type { PodRequests } from './workspace/pod-requests';
/** Kubernetes object shapes the renderer emits (named apart from the devfile model's Container, EnvVar...). */
export * as k8s from './workspace/kubernetes';
export { Workspace } from './workspace/workspace-construct';
export type { WorkspaceProps } from './workspace/workspace-construct';
export * from './cluster';
export * from './capacity';
export * from './runtimes';
export * from './gitlab';
/**
 * The ready app: both stacks, `buildApp` to add them to an App (with the caller's backend), and the config
 * loader. (stacks/ builds on lib/; it is re-exported here so the package has one root.)
 */
export * from '../stacks';
/**
 * Preflight (`gitlab-workspaces preflight`): the checks a stack config implies, and running them through
 * any implementation of `PreflightAws` (the command's own, over the AWS SDK, is bundled into the CLI so the
 * package does not depend on the SDK).
 */
export { planChecks, nodeGroupSets, runChecks, standardFamily, STACK_ADDONS, VCPU_QUOTAS, checkLine, textReport, jsonReport, preflightExitCode } from './preflight';
export type {
  CheckSpec, CheckKind, CheckResult, CheckStatus, NodeGroupSet, ZoneSource, PreflightAws, PreflightReport, PreflightOutcome, PreflightJson,
  CallerIdentity, RegionInfo, ZoneInfo, SubnetInfo, AddonVersions, HostedZoneInfo,
} from './preflight';

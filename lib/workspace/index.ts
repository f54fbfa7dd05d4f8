/**
 * The pure workspace renderer: devfile + agent config + workspace identity -> the Kubernetes objects
 * GitLab creates for that workspace. Importing this module does not load cdktf; the `Workspace`
 * construct lives in `./workspace-construct`.
 */
export { processWorkspaceDevfile, renderProcessedDevfileResult, renderWorkspace, renderWorkspaceResult } from './render';
export type { RenderProcessedDevfileInput, RenderWorkspaceInput } from './render';
export type { ExtensionMarketplace, RenderOptions } from './context';
export * from './identity';
export { serializeObjects, toJsonArray, toYamlStream } from './serialize';
export type { OutputFormat } from './serialize';
export { canonicalQuantity, formatQuantity, parseQuantity } from '../common/quantity';
export type { Quantity } from '../common/quantity';
export * from './kubernetes';
export * as workspaceConstants from '../common/gitlab-contract';

/**
 * cdktf-gitlab-workspaces: the public API. The pure parts (devfile, agent config, workspace renderer)
 * are importable on their own from their folders without loading cdktf.
 */
export * from './common/diagnostics';

/**
 * Capacity and idle cost of a stack (pure: no cdktf, no I/O). The renderer-based workspace demand
 * (./workspace-demand.ts) is exported from the package root, not here, so importing this index does
 * not load the workspace renderer.
 */
export * from './capacity';
export * from './cost';
export * from './default-workspace';
export * from './instance-specs';
export * from './prices';

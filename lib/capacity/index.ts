/**
 * Capacity and idle cost of a stack (pure: no cdktf, no I/O, and not the workspace renderer: the
 * default-sized workspace comes from the agent settings, ./default-workspace.ts).
 */
export * from './capacity';
export * from './cost';
export * from './default-workspace';
export * from './instance-specs';
export * from './prices';

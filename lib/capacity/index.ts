/** Capacity and idle cost of a stack (pure: no cdktf, no I/O). */
export * from './capacity';
export * from './cost';
export * from './instance-specs';
export * from './prices';

/**
 * Sudo runtimes for workspaces (Sysbox, Kata Containers, Kubernetes user namespaces) behind one small
 * interface (SudoRuntime: which nodes, which RuntimeClass, which agent settings), and the constructs that
 * install them (RuntimeInstallation). Everything but the constructs is pure.
 */
export * from './types';
export * from './agent-settings';
export * from './sudo-runtime';
export * from './sysbox';
export * from './kata';
export * from './user-namespaces';
export * from './runtime-class';
export * from './sysbox-installer';
export * from './kata-deploy';
export * from './runtime-installation';
export * from './smoke-test';

/**
 * Sudo runtimes for workspaces (Sysbox, Kata Containers, Kubernetes user namespaces) behind one small
 * interface: which nodes, which installer, which agent settings.
 */
export * from './agent-settings';

/**
 * The runtime a config names, with its settings (pure): the one place that maps `runtime: <name>` to the
 * runtime's answers (see SudoRuntime).
 */
import { KataOptions, kataRuntime } from './kata';
import { SysboxOptions, sysboxRuntime } from './sysbox';
import { RuntimeName, SudoRuntime } from './types';
import { userNamespacesRuntime } from './user-namespaces';

/** Each runtime's settings (the stack config's `runtimes` section); only the chosen runtime's apply. */
export interface RuntimeOptions {
  readonly sysbox?: SysboxOptions;
  readonly kata?: KataOptions;
}

/** No sudo runtime: workspaces run with the node's runc, as GitLab's defaults have them. */
export const NO_RUNTIME: SudoRuntime = {
  name: 'none',
  // runc with containerd's default profile: what Docker has always run containers with.
  nodes: () => ({ templateLabels: {}, taints: [], autoscalerLabels: {}, seccompDefault: true }),
  agentSettings: {},
};

/** The runtime of a name, built from its settings. */
export function sudoRuntime(name: RuntimeName, options: RuntimeOptions = {}): SudoRuntime {
  switch (name) {
    case 'none':
      return NO_RUNTIME;
    case 'sysbox':
      return sysboxRuntime(options.sysbox);
    case 'kata':
      return kataRuntime(options.kata);
    case 'user-namespaces':
      return userNamespacesRuntime();
  }
}

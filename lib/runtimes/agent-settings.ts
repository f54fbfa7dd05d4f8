/**
 * What a sudo runtime asks of the GitLab agent's `remote_development` settings (pure). The stack's agent
 * config takes these over the user's settings, so a runtime's nodes, installer and agent settings always
 * agree. Each runtime (Sysbox, Kata Containers, Kubernetes user namespaces) adds its entry here; `none`
 * asks for nothing.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';

/** The runtimes the stack config offers (`runtime: ...`). */
export const RUNTIME_NAMES = ['none'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** The agent settings a runtime decides; anything else stays the user's. */
export type RuntimeAgentSettings = Partial<Pick<RemoteDevelopmentSettings,
  'defaultRuntimeClass' | 'allowPrivilegeEscalation' | 'useKubernetesUserNamespaces' | 'annotations'>>;

/** The agent settings of a runtime. */
export function runtimeAgentSettings(runtime: RuntimeName): RuntimeAgentSettings {
  switch (runtime) {
    case 'none':
      return {};
  }
}

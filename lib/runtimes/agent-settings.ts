/**
 * What a sudo runtime asks of the GitLab agent's `remote_development` settings (pure). The stack's agent
 * config takes these over the user's settings (applyRuntimeAgentSettings), so a runtime's nodes,
 * installer and agent settings always agree:
 * - none: nothing;
 * - sysbox: `default_runtime_class: sysbox-runc`, `allow_privilege_escalation: true`, and on containerd
 *   nodes `use_kubernetes_user_namespaces: true` (Sysbox expects pods in a user namespace there), on
 *   CRI-O nodes the annotation `io.kubernetes.cri-o.userns-mode: "auto:size=65536"` instead;
 * - kata: `default_runtime_class: <its RuntimeClass>` and `allow_privilege_escalation: true`;
 * - user-namespaces: `use_kubernetes_user_namespaces: true` and `allow_privilege_escalation: true`.
 */
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { RuntimeOptions, sudoRuntime } from './sudo-runtime';
import { RuntimeAgentSettings, RuntimeName } from './types';

export { RUNTIME_NAMES } from './types';
export type { RuntimeAgentSettings, RuntimeName } from './types';

/** The agent settings of a runtime, with its settings (the stack config's `runtimes` section). */
export function runtimeAgentSettings(runtime: RuntimeName, options: RuntimeOptions = {}): RuntimeAgentSettings {
  return sudoRuntime(runtime, options).agentSettings;
}

/** A runtime's agent settings as the agent config file spells them (snake_case keys under `remote_development`). */
export function runtimeAgentSettingsFileShape(settings: RuntimeAgentSettings): Record<string, unknown> {
  return {
    ...(settings.defaultRuntimeClass !== undefined && { default_runtime_class: settings.defaultRuntimeClass }),
    ...(settings.allowPrivilegeEscalation !== undefined && { allow_privilege_escalation: settings.allowPrivilegeEscalation }),
    ...(settings.useKubernetesUserNamespaces !== undefined && { use_kubernetes_user_namespaces: settings.useKubernetesUserNamespaces }),
    ...(settings.annotations !== undefined && { annotations: { ...settings.annotations } }),
  };
}

/**
 * The user's settings with a runtime's settings over them. Annotations are merged key by key (the
 * runtime's win), so the user's own annotations stay.
 */
export function applyRuntimeAgentSettings(settings: RemoteDevelopmentSettings, runtime: RuntimeAgentSettings): RemoteDevelopmentSettings {
  return {
    ...settings,
    ...runtime,
    annotations: { ...settings.annotations, ...runtime.annotations },
  };
}

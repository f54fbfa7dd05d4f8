/**
 * What a sudo runtime asks of the GitLab agent's `remote_development` settings (pure). The stack's agent
 * config adds these to the user's settings with mergeRuntimeAgentSettings, which refuses a user setting
 * that says otherwise, so a runtime's nodes, installer and agent settings always agree:
 * - none: nothing;
 * - sysbox: `default_runtime_class: sysbox-runc`, `allow_privilege_escalation: true`, and on containerd
 *   nodes `use_kubernetes_user_namespaces: true` (Sysbox expects pods in a user namespace there), on
 *   CRI-O nodes the annotation `io.kubernetes.cri-o.userns-mode: "auto:size=65536"` instead;
 * - kata: `default_runtime_class: <its RuntimeClass>` and `allow_privilege_escalation: true`;
 * - user-namespaces: `use_kubernetes_user_namespaces: true` and `allow_privilege_escalation: true`.
 */
import { isMapping } from '../common/reporter';
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

/** A setting the user wrote that contradicts the runtime's. */
export interface RuntimeSettingConflict {
  /** Where, under `remote_development`: `['default_runtime_class']`, or `['annotations', <key>]`. */
  readonly path: readonly string[];
  /** What the user wrote. */
  readonly written: unknown;
  /** What the runtime needs. */
  readonly wanted: unknown;
}

/** The user's settings with a runtime's added (see mergeRuntimeAgentSettings). */
export interface MergedRuntimeAgentSettings {
  /** The settings, in the agent config file's form (the user's mapping is not changed). */
  readonly settings: Record<string, unknown>;
  /** Where the runtime's values went (paths under `remote_development`), for diagnostics about them. */
  readonly fromRuntime: ReadonlyArray<readonly string[]>;
  /** User settings that contradict the runtime: each is a mistake to report, and the runtime's value is taken. */
  readonly conflicts: readonly RuntimeSettingConflict[];
}

/**
 * Adds a runtime's agent settings to settings in the agent config file's form (`remote_development`'s
 * snake_case mapping): a setting left out takes the runtime's value; one written with the same value
 * stays; one written with another value of the same type is a conflict (the runtime's value is taken, so
 * the checker reports the one mistake once); one of another type is left for the checker to report.
 * Annotations are merged key by key, so the user's own annotations stay. The only merge of runtime
 * settings: the ready stack reports each conflict as an error naming the runtime.
 */
export function mergeRuntimeAgentSettings(written: Readonly<Record<string, unknown>>, runtime: RuntimeAgentSettings): MergedRuntimeAgentSettings {
  const settings: Record<string, unknown> = { ...written };
  const fromRuntime: string[][] = [];
  const conflicts: RuntimeSettingConflict[] = [];
  for (const [key, wanted] of Object.entries(runtimeAgentSettingsFileShape(runtime))) {
    const value = written[key];
    if (isMapping(wanted)) {
      if (value !== undefined && value !== null && !isMapping(value)) continue; // the checker reports the type
      const merged: Record<string, unknown> = isMapping(value) ? { ...value } : {};
      for (const [k, v] of Object.entries(wanted)) {
        if (merged[k] !== undefined && merged[k] !== v) conflicts.push({ path: [key, k], written: merged[k], wanted: v });
        merged[k] = v;
        fromRuntime.push([key, k]);
      }
      settings[key] = merged;
    } else if (value === undefined || value === null) {
      settings[key] = wanted;
      fromRuntime.push([key]);
    } else if (typeof value === typeof wanted && value !== wanted) {
      conflicts.push({ path: [key], written: value, wanted });
      settings[key] = wanted;
      fromRuntime.push([key]);
    }
  }
  return { settings, fromRuntime, conflicts };
}

/**
 * Writes settings back as an agent config file (`{remote_development: {...}}`, snake_case keys, in the
 * order of GitLab's documentation), with the `yaml` package. Pure.
 *
 * Every setting is written, defaults included, so the committed file says exactly what GitLab uses;
 * the one exception is an empty `dns_zone`, which is left out (see toFileShape).
 * String values are double-quoted, and so are label and annotation keys: the GitLab agent reads its
 * config with a YAML 1.1 parser, where a plain `on`, `yes` or `1:20` is not a string.
 */
import { Document, isScalar, Scalar, visit } from 'yaml';
import { DEFAULT_GITLAB_VERSION, gitlabBehaviour, GitLabVersion } from '../common/gitlab-version';
import { FILE_DEFAULTS } from './defaults';
import { SETTING_KEYS } from './resolve';
import { CpuMemory, RemoteDevelopmentSettings, ResourceSetting } from './types';

/** Keys this file writes itself; any other mapping key (labels, annotations) is user data and gets quoted. */
const STRUCTURAL_KEYS = new Set<string>([
  'remote_development', ...SETTING_KEYS, 'namespace', 'enabled', 'egress', 'allow', 'except',
  'requests', 'limits', 'cpu', 'memory', 'name', 'http_enabled', 'ssh_enabled',
]);

export interface SerializeAgentConfigOptions {
  /**
   * The GitLab version the file is for: `gitlab_workspaces_proxy.http_enabled` and `ssh_enabled` are
   * written for GitLab 18.4 and later, and for older versions only when they differ from their default
   * (true), so that no setting is silently lost (that GitLab then refuses the file, as it should).
   * @default DEFAULT_GITLAB_VERSION
   */
  readonly gitlabVersion?: GitLabVersion;
}

/** The agent config file text for these settings. `parseAgentConfig(serializeAgentConfig(s))` gives back `s`. */
export function serializeAgentConfig(settings: RemoteDevelopmentSettings, options: SerializeAgentConfigOptions = {}): string {
  const doc = new Document({ remote_development: toFileShape(settings, options) });
  visit(doc, {
    Pair(_, pair, path) {
      // Label and annotation keys sit directly under the `labels` / `annotations` mappings.
      const parentPair = path[path.length - 2];
      const parentKey = parentPair && 'key' in parentPair && isScalar(parentPair.key) ? String(parentPair.key.value) : '';
      if (isScalar(pair.key) && (parentKey === 'labels' || parentKey === 'annotations' || !STRUCTURAL_KEYS.has(String(pair.key.value)))) {
        pair.key.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

/** The settings as the snake_case mapping that goes under `remote_development`. */
export function toFileShape(s: RemoteDevelopmentSettings, options: SerializeAgentConfigOptions = {}): Record<string, unknown> {
  const proxy = s.gitlabWorkspacesProxy;
  const proxyDefaults = FILE_DEFAULTS.gitlabWorkspacesProxy;
  const writeAll = gitlabBehaviour(options.gitlabVersion ?? DEFAULT_GITLAB_VERSION).proxyEnablementSettings;
  return {
    enabled: s.enabled,
    // '' only when the proxy serves no HTTP (GitLab 18.4+): the key is optional then, and an empty one says nothing.
    ...(s.dnsZone !== '' && { dns_zone: s.dnsZone }),
    gitlab_workspaces_proxy: {
      namespace: proxy.namespace,
      ...((writeAll || proxy.httpEnabled !== proxyDefaults.httpEnabled) && { http_enabled: proxy.httpEnabled }),
      ...((writeAll || proxy.sshEnabled !== proxyDefaults.sshEnabled) && { ssh_enabled: proxy.sshEnabled }),
    },
    network_policy: {
      enabled: s.networkPolicy.enabled,
      egress: s.networkPolicy.egress.map((rule) =>
        rule.except === undefined ? { allow: rule.allow } : { allow: rule.allow, except: [...rule.except] },
      ),
    },
    default_resources_per_workspace_container: resources(s.defaultResourcesPerWorkspaceContainer),
    max_resources_per_workspace: resources(s.maxResourcesPerWorkspace),
    workspaces_quota: s.workspacesQuota,
    workspaces_per_user_quota: s.workspacesPerUserQuota,
    use_kubernetes_user_namespaces: s.useKubernetesUserNamespaces,
    default_runtime_class: s.defaultRuntimeClass,
    allow_privilege_escalation: s.allowPrivilegeEscalation,
    image_pull_secrets: s.imagePullSecrets.map((p) => ({ name: p.name, namespace: p.namespace })),
    annotations: { ...s.annotations },
    labels: { ...s.labels },
    max_active_hours_before_stop: s.maxActiveHoursBeforeStop,
    max_stopped_hours_before_termination: s.maxStoppedHoursBeforeTermination,
    shared_namespace: s.sharedNamespace,
  };
}

function resources(r: ResourceSetting): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.requests) out.requests = cpuMemory(r.requests);
  if (r.limits) out.limits = cpuMemory(r.limits);
  return out;
}

function cpuMemory(c: CpuMemory): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.cpu !== undefined) out.cpu = c.cpu;
  if (c.memory !== undefined) out.memory = c.memory;
  return out;
}

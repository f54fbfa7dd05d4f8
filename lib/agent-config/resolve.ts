/**
 * Checks the `remote_development` settings of an agent config and fills in defaults: every rule of
 * reference section 4, matched against GitLab's own validators (`RemoteDevelopment::WorkspacesAgentConfig`
 * and the validators it names). Where this checker is stricter than GitLab it is because Kubernetes
 * would refuse the objects GitLab then generates; each such place says so. Pure.
 */
import { Result } from '../common/diagnostics';
import { DEFAULT_GITLAB_VERSION, GITLAB_CHANGES, gitlabBehaviour, GitLabVersion } from '../common/gitlab-version';
import { YamlPath, YamlSource } from '../common/yaml-source';
import { DEFAULT_EGRESS, FILE_DEFAULTS, MAX_HOURS_BEFORE_TERMINATION, UNLIMITED_QUOTA } from './defaults';
import {
  Cidr,
  cidrStrictlyContains,
  compareQuantities,
  cpuQuantityProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  hostNameProblem,
  labelValueProblem,
  memoryQuantityProblem,
  parseCidr,
  qualifiedNameProblem,
  reservedPrefixSuffix,
} from './kubernetes-rules';
import { closest, describeValue, isMapping, Reporter } from '../common/reporter';
import { CpuMemory, EgressRule, GitLabWorkspacesProxySettings, ImagePullSecret, RemoteDevelopmentSettings, ResourceSetting } from './types';

/** The keys of the `remote_development` mapping, in the order of GitLab's documentation. */
export const SETTING_KEYS = [
  'enabled',
  'dns_zone',
  'gitlab_workspaces_proxy',
  'network_policy',
  'default_resources_per_workspace_container',
  'max_resources_per_workspace',
  'workspaces_quota',
  'workspaces_per_user_quota',
  'use_kubernetes_user_namespaces',
  'default_runtime_class',
  'allow_privilege_escalation',
  'image_pull_secrets',
  'annotations',
  'labels',
  'max_active_hours_before_stop',
  'max_stopped_hours_before_termination',
  'shared_namespace',
] as const;

/**
 * Top-level keys of a GitLab agent config file (`agentcfg.ConfigurationFile`). Only
 * `remote_development` is read; the others belong to other agent modules and are ignored.
 */
export const AGENT_CONFIG_KEYS = [
  'gitops',
  'observability',
  'ci_access',
  'container_scanning',
  'starboard',
  'user_access',
  'remote_development',
  'flux',
] as const;

/**
 * Settings GitLab has removed, with what replaced them. GitLab no longer reads them, so a file that
 * still has them does not do what its author thinks: each is an error that names its replacement.
 */
export const REMOVED_SETTING_KEYS: Readonly<Record<string, string>> = Object.freeze({
  default_max_hours_before_termination:
    'GitLab 17 replaced it with `max_active_hours_before_stop` (a running workspace stops after this many hours) and `max_stopped_hours_before_termination` (a stopped one is then terminated)',
  max_hours_before_termination_limit:
    'GitLab 17 replaced it with `max_active_hours_before_stop` and `max_stopped_hours_before_termination`, which together may be at most 8760 hours',
  partial_sync_interval:
    'the GitLab agent 17.0 removed it; the agent now syncs workspaces on a fixed schedule (a partial sync every 10 seconds)',
  full_sync_interval:
    'the GitLab agent 17.0 removed it; the agent now syncs workspaces on a fixed schedule (a full sync every hour)',
});

/** Total size Kubernetes allows for all annotations of one object (keys plus values, in bytes). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const RULE = 'agent-config';

/** Options of the agent config checker. */
export interface AgentConfigOptions {
  /**
   * The GitLab version the agent talks to: keys a version does not read (`http_enabled` and `ssh_enabled`
   * of `gitlab_workspaces_proxy` before 18.4) are errors that say which version introduced them.
   * @default DEFAULT_GITLAB_VERSION
   */
  readonly gitlabVersion?: GitLabVersion;
}

/**
 * Checks an agent config value and returns the settings with every default filled in.
 *
 * `input` is either a whole agent config (a mapping with a `remote_development` key; other agent
 * modules' keys are ignored) or a bare `remote_development` mapping (every key a setting key). With a
 * `source`, diagnostics carry the file, line and column of the node at fault.
 */
export function resolveAgentConfig(input: unknown, source?: YamlSource, options: AgentConfigOptions = {}): Result<RemoteDevelopmentSettings> {
  const r = new Reporter(source?.file ?? '<agent-config>', source, RULE);
  const located = locateSettings(input, r);
  const settings = located ? checkSettings(located.value, located.path, r, options.gitlabVersion ?? DEFAULT_GITLAB_VERSION) : undefined;
  if (!settings || r.hasErrors) return { ok: false, diagnostics: r.diagnostics };
  return { ok: true, value: settings, diagnostics: r.diagnostics };
}

/** Finds the settings mapping in the document, reporting a root that has none. */
function locateSettings(input: unknown, r: Reporter): { value: unknown; path: YamlPath } | undefined {
  if (!isMapping(input)) {
    r.error([], 'root', `an agent config must be a mapping with a \`remote_development\` key; found ${describeValue(input)}`);
    return undefined;
  }
  const keys = Object.keys(input);
  const settingKeys = keys.filter((k) => (SETTING_KEYS as readonly string[]).includes(k));
  if ('remote_development' in input) {
    for (const k of settingKeys) {
      r.error([k], 'misplaced-key', `\`${k}\` is a remote development setting; move it under \`remote_development\``, true);
    }
    for (const k of keys) {
      if (!(AGENT_CONFIG_KEYS as readonly string[]).includes(k) && !settingKeys.includes(k)) {
        const guess = closest(k, AGENT_CONFIG_KEYS);
        r.warning([k], 'unknown-section',
          `\`${k}\` is not an agent config section this tool knows${guess ? ` (did you mean \`${guess}\`?)` : ''}; it is ignored here, but the GitLab agent may refuse the file; known sections: ${AGENT_CONFIG_KEYS.join(', ')}`, true);
      }
    }
    return { value: input.remote_development, path: ['remote_development'] };
  }
  // A bare settings mapping: setting keys and no agent config section. Its other keys are unknown
  // settings (reported with the closest setting name), not misplaced sections.
  const sectionKeys = keys.filter((k) => (AGENT_CONFIG_KEYS as readonly string[]).includes(k));
  if (settingKeys.length > 0 && sectionKeys.length === 0) return { value: input, path: [] };
  if (settingKeys.length > 0) {
    for (const k of settingKeys) {
      r.error([k], 'misplaced-key', `\`${k}\` is a remote development setting; move it under \`remote_development\``, true);
    }
  }
  const typo = closest('remote_development', keys);
  r.error(
    typo ? [typo] : [],
    'missing-section',
    typo
      ? `the agent config has no \`remote_development\` section; \`${typo}\` looks like a misspelling of it`
      : 'the agent config has no `remote_development` section; add `remote_development:` with at least `dns_zone` (the other agent config sections are ignored here)',
    true,
  );
  return undefined;
}

function checkSettings(value: unknown, base: YamlPath, r: Reporter, gitlabVersion: GitLabVersion): RemoteDevelopmentSettings | undefined {
  const where = base.length ? '`remote_development`' : 'the remote development settings';
  // `remote_development:` with nothing after it is an empty mapping: every setting takes its default.
  const s: Record<string, unknown> = value === null || value === undefined ? {} : (value as Record<string, unknown>);
  if (!isMapping(s)) {
    r.wrongType(base, 'remote_development', 'a mapping of settings', value);
    return undefined;
  }
  const removed = Object.keys(s).filter((k) => Object.prototype.hasOwnProperty.call(REMOVED_SETTING_KEYS, k));
  for (const k of removed) {
    r.error([...base, k], 'removed-key', `\`${k}\` is no longer a remote development setting: ${REMOVED_SETTING_KEYS[k]}`, true);
  }
  r.unknownKeys(Object.fromEntries(Object.entries(s).filter(([k]) => !removed.includes(k))), SETTING_KEYS, base, where);
  const at = (...p: Array<string | number>): YamlPath => [...base, ...p];
  const d = FILE_DEFAULTS;

  const enabled = readBool(s, 'enabled', d.enabled, base, r);
  const gitlabWorkspacesProxy = readProxy(s.gitlab_workspaces_proxy, at('gitlab_workspaces_proxy'), r, gitlabVersion);
  // GitLab 18.4+: without the proxy serving HTTP, workspaces are served by the instance and need no dns_zone.
  const dnsZone = readDnsZone(s, base, r, gitlabWorkspacesProxy?.httpEnabled === false, gitlabBehaviour(gitlabVersion).proxyEnablementSettings);
  const networkPolicy = readNetworkPolicy(s.network_policy, at('network_policy'), r);
  const defaultResourcesPerWorkspaceContainer = readResources(s.default_resources_per_workspace_container, at('default_resources_per_workspace_container'), r);
  const maxResourcesPerWorkspace = readResources(s.max_resources_per_workspace, at('max_resources_per_workspace'), r);
  const workspacesQuota = readInt(s, 'workspaces_quota', d.workspacesQuota, UNLIMITED_QUOTA, undefined, base, r,
    'an integer of at least -1 (-1: no limit, 0: no new workspaces)');
  const workspacesPerUserQuota = readInt(s, 'workspaces_per_user_quota', d.workspacesPerUserQuota, UNLIMITED_QUOTA, undefined, base, r,
    'an integer of at least -1 (-1: no limit, 0: no new workspaces)');
  const useKubernetesUserNamespaces = readBool(s, 'use_kubernetes_user_namespaces', d.useKubernetesUserNamespaces, base, r);
  const defaultRuntimeClass = readName(s, 'default_runtime_class', base, r, dns1123SubdomainProblem, 'RuntimeClass name');
  const allowPrivilegeEscalation = readBool(s, 'allow_privilege_escalation', d.allowPrivilegeEscalation, base, r);
  const imagePullSecrets = readImagePullSecrets(s.image_pull_secrets, at('image_pull_secrets'), r);
  const annotations = readAnnotations(s.annotations, at('annotations'), r);
  const labels = readLabels(s.labels, at('labels'), r);
  const hoursAllowed = `an integer from 1 to ${MAX_HOURS_BEFORE_TERMINATION} (one year)`;
  const maxActiveHoursBeforeStop = readInt(s, 'max_active_hours_before_stop', d.maxActiveHoursBeforeStop, 1, MAX_HOURS_BEFORE_TERMINATION, base, r, hoursAllowed);
  const maxStoppedHoursBeforeTermination = readInt(s, 'max_stopped_hours_before_termination', d.maxStoppedHoursBeforeTermination, 1, MAX_HOURS_BEFORE_TERMINATION, base, r, hoursAllowed);
  const sharedNamespace = readName(s, 'shared_namespace', base, r, dns1123LabelProblem, 'namespace name');

  // Rules across settings (GitLab: WorkspacesAgentConfig#validate_*).
  if (maxActiveHoursBeforeStop !== undefined && maxStoppedHoursBeforeTermination !== undefined &&
      maxActiveHoursBeforeStop + maxStoppedHoursBeforeTermination > MAX_HOURS_BEFORE_TERMINATION) {
    const key = s.max_stopped_hours_before_termination !== undefined ? 'max_stopped_hours_before_termination' : 'max_active_hours_before_stop';
    r.error(at(key), 'hours-sum',
      `\`max_active_hours_before_stop\` (${maxActiveHoursBeforeStop}) plus \`max_stopped_hours_before_termination\` (${maxStoppedHoursBeforeTermination}) is ${maxActiveHoursBeforeStop + maxStoppedHoursBeforeTermination}; together they may be at most ${MAX_HOURS_BEFORE_TERMINATION} hours`);
  }
  if (allowPrivilegeEscalation === true && useKubernetesUserNamespaces === false && defaultRuntimeClass === '') {
    r.error(at('allow_privilege_escalation'), 'privilege-escalation',
      '`allow_privilege_escalation` may be true only when `use_kubernetes_user_namespaces` is true or `default_runtime_class` names a runtime class (e.g. sysbox-runc or kata-qemu); otherwise workspace containers could gain root on the node');
  }
  if (sharedNamespace) {
    if (maxResourcesPerWorkspace && Object.keys(maxResourcesPerWorkspace).length > 0) {
      r.error(at('max_resources_per_workspace'), 'shared-namespace-max-resources',
        `\`max_resources_per_workspace\` must be {} when \`shared_namespace\` is set ("${sharedNamespace}"): a per-workspace ResourceQuota cannot be applied in a namespace that workspaces share`);
    }
    imagePullSecrets?.forEach((secret, i) => {
      if (secret.namespace !== sharedNamespace) {
        r.error(at('image_pull_secrets', i, 'namespace'), 'shared-namespace-pull-secret',
          `\`namespace\` of image pull secret "${secret.name}" is "${secret.namespace}"; with \`shared_namespace\` set it must be "${sharedNamespace}"`);
      }
    });
  }
  if (defaultResourcesPerWorkspaceContainer) warnRequestsOverLimits(defaultResourcesPerWorkspaceContainer, at('default_resources_per_workspace_container'), r);
  if (enabled === false) {
    r.warning(s.enabled === undefined ? base : at('enabled'), 'disabled',
      s.enabled === undefined
        ? '`enabled` is not set and defaults to false: GitLab creates no workspaces with this agent until it is true'
        : '`enabled` is false: GitLab creates no workspaces with this agent until it is true');
  }

  if (r.hasErrors) return undefined;
  return {
    enabled: enabled!,
    dnsZone: dnsZone!,
    gitlabWorkspacesProxy: gitlabWorkspacesProxy!,
    networkPolicy: networkPolicy!,
    defaultResourcesPerWorkspaceContainer: defaultResourcesPerWorkspaceContainer!,
    maxResourcesPerWorkspace: maxResourcesPerWorkspace!,
    workspacesQuota: workspacesQuota!,
    workspacesPerUserQuota: workspacesPerUserQuota!,
    useKubernetesUserNamespaces: useKubernetesUserNamespaces!,
    defaultRuntimeClass: defaultRuntimeClass!,
    allowPrivilegeEscalation: allowPrivilegeEscalation!,
    imagePullSecrets: imagePullSecrets!,
    annotations: annotations!,
    labels: labels!,
    maxActiveHoursBeforeStop: maxActiveHoursBeforeStop!,
    maxStoppedHoursBeforeTermination: maxStoppedHoursBeforeTermination!,
    sharedNamespace: sharedNamespace!,
  };
}

// ---------------------------------------------------------------------------------------------------
// Scalars. A key that is absent or null takes its default (as protobuf JSON does for the agent).

function readBool(s: Record<string, unknown>, key: string, dflt: boolean, base: YamlPath, r: Reporter): boolean | undefined {
  const v = s[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  const hint = typeof v === 'string' && /^(y|yes|n|no|on|off)$/i.test(v) ? ' (YAML 1.2 reads yes/no/on/off as strings: write true or false)' : '';
  r.wrongType([...base, key], key, `true or false${hint}`, v);
  return undefined;
}

function readInt(
  s: Record<string, unknown>, key: string, dflt: number, min: number, max: number | undefined,
  base: YamlPath, r: Reporter, allowed: string,
): number | undefined {
  const v = s[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)) {
    r.error([...base, key], typeof v === 'number' ? 'range' : 'type', `\`${key}\` must be ${allowed}; found ${describeValue(v)}`);
    return undefined;
  }
  return v;
}

function readDnsZone(s: Record<string, unknown>, base: YamlPath, r: Reporter, optional: boolean, proxyOptional: boolean): string | undefined {
  const v = s.dns_zone;
  const path = [...base, 'dns_zone'];
  if (optional && (v === undefined || v === null || v === '')) return '';
  if (v === undefined || v === null || v === '') {
    r.error(path, 'required', `\`dns_zone\` is required${proxyOptional ? ' (unless `gitlab_workspaces_proxy.http_enabled` is false)' : ''}: the DNS zone workspaces are served under, e.g. workspaces.example.dev (workspaces get host names <port>-<workspace>.<dns_zone>)`);
    return undefined;
  }
  if (typeof v !== 'string') {
    r.wrongType(path, 'dns_zone', 'a host name such as workspaces.example.dev', v);
    return undefined;
  }
  const problem = hostNameProblem(v);
  if (problem) {
    r.error(path, 'dns-zone', `\`dns_zone\` "${v}" must be ${problem}`);
    return undefined;
  }
  if (v !== v.toLowerCase()) {
    r.warning(path, 'dns-zone-case',
      `\`dns_zone\` "${v}" has uppercase letters; host names are case-insensitive and browsers send them in lowercase, so write "${v.toLowerCase()}" to get workspace host names that match what the proxy receives`);
  }
  return v;
}

/** An optional Kubernetes name setting where '' means "none". */
function readName(
  s: Record<string, unknown>, key: string, base: YamlPath, r: Reporter,
  check: (v: string) => string | undefined, what: string,
): string | undefined {
  const v = s[key];
  const path = [...base, key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') {
    r.wrongType(path, key, `a ${what} (a string; "" for none)`, v);
    return undefined;
  }
  if (v === '') return '';
  const problem = check(v);
  if (problem) {
    r.error(path, 'name', `\`${key}\` "${v}" must be a ${what}: ${problem}`);
    return undefined;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Nested settings

function mappingOrDefault(v: unknown, path: YamlPath, key: string, r: Reporter): Record<string, unknown> | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (!isMapping(v)) {
    r.wrongType(path, key, 'a mapping', v);
    return 'invalid';
  }
  return v;
}

/** The keys of `gitlab_workspaces_proxy`; the last two since GitLab 18.4. */
const PROXY_KEYS = ['namespace', 'http_enabled', 'ssh_enabled'] as const;
const PROXY_ENABLEMENT_KEYS = ['http_enabled', 'ssh_enabled'];
const PROXY_ENABLEMENT_SINCE = GITLAB_CHANGES.find((c) => c.set.proxyEnablementSettings)!.since;

function readProxy(v: unknown, path: YamlPath, r: Reporter, gitlabVersion: GitLabVersion): GitLabWorkspacesProxySettings | undefined {
  const m = mappingOrDefault(v, path, 'gitlab_workspaces_proxy', r);
  if (m === 'invalid') return undefined;
  if (m === undefined) return FILE_DEFAULTS.gitlabWorkspacesProxy;
  const known = gitlabBehaviour(gitlabVersion).proxyEnablementSettings;
  for (const key of PROXY_ENABLEMENT_KEYS) {
    if (!known && key in m) {
      r.error([...path, key], 'gitlab-version',
        `\`${key}\` is read by GitLab ${PROXY_ENABLEMENT_SINCE} and later; GitLab ${gitlabVersion} refuses it: remove it, or target GitLab ${PROXY_ENABLEMENT_SINCE}+`, true);
    }
  }
  r.unknownKeys(Object.fromEntries(Object.entries(m).filter(([k]) => !PROXY_ENABLEMENT_KEYS.includes(k))), known ? PROXY_KEYS : ['namespace'], path, '`gitlab_workspaces_proxy`');
  const d = FILE_DEFAULTS.gitlabWorkspacesProxy;
  const httpEnabled = readBool(m, 'http_enabled', d.httpEnabled, path, r);
  const sshEnabled = readBool(m, 'ssh_enabled', d.sshEnabled, path, r);
  const namespace = readProxyNamespace(m.namespace, [...path, 'namespace'], r);
  return namespace === undefined || httpEnabled === undefined || sshEnabled === undefined ? undefined : { namespace, httpEnabled, sshEnabled };
}

function readProxyNamespace(ns: unknown, path: YamlPath, r: Reporter): string | undefined {
  if (ns === undefined || ns === null) return FILE_DEFAULTS.gitlabWorkspacesProxy.namespace;
  if (typeof ns !== 'string') {
    r.wrongType(path, 'namespace', 'the namespace the workspaces proxy runs in (a string)', ns);
    return undefined;
  }
  // GitLab only stores this string; it becomes a namespace selector value, so it must be a namespace name.
  const problem = dns1123LabelProblem(ns);
  if (problem) {
    r.error(path, 'name', `\`namespace\` "${ns}" must be a namespace name: ${problem}`);
    return undefined;
  }
  return ns;
}

function readNetworkPolicy(v: unknown, path: YamlPath, r: Reporter): RemoteDevelopmentSettings['networkPolicy'] | undefined {
  const m = mappingOrDefault(v, path, 'network_policy', r);
  if (m === 'invalid') return undefined;
  if (m === undefined) return FILE_DEFAULTS.networkPolicy;
  r.unknownKeys(m, ['enabled', 'egress'], path, '`network_policy`');
  const enabled = readBool(m, 'enabled', true, path, r);
  const egress = readEgress(m.egress, [...path, 'egress'], r);
  return enabled === undefined || egress === undefined ? undefined : { enabled, egress };
}

function readEgress(v: unknown, path: YamlPath, r: Reporter): readonly EgressRule[] | undefined {
  if (v === undefined || v === null) return DEFAULT_EGRESS;
  if (!Array.isArray(v)) {
    r.wrongType(path, 'egress', 'a list of rules such as `- allow: 0.0.0.0/0`', v);
    return undefined;
  }
  const rules: EgressRule[] = [];
  let ok = true;
  v.forEach((item, i) => {
    const p = [...path, i];
    if (!isMapping(item)) {
      r.wrongType(p, `egress[${i}]`, 'a mapping with `allow` (a CIDR) and optional `except` (a list of CIDRs)', item);
      ok = false;
      return;
    }
    r.unknownKeys(item, ['allow', 'except'], p, `\`egress[${i}]\``);
    const allow = item.allow;
    let allowCidr: Cidr | undefined;
    if (allow === undefined || allow === null) {
      r.error([...p, 'allow'], 'required', '`allow` is required in each egress rule: the CIDR traffic may go to, e.g. 0.0.0.0/0');
      ok = false;
    } else if (typeof allow !== 'string') {
      r.wrongType([...p, 'allow'], 'allow', 'a CIDR string such as "0.0.0.0/0"', allow);
      ok = false;
    } else {
      const parsed = parseCidr(allow);
      if (!parsed.ok) {
        r.error([...p, 'allow'], 'cidr', `\`allow\` "${allow}" must be ${parsed.problem}`);
        ok = false;
      } else {
        allowCidr = parsed.cidr;
        if (parsed.cidr.hostBitsSet) {
          r.warning([...p, 'allow'], 'cidr-host-bits', `\`allow\` "${allow}" has address bits set after the prefix length; Kubernetes reads it as ${parsed.cidr.canonical}`);
        }
      }
    }
    const except = item.except;
    let exceptList: string[] | undefined;
    if (except === undefined || except === null) {
      exceptList = undefined;
    } else if (!Array.isArray(except)) {
      r.wrongType([...p, 'except'], 'except', 'a list of CIDR strings', except);
      ok = false;
    } else {
      exceptList = [];
      except.forEach((e, j) => {
        const ep = [...p, 'except', j];
        if (typeof e !== 'string') {
          r.wrongType(ep, `except[${j}]`, 'a CIDR string such as "10.0.0.0/8"', e);
          ok = false;
          return;
        }
        const parsed = parseCidr(e);
        if (!parsed.ok) {
          r.error(ep, 'cidr', `\`except[${j}]\` "${e}" must be ${parsed.problem}`);
          ok = false;
          return;
        }
        // Not checked by GitLab, but Kubernetes refuses a NetworkPolicy whose `except` is not a strict
        // subset of its `cidr` (ValidateIPBlock), so the workspace would never start.
        if (allowCidr && !cidrStrictlyContains(allowCidr, parsed.cidr)) {
          r.error(ep, 'cidr-except', `\`except[${j}]\` "${e}" must lie strictly inside \`allow\` "${allowCidr.canonical}" (same IP family, longer prefix); Kubernetes refuses the NetworkPolicy otherwise`);
          ok = false;
          return;
        }
        if (parsed.cidr.hostBitsSet) {
          r.warning(ep, 'cidr-host-bits', `\`except[${j}]\` "${e}" has address bits set after the prefix length; Kubernetes reads it as ${parsed.cidr.canonical}`);
        }
        exceptList!.push(e);
      });
    }
    if (ok && typeof allow === 'string') rules.push(exceptList === undefined ? { allow } : { allow, except: exceptList });
  });
  return ok ? rules : undefined;
}

/** `{}`, or `requests` and `limits`, each with `cpu` and `memory` strings (GitLab's WorkspaceContainerResourcesValidator). */
function readResources(v: unknown, path: YamlPath, r: Reporter): ResourceSetting | undefined {
  const key = String(path[path.length - 1]);
  if (v === undefined || v === null) return {};
  if (!isMapping(v)) {
    r.wrongType(path, key, '{} or a mapping with `requests` and `limits`', v);
    return undefined;
  }
  if (Object.keys(v).length === 0) return {};
  r.unknownKeys(v, ['requests', 'limits'], path, `\`${key}\``);
  const missing = (['requests', 'limits'] as const).filter((k) => v[k] === undefined || v[k] === null);
  // A misspelt `requests` or `limits` is already reported as an unknown key with the right name: one error per cause.
  if (missing.length > 0 && !missing.every((k) => hasMisspelling(v, ['requests', 'limits'], k))) {
    r.error(path, 'resources-shape',
      `\`${key}\` must be {} or set both \`requests\` and \`limits\` (each with \`cpu\` and \`memory\`); \`${missing.join('` and `')}\` ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  const requests = v.requests === undefined || v.requests === null ? undefined : readCpuMemory(v.requests, [...path, 'requests'], r);
  const limits = v.limits === undefined || v.limits === null ? undefined : readCpuMemory(v.limits, [...path, 'limits'], r);
  if (missing.length > 0 || !requests || !limits) return undefined;
  return { requests, limits };
}

function readCpuMemory(v: unknown, path: YamlPath, r: Reporter): CpuMemory | undefined {
  const key = String(path[path.length - 1]);
  if (!isMapping(v)) {
    r.wrongType(path, key, 'a mapping with `cpu` and `memory`', v);
    return undefined;
  }
  r.unknownKeys(v, ['cpu', 'memory'], path, `\`${key}\``);
  const cpu = readQuantity(v, 'cpu', path, r, cpuQuantityProblem);
  const memory = readQuantity(v, 'memory', path, r, memoryQuantityProblem);
  return cpu !== undefined && memory !== undefined ? { cpu, memory } : undefined;
}

function readQuantity(m: Record<string, unknown>, key: 'cpu' | 'memory', base: YamlPath, r: Reporter, check: (v: string) => string | undefined): string | undefined {
  const v = m[key];
  const path = [...base, key];
  const example = key === 'cpu' ? '"500m"' : '"512Mi"';
  if (v === undefined || v === null) {
    // A misspelt key (`cpus`) is already reported as unknown, with this name suggested.
    if (!hasMisspelling(m, ['cpu', 'memory'], key)) {
      r.error(path, 'required', `\`${key}\` is required in \`${String(base[base.length - 1])}\` (e.g. ${key}: ${example})`);
    }
    return undefined;
  }
  if (typeof v !== 'string') {
    // GitLab refuses numbers here ("must be a string"); quoting keeps the exact text GitLab hashes.
    r.wrongType(path, key, `a quoted string such as ${example}${typeof v === 'number' ? ` (write "${v}")` : ''}`, v);
    return undefined;
  }
  const problem = check(v);
  if (problem) {
    r.error(path, 'quantity', `\`${key}\` "${v}" must be ${problem}`);
    return undefined;
  }
  return v;
}

/** True when `m` has a key outside `allowed` whose likely intended spelling is `target`. */
function hasMisspelling(m: Record<string, unknown>, allowed: readonly string[], target: string): boolean {
  return Object.keys(m).some((k) => !allowed.includes(k) && closest(k, allowed) === target);
}

/** GitLab does not compare requests with limits, but Kubernetes refuses a container whose request exceeds its limit. */
function warnRequestsOverLimits(res: ResourceSetting, path: YamlPath, r: Reporter): void {
  for (const k of ['cpu', 'memory'] as const) {
    const req = res.requests?.[k];
    const lim = res.limits?.[k];
    if (req === undefined || lim === undefined) continue;
    const cmp = compareQuantities(req, lim);
    if (cmp !== undefined && cmp > 0) {
      r.warning([...path, 'requests', k], 'request-over-limit',
        `\`requests.${k}\` (${req}) is more than \`limits.${k}\` (${lim}); Kubernetes refuses a container that takes both defaults`);
    }
  }
}

function readImagePullSecrets(v: unknown, path: YamlPath, r: Reporter): readonly ImagePullSecret[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    r.wrongType(path, 'image_pull_secrets', 'a list of `{name, namespace}` mappings', v);
    return undefined;
  }
  const out: ImagePullSecret[] = [];
  const firstIndexByName = new Map<string, number>();
  let ok = true;
  v.forEach((item, i) => {
    const p = [...path, i];
    if (!isMapping(item)) {
      r.wrongType(p, `image_pull_secrets[${i}]`, 'a mapping with `name` and `namespace`', item);
      ok = false;
      return;
    }
    r.unknownKeys(item, ['name', 'namespace'], p, `\`image_pull_secrets[${i}]\``);
    const name = readRequiredName(item, 'name', p, r, dns1123SubdomainProblem, 'Secret name');
    const namespace = readRequiredName(item, 'namespace', p, r, dns1123LabelProblem, 'namespace name');
    if (name === undefined || namespace === undefined) {
      ok = false;
      return;
    }
    const first = firstIndexByName.get(name);
    if (first !== undefined) {
      r.error([...p, 'name'], 'duplicate-pull-secret',
        `image pull secret \`name\` "${name}" also appears in image_pull_secrets[${first}]; each name may appear once`);
      ok = false;
      return;
    }
    firstIndexByName.set(name, i);
    out.push({ name, namespace });
  });
  return ok ? out : undefined;
}

function readRequiredName(
  m: Record<string, unknown>, key: string, base: YamlPath, r: Reporter,
  check: (v: string) => string | undefined, what: string,
): string | undefined {
  const v = m[key];
  const path = [...base, key];
  if (v === undefined || v === null || v === '') {
    r.error(path, 'required', `\`${key}\` is required: the ${what}`);
    return undefined;
  }
  if (typeof v !== 'string') {
    r.wrongType(path, key, `a ${what} (a string)`, v);
    return undefined;
  }
  const problem = check(v);
  if (problem) {
    r.error(path, 'name', `\`${key}\` "${v}" must be a ${what}: ${problem}`);
    return undefined;
  }
  return v;
}

function checkMetadataKey(key: string, path: YamlPath, kind: 'label' | 'annotation', r: Reporter): boolean {
  const problem = qualifiedNameProblem(key);
  if (problem) {
    r.error(path, `${kind}-key`, `${kind} key "${key}" must be ${problem}`, true);
    return false;
  }
  const reserved = reservedPrefixSuffix(key);
  if (reserved) {
    r.error(path, 'reserved-prefix',
      `${kind} key "${key}" uses a reserved prefix: prefixes ending in kubernetes.io, k8s.io or gitlab.com belong to Kubernetes and GitLab (this one ends in ${reserved}); use your own domain, e.g. example.com/${key.slice(key.indexOf('/') + 1)}`, true);
    return false;
  }
  return true;
}

/** How to write a non-string label or annotation value as a string. */
function quoteHint(val: unknown): string {
  if (val === null || val === undefined) return 'write "" for an empty value';
  if (typeof val === 'number' || typeof val === 'boolean') return `quote it: "${String(val)}"`;
  return 'a list or mapping is not allowed';
}

function readLabels(v: unknown, path: YamlPath, r: Reporter): Readonly<Record<string, string>> | undefined {
  if (v === undefined || v === null) return {};
  if (!isMapping(v)) {
    r.wrongType(path, 'labels', 'a mapping of label keys to values', v);
    return undefined;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const [k, val] of Object.entries(v)) {
    const p = [...path, k];
    if (!checkMetadataKey(k, p, 'label', r)) ok = false;
    if (typeof val !== 'string') {
      r.wrongType(p, k, `a label value (a string; ${quoteHint(val)})`, val);
      ok = false;
      continue;
    }
    const problem = labelValueProblem(val);
    if (problem) {
      r.error(p, 'label-value', `value "${val}" of label "${k}" must be ${problem}`);
      ok = false;
      continue;
    }
    r.yaml11Ambiguity(p, val);
    out[k] = val;
  }
  return ok ? out : undefined;
}

function readAnnotations(v: unknown, path: YamlPath, r: Reporter): Readonly<Record<string, string>> | undefined {
  if (v === undefined || v === null) return {};
  if (!isMapping(v)) {
    r.wrongType(path, 'annotations', 'a mapping of annotation keys to string values', v);
    return undefined;
  }
  const out: Record<string, string> = {};
  let ok = true;
  let bytes = 0;
  for (const [k, val] of Object.entries(v)) {
    const p = [...path, k];
    if (!checkMetadataKey(k, p, 'annotation', r)) ok = false;
    if (typeof val !== 'string') {
      r.wrongType(p, k, `a string (annotation values are strings; ${quoteHint(val)})`, val);
      ok = false;
      continue;
    }
    r.yaml11Ambiguity(p, val);
    bytes += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(val, 'utf8');
    out[k] = val;
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    r.error(path, 'annotations-size', `\`annotations\` total ${bytes} bytes; Kubernetes allows at most ${ANNOTATIONS_MAX_BYTES} bytes of annotation keys and values per object`);
    ok = false;
  }
  return ok ? out : undefined;
}

/**
 * The agent's `remote_development` settings the ready app uses: what the user wrote in the config's
 * `gitlab.remote_development` (the same snake_case form as an agent config file), plus what the stack
 * decides, checked by lib/agent-config's own rules. A setting the CLI refuses, the stack refuses with the
 * same message, at its line and column in the stack config; a value the stack put in is reported at the
 * key it came from (`gitlab.dnsZone`, `gitlab.workspacesProxy.namespace`, `runtime`...). Pure.
 *
 * What the stack decides:
 * - `dns_zone` is `gitlab.dnsZone` and `gitlab_workspaces_proxy.namespace` is the proxy's namespace; the
 *   user may repeat them only with the same value.
 * - With `proxy: disabled`, `gitlab_workspaces_proxy.http_enabled` and `ssh_enabled` are false (GitLab 18.4+
 *   serves workspaces through its agent server; refused for an older `gitlab.version`); with the proxy,
 *   `http_enabled: false` is refused.
 * - It is written and checked for `gitlab.version`.
 * - `enabled` defaults to true (the agent exists to serve workspaces).
 * - `network_policy.egress` and `default_resources_per_workspace_container` get lib/agent-config's
 *   withSecureAgentDefaults (the instance metadata service and the EKS Pod Identity agent excepted from
 *   egress; requests and limits for every container:
 *   the autoscaler keeps a workspace node only while something on it has requests). When the user's
 *   `max_resources_per_workspace` is below them, synth stops and says what to set (see
 *   stackDefaultResourcesProblem): lowering them silently would hand out less than the user thinks.
 * - `network_policy.egress` gets an `allow` rule for each of `gitlab.privateCidrs` (a GitLab instance on
 *   private addresses, which GitLab's default egress rule excepts; after the default or the user's rules).
 * - `image_pull_secrets` gets the stack's registry Secret (`gitlab.imagePullSecret`).
 * - The runtime's settings (lib/runtimes, with the config's `runtimes` options) are added to the user's
 *   with mergeRuntimeAgentSettings; a user setting that contradicts them is an error.
 */
import { Diagnostic, hasErrors, Result } from '../../lib/common/diagnostics';
import { diagnosticAt, isMapping } from '../../lib/common/reporter';
import { Cidr, cidrContains, cidrOverlaps, egressReaches, parseCidr } from '../../lib/common/cidr';
import { compareParsedQuantities, parseQuantity } from '../../lib/common/quantity';
import { YamlPath, YamlSource } from '../../lib/common/yaml-source';
import { defaultAgentConfig, NODE_CREDENTIAL_ENDPOINTS, RFC1918_BLOCKS, PREVIEW_DNS_ZONE, RemoteDevelopmentSettings, resolveAgentConfig, ResourceSetting, SECURE_DEFAULT_RESOURCES, withSecureAgentDefaults } from '../../lib/agent-config';
import { DEFAULT_GITLAB_VERSION, GITLAB_CHANGES, gitlabBehaviour, GitLabVersion, gitlabVersionFromValue } from '../../lib/common/gitlab-version';
import { mergeRuntimeAgentSettings } from '../../lib/runtimes/agent-settings';
import { configRuntime } from './runtime';
import { GitLabConfig, WorkspacesConfig } from './types';

/** The stack's default requests and limits (lib/agent-config's secure defaults). */
export const STACK_DEFAULT_RESOURCES: ResourceSetting = SECURE_DEFAULT_RESOURCES;

/** The namespace of the registry Secret when the config names none and workspaces share no namespace. */
export const DEFAULT_PULL_SECRET_NAMESPACE = 'gitlab-workspace-registry';

/** Where the user's settings are in the stack config. */
const SETTINGS_PATH: YamlPath = ['gitlab', 'remote_development'];

/** A value the stack put into the settings, and the config key it came from (for diagnostics). */
interface Origin {
  /** Path under `remote_development`. */
  readonly at: YamlPath;
  /** Path in the stack config. */
  readonly from: YamlPath;
}

/**
 * The settings the stack writes to the agent config, checked. With `source` (the stack config file),
 * diagnostics carry its line and column; without, the config must already have been checked (the stack
 * calls it that way and throws on errors, which the loader has reported before).
 */
export function stackAgentSettings(config: WorkspacesConfig, source?: YamlSource): Result<RemoteDevelopmentSettings> {
  const gitlab = config.gitlab;
  if (!gitlab) throw new Error('stackAgentSettings: the config has no gitlab section');
  const origins: Origin[] = [];
  const diagnostics: Diagnostic[] = [];
  const report = (severity: 'error' | 'warning', rule: string, path: YamlPath, message: string) =>
    diagnostics.push(diagnosticAt('<stack config>', source, severity, `config/${rule}`, path, message));
  const userPath = (...p: YamlPath) => [...SETTINGS_PATH, ...p];

  const user = gitlab.remote_development;
  const settings: Record<string, unknown> = { ...user };
  const put = (key: string, value: unknown, from: YamlPath) => {
    settings[key] = value;
    origins.push({ at: [key], from });
  };

  if (user.enabled === undefined) put('enabled', true, SETTINGS_PATH);

  // Decided by the stack (the user may only repeat them): dns_zone is gitlab.dnsZone, checked by the agent
  // config's own rule at gitlab.dnsZone; the proxy settings follow the proxy.
  if (user.dns_zone !== undefined && user.dns_zone !== gitlab.dnsZone) {
    report('error', 'dns-zone-mismatch', userPath('dns_zone'), gitlab.dnsZone === undefined
      ? '`dns_zone` is the stack\'s gitlab.dnsZone (the certificate, the load balancer and the DNS records are made for it): set it there, and leave dns_zone out'
      : `\`dns_zone\` ${JSON.stringify(user.dns_zone)} differs from gitlab.dnsZone "${gitlab.dnsZone}", which the certificate, the load balancer and the DNS records are made for; set the workspace domain in gitlab.dnsZone only, and leave dns_zone out`);
  }
  if (gitlab.dnsZone !== undefined) settings.dns_zone = gitlab.dnsZone;
  else delete settings.dns_zone;
  origins.push({ at: ['dns_zone'], from: ['gitlab', 'dnsZone'] });
  settings.gitlab_workspaces_proxy = proxySettings(gitlab, user.gitlab_workspaces_proxy, origins, report);
  if (gitlab.proxy === 'disabled' && !gitlabBehaviour(stackGitLabVersion(gitlab)).proxyEnablementSettings && settings.dns_zone === undefined) {
    // proxySettings has refused proxy: disabled for this version; the missing dns_zone follows from it, so
    // the rest is checked with a stand-in rather than reported twice (the result is an error anyway).
    settings.dns_zone = PREVIEW_DNS_ZONE;
  }

  // The stack's hardening defaults: the same function constructs used à la carte call.
  Object.assign(settings, withSecureAgentDefaults(settings));
  addPrivateGitLabEgress(gitlab, settings, origins);
  if (gitlab.imagePullSecret) {
    const list = Array.isArray(user.image_pull_secrets) ? user.image_pull_secrets : user.image_pull_secrets === undefined || user.image_pull_secrets === null ? [] : undefined;
    if (list) {
      const namespace = pullSecretNamespace(gitlab);
      settings.image_pull_secrets = [...list, { name: gitlab.imagePullSecret.name, namespace }];
      origins.push({ at: ['image_pull_secrets', list.length], from: ['gitlab', 'imagePullSecret'] });
    }
  }

  // The runtime's settings are added; a user setting that says otherwise is a mistake worth stopping for.
  const runtime = configRuntime(config);
  const merged = mergeRuntimeAgentSettings(settings, runtime.agentSettings);
  Object.assign(settings, merged.settings);
  for (const at of merged.fromRuntime) origins.push({ at: [...at], from: ['runtime'] });
  for (const c of merged.conflicts) {
    const [key, entry] = c.path;
    report('error', 'runtime-setting', userPath(...c.path), entry === undefined
      ? `\`${key}\` is ${JSON.stringify(c.written)}, but runtime ${runtime.name} needs ${JSON.stringify(c.wanted)}; remove it (the runtime sets it)`
      : `${key} ${JSON.stringify(entry)} is ${JSON.stringify(c.written)}, but runtime ${runtime.name} needs ${JSON.stringify(c.wanted)}; remove it (the runtime sets it)`);
  }

  const view = source?.view((path) => documentPath(path, origins));
  const gitlabVersion = stackGitLabVersion(gitlab);
  const resolved = resolveAgentConfig({ remote_development: settings }, view, { gitlabVersion });
  diagnostics.push(...resolved.diagnostics);
  if (!resolved.ok || hasErrors(diagnostics)) return { ok: false, diagnostics };

  if (user.default_resources_per_workspace_container === undefined) {
    const problem = stackDefaultResourcesProblem(resolved.value.maxResourcesPerWorkspace);
    if (problem) {
      report('error', 'default-resources-over-max', userPath('max_resources_per_workspace'), problem);
      return { ok: false, diagnostics };
    }
  }
  warnAboutOpenings(resolved.value, config, report, egressRulePath(origins));
  return { ok: true, value: resolved.value, diagnostics };
}

/**
 * Workspaces clone from and push to GitLab (and agentw dials its agent server): with an instance on
 * private addresses (`gitlab.privateCidrs`), an `allow` rule for each block after the egress rules, since
 * GitLab's default rule excepts the private ranges (GitLab epic 11629: "Connect a workspace to GitLab
 * where the external_url resolves to a private IP address"; its docs: allow the instance's private IP in
 * `network_policy.egress`). A block an existing rule already allows whole is not repeated.
 */
function addPrivateGitLabEgress(gitlab: GitLabConfig, settings: Record<string, unknown>, origins: Origin[]): void {
  const cidrs = gitlab.privateCidrs ?? [];
  const policy = settings.network_policy;
  if (cidrs.length === 0 || !isMapping(policy) || !Array.isArray(policy.egress)) return; // a malformed egress is reported by the checker
  const egress = [...policy.egress];
  cidrs.forEach((cidr, i) => {
    const covered = egress.some((rule) => isMapping(rule) && typeof rule.allow === 'string' && cidrCovers(rule.allow, cidr)
      && !(Array.isArray(rule.except) && rule.except.some((e) => typeof e === 'string' && cidrOverlapsText(e, cidr))));
    if (covered) return;
    origins.push({ at: ['network_policy', 'egress', egress.length], from: ['gitlab', 'privateCidrs', i] });
    egress.push({ allow: cidr });
  });
  settings.network_policy = { ...policy, egress };
}

function cidrCovers(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return a.ok && b.ok && cidrContains(a.cidr, b.cidr);
}

function cidrOverlapsText(x: string, y: string): boolean {
  const a = parseCidr(x);
  const b = parseCidr(y);
  return a.ok && b.ok && cidrOverlaps(a.cidr, b.cidr);
}

/** `gitlab_workspaces_proxy`: the stack's proxy namespace, and whether a proxy serves workspaces at all. */
function proxySettings(gitlab: GitLabConfig, written: unknown, origins: Origin[], report: (s: 'error', rule: string, p: YamlPath, m: string) => void): unknown {
  if (written !== undefined && written !== null && !isMapping(written)) return written; // the checker reports it
  const proxy: Record<string, unknown> = isMapping(written) ? { ...written } : {};
  const at = (key: string): YamlPath => [...SETTINGS_PATH, 'gitlab_workspaces_proxy', key];
  const namespace = gitlab.workspacesProxy.namespace;
  if (proxy.namespace === undefined || proxy.namespace === null) {
    proxy.namespace = namespace;
    origins.push({ at: ['gitlab_workspaces_proxy', 'namespace'], from: ['gitlab', 'workspacesProxy', 'namespace'] });
  } else if (proxy.namespace !== namespace && gitlab.proxy === 'enabled') {
    report('error', 'proxy-namespace-mismatch', at('namespace'),
      `\`namespace\` ${JSON.stringify(proxy.namespace)} is not where the stack installs the workspaces proxy ("${namespace}", gitlab.workspacesProxy.namespace): workspace NetworkPolicies would admit traffic from a namespace with no proxy in it; set gitlab.workspacesProxy.namespace: ${JSON.stringify(proxy.namespace)}, or leave this out`);
  }
  if (gitlab.proxy === 'disabled') {
    const behaviour = gitlabBehaviour(stackGitLabVersion(gitlab));
    if (!behaviour.proxyEnablementSettings) {
      report('error', 'proxy-disabled', ['gitlab', 'proxy'],
        `GitLab ${behaviour.version} has no workspaces without the proxy (gitlab_workspaces_proxy.http_enabled and ssh_enabled came with GitLab ${PROXY_ENABLEMENT_SINCE}): set gitlab.proxy: enabled, or gitlab.version to the instance's ${PROXY_ENABLEMENT_SINCE} or later`);
      return proxy;
    }
    for (const key of ['http_enabled', 'ssh_enabled']) {
      if (proxy[key] === true) {
        report('error', 'proxy-disabled', at(key),
          `\`${key}\` is true, but gitlab.proxy is disabled: the stack installs no workspaces proxy to serve it; remove it (the stack sets it to false), or set gitlab.proxy: enabled`);
      }
      proxy[key] = false;
      origins.push({ at: ['gitlab_workspaces_proxy', key], from: ['gitlab', 'proxy'] });
    }
  } else if (proxy.http_enabled === false) {
    report('error', 'proxy-enabled', at('http_enabled'),
      '`http_enabled: false` hands workspaces to GitLab\'s agent server, yet gitlab.proxy is enabled and the stack would install a proxy, its certificate and load balancer for nothing; set gitlab.proxy: disabled instead, and leave this out');
  }
  return proxy;
}

/** The GitLab version that introduced workspaces without the proxy (agent config `http_enabled`, `ssh_enabled`). */
const PROXY_ENABLEMENT_SINCE = GITLAB_CHANGES.find((c) => c.set.proxyEnablementSettings)!.since;

/** The GitLab version the agent config is written and checked for (the newest when the config's is not valid: reported apart). */
export function stackGitLabVersion(gitlab: GitLabConfig): GitLabVersion {
  const parsed = gitlabVersionFromValue(gitlab.version);
  return parsed.ok ? parsed.value : DEFAULT_GITLAB_VERSION;
}

/**
 * Why the stack's default container resources cannot be used with `max_resources_per_workspace`, or
 * undefined: one container with them is already over the workspace's ResourceQuota, which would refuse
 * every workspace whose containers set no resources of their own. The message names each value over
 * its maximum and gives defaults that fit (the stack's, lowered to the maximum where they are over it).
 */
export function stackDefaultResourcesProblem(max: ResourceSetting, defaults: ResourceSetting = STACK_DEFAULT_RESOURCES): string | undefined {
  const over: string[] = [];
  const fitted: Record<'requests' | 'limits', Record<string, string>> = { requests: {}, limits: {} };
  const smallest = (values: Array<string | undefined>) => values.filter((v): v is string => v !== undefined)
    .reduce((a, b) => (compareParsedQuantities(parseQuantity(b)!, parseQuantity(a)!) < 0 ? b : a));
  for (const section of ['limits', 'requests'] as const) {
    for (const key of ['cpu', 'memory'] as const) {
      const value = defaults[section]?.[key];
      if (value === undefined) continue;
      const limit = max[section]?.[key];
      if (limit !== undefined && compareParsedQuantities(parseQuantity(value)!, parseQuantity(limit)!) > 0) {
        over.push(`${section}.${key} ${value} is over ${limit}`);
      }
      // A request may not be over the container's own limit either.
      fitted[section][key] = smallest([value, limit, ...(section === 'requests' ? [fitted.limits[key]] : [])]);
    }
  }
  if (over.length === 0) return undefined;
  const flow = (m: Record<string, string>) => `{${Object.entries(m).map(([k, v]) => `${k}: ${/^[\d.]+$/.test(v) ? JSON.stringify(v) : v}`).join(', ')}}`;
  return `the stack's default \`default_resources_per_workspace_container\` does not fit in \`max_resources_per_workspace\` (${over.join(', ')}): `
    + 'the workspace\'s ResourceQuota would refuse every workspace whose containers set no resources of their own; '
    + `set default_resources_per_workspace_container within it, e.g. {requests: ${flow(fitted.requests)}, limits: ${flow(fitted.limits)}} `
    + '(each container that sets none gets it, and the quota counts their sum), or raise the maximum';
}

/** The namespace of the stack's registry Secret. */
export function pullSecretNamespace(gitlab: GitLabConfig): string {
  const shared = gitlab.remote_development.shared_namespace;
  return gitlab.imagePullSecret?.namespace ?? (typeof shared === 'string' && shared !== '' ? shared : DEFAULT_PULL_SECRET_NAMESPACE);
}

/**
 * A path under the checked document (`remote_development...`) as a path of the stack config: the key a
 * value the stack put in came from, else the same key under `gitlab`.
 */
function documentPath(path: YamlPath, origins: readonly Origin[]): YamlPath {
  const [, ...rest] = path; // drop `remote_development`
  if (path[0] === 'remote_development') {
    for (const o of origins) {
      if (o.at.length <= rest.length && o.at.every((k, i) => k === rest[i])) return [...o.from, ...rest.slice(o.at.length)];
    }
  }
  return ['gitlab', ...path];
}

/** Warnings about user settings that undo the stack's defaults, and about what workspaces can reach. */
/** Where egress rule `i` of the settings came from: `gitlab.privateCidrs[j]`, or the user's rule. */
function egressRulePath(origins: readonly Origin[]): (i: number) => YamlPath {
  return (i) => origins.find((o) => o.at.length === 3 && o.at[0] === 'network_policy' && o.at[1] === 'egress' && o.at[2] === i)?.from
    ?? [...SETTINGS_PATH, 'network_policy', 'egress', i, 'allow'];
}

function warnAboutOpenings(settings: RemoteDevelopmentSettings, config: WorkspacesConfig, report: (s: 'warning', rule: string, p: YamlPath, m: string) => void, rulePath: (i: number) => YamlPath): void {
  const user = config.gitlab!.remote_development;
  const policy = isMapping(user.network_policy) ? user.network_policy : undefined;
  if (!settings.networkPolicy.enabled) {
    report('warning', 'network-policy-disabled', [...SETTINGS_PATH, 'network_policy', ...(policy?.enabled !== undefined ? ['enabled'] : [])],
      'network policies are off: GitLab then creates no NetworkPolicy for a workspace, so its code (its project members\', run with sudo where a runtime allows it) reaches everything its node reaches: '
      + `every pod and Service in the cluster (the GitLab agent, the workspaces proxy, CoreDNS, the autoscaler, other workspaces), the nodes' kubelet and NodePorts, the VPC (${vpcWords(config)}) and every network it is peered or connected to, `
      + `${NODE_CREDENTIAL_ENDPOINTS.map((e) => `${e.what} at ${e.cidr}`).join(' and ')} (IMDSv2 with hop limit 1 still keeps the node role's credentials from pods), and the internet; and any pod can connect to the workspace's ports. `
      + 'Remove `enabled: false` (the stack\'s default egress is the internet minus the private ranges and those two addresses)');
  } else {
    if (policy?.egress !== undefined || (config.gitlab!.privateCidrs ?? []).length > 0) {
      settings.networkPolicy.egress.forEach((rule, i) => {
        const reached = NODE_CREDENTIAL_ENDPOINTS.filter((e) => egressReaches(rule, e.cidr));
        // A gitlab.privateCidrs block reaching them is an error of the config's own (semantic.ts).
        if (reached.length > 0 && rulePath(i)[1] !== 'privateCidrs') {
          report('warning', 'metadata-egress', rulePath(i),
            `\`allow\` "${rule.allow}" lets workspaces reach ${reached.map((e) => `${e.what} at ${e.cidr}`).join(' and ')}; add ${reached.map((e) => e.cidr).join(' and ')} to \`except\` (the stack's default does; IMDSv2 with hop limit 1 on the nodes is the other lock on the node role's credentials)`);
        }
      });
    }
    warnAboutVpcEgress(settings, config, policy?.egress !== undefined, report, rulePath);
  }
  const resources = settings.defaultResourcesPerWorkspaceContainer;
  if (user.default_resources_per_workspace_container !== undefined && !resources.requests) {
    report('warning', 'no-default-requests', [...SETTINGS_PATH, 'default_resources_per_workspace_container'],
      '`default_resources_per_workspace_container` is {}: a workspace whose devfile sets no requests does not keep its node, and the autoscaler may drain it (see docs/stacks.md, "Workspaces and the autoscaler"); leave it out for the stack\'s default or set requests and limits');
  }
}

/** The private ranges (RFC 1918) GitLab's default egress rule excepts. */
/** What a workspace reaches inside the cluster's VPC, once its egress lets it in. */
const IN_THE_VPC = 'the nodes (their kubelet and the proxy\'s NodePorts), every pod without a NetworkPolicy of its own (the GitLab agent, the workspaces proxy, CoreDNS, the autoscaler), the cluster\'s private API endpoint, the VPC endpoints and the internal load balancers';

/**
 * Warns when the egress rules let workspaces into the VPC the stack creates: GitLab's default rule excepts
 * only the RFC 1918 ranges, so a VPC outside them (such as 100.64.0.0/16) is reachable unless its block
 * is excepted. An existing VPC's blocks are not known at synth (docs/stacks.md says what to do).
 */
function warnAboutVpcEgress(settings: RemoteDevelopmentSettings, config: WorkspacesConfig, userEgress: boolean, report: (s: 'warning', rule: string, p: YamlPath, m: string) => void, rulePath: (i: number) => YamlPath): void {
  if (config.network.existingVpc) return;
  const vpc = parseCidr(config.network.vpcCidr);
  if (!vpc.ok) return; // reported by the network rule
  const block = vpc.cidr.canonical;
  const outsideRfc1918 = !RFC1918_BLOCKS.some((b) => cidrContains((parseCidr(b) as { cidr: Cidr }).cidr, vpc.cidr));
  settings.networkPolicy.egress.forEach((rule, i) => {
    if (!egressReaches(rule, block)) return;
    const path = rulePath(i);
    if (path[1] === 'privateCidrs') {
      report('warning', 'vpc-egress', path,
        `${rule.allow} (GitLab's private addresses) overlaps the cluster's VPC ${block} (network.vpcCidr): workspaces reach every address the two share: ${IN_THE_VPC}; name only the GitLab instance's own addresses (such as its load balancer's /32s)`);
      return;
    }
    if (!userEgress) {
      report('warning', 'vpc-egress', ['network', 'vpcCidr'],
        `${config.network.vpcCidr} is outside the private ranges (RFC 1918: ${RFC1918_BLOCKS.join(', ')}) that workspace egress excepts, so workspaces can reach every address of the VPC: ${IN_THE_VPC}. `
        + `Use a VPC block inside those ranges, or add ${block} to \`except\` in your own gitlab.remote_development.network_policy.egress`);
      return;
    }
    report('warning', 'vpc-egress', path,
      `\`allow\` "${rule.allow}" lets workspaces reach the cluster's VPC ${block} (network.vpcCidr${outsideRfc1918 ? ', outside the RFC 1918 ranges' : ''}): ${IN_THE_VPC}; add ${block} to \`except\`, unless workspaces must reach something there (then except the rest)`);
  });
}


/** The VPC, in words, for a message. */
function vpcWords(config: WorkspacesConfig): string {
  return config.network.existingVpc ? `${config.network.existingVpc.vpcId}, network.existingVpc` : `${config.network.vpcCidr}, network.vpcCidr`;
}

/** The GitLab version whose workspaces the stack serves (the default one without a gitlab section). */
export function configGitLabVersion(config: WorkspacesConfig): GitLabVersion {
  return config.gitlab ? stackGitLabVersion(config.gitlab) : DEFAULT_GITLAB_VERSION;
}

/**
 * The agent settings workspaces get: the stack's (with a gitlab section), else GitLab's defaults with the
 * stack's default resources (an agent installed outside the stack, configured as the stack would).
 * Undefined when the gitlab section's settings do not check out (the loader reports why).
 */
export function configAgentSettings(config: WorkspacesConfig): RemoteDevelopmentSettings | undefined {
  // Once per config object: the rules, the capacity and both stacks ask for it.
  if (SETTINGS.has(config)) return SETTINGS.get(config);
  let settings: RemoteDevelopmentSettings | undefined;
  if (!config.gitlab) {
    settings = defaultAgentConfig({ defaultResourcesPerWorkspaceContainer: SECURE_DEFAULT_RESOURCES });
  } else {
    const result = stackAgentSettings(config);
    settings = result.ok ? result.value : undefined;
  }
  SETTINGS.set(config, settings);
  return settings;
}

const SETTINGS = new WeakMap<WorkspacesConfig, RemoteDevelopmentSettings | undefined>();

/**
 * Defaults of the `remote_development` settings (reference section 4), and the preview config the
 * `render` command uses when no agent config is given. Pure data.
 */
import { EgressRule, RemoteDevelopmentSettings } from './types';

/** The private IPv4 ranges (RFC 1918), which GitLab's default egress rule excepts. */
export const RFC1918_BLOCKS: readonly string[] = Object.freeze(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);

/** GitLab's default egress rule: the internet, minus the private IPv4 ranges. */
export const DEFAULT_EGRESS: readonly EgressRule[] = Object.freeze([
  Object.freeze({ allow: '0.0.0.0/0', except: RFC1918_BLOCKS }),
]);

/** Upper bound of `max_active_hours_before_stop + max_stopped_hours_before_termination` (one year). */
export const MAX_HOURS_BEFORE_TERMINATION = 8760;

/** `workspaces_quota` / `workspaces_per_user_quota` value meaning "no limit". */
export const UNLIMITED_QUOTA = -1;

/**
 * The DNS zone of the preview config. Only `defaultAgentConfig` uses it: an agent config file must
 * name its own `dns_zone` (GitLab requires it).
 */
export const PREVIEW_DNS_ZONE = 'workspaces.example.dev';

/**
 * The value of every setting that an agent config file leaves out, as GitLab fills it in. `dnsZone`
 * has no default in a file (it is required); `enabled` defaults to false, as in GitLab.
 */
export const FILE_DEFAULTS: Omit<RemoteDevelopmentSettings, 'dnsZone'> = Object.freeze({
  enabled: false,
  gitlabWorkspacesProxy: Object.freeze({ namespace: 'gitlab-workspaces', httpEnabled: true, sshEnabled: true }),
  networkPolicy: Object.freeze({ enabled: true, egress: DEFAULT_EGRESS }),
  defaultResourcesPerWorkspaceContainer: Object.freeze({}),
  maxResourcesPerWorkspace: Object.freeze({}),
  workspacesQuota: UNLIMITED_QUOTA,
  workspacesPerUserQuota: UNLIMITED_QUOTA,
  useKubernetesUserNamespaces: false,
  defaultRuntimeClass: '',
  allowPrivilegeEscalation: false,
  imagePullSecrets: Object.freeze([]),
  annotations: Object.freeze({}),
  labels: Object.freeze({}),
  maxActiveHoursBeforeStop: 36,
  maxStoppedHoursBeforeTermination: 744,
  sharedNamespace: '',
});

/**
 * A complete, valid agent config for previews (`gitlab-workspaces render devfile.yaml` with no
 * `--agent-config`): every GitLab default, plus the two things a real file must say itself:
 * `dnsZone` is `workspaces.example.dev` and `enabled` is true (a preview shows an agent that serves
 * workspaces). `overrides` replace whole top-level settings.
 */
export function defaultAgentConfig(overrides: Partial<RemoteDevelopmentSettings> = {}): RemoteDevelopmentSettings {
  return { ...FILE_DEFAULTS, enabled: true, dnsZone: PREVIEW_DNS_ZONE, ...overrides };
}

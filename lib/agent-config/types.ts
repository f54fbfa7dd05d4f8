/**
 * The `remote_development` section of a GitLab agent config (`.gitlab/agents/<agent>/config.yaml`),
 * with every default filled in. See reference section 4. Pure data.
 */

export interface CpuMemory {
  readonly cpu?: string;
  readonly memory?: string;
}

/** `{}` (no setting) or both `requests` and `limits`. */
export interface ResourceSetting {
  readonly requests?: CpuMemory;
  readonly limits?: CpuMemory;
}

export interface EgressRule {
  /** A CIDR, e.g. `0.0.0.0/0`. */
  readonly allow: string;
  readonly except?: readonly string[];
}

export interface ImagePullSecret {
  readonly name: string;
  readonly namespace: string;
}

/** `gitlab_workspaces_proxy`: where the workspaces proxy runs and what it serves. */
export interface GitLabWorkspacesProxySettings {
  /** The namespace of the workspaces proxy (the only ingress source of the workspace NetworkPolicy). */
  readonly namespace: string;
  /**
   * `http_enabled` (GitLab 18.4+): the proxy serves the workspaces' HTTP endpoints. False on an instance
   * that serves workspaces itself: the agent for workspaces (agentw) runs in the workspace instead.
   */
  readonly httpEnabled: boolean;
  /** `ssh_enabled` (GitLab 18.4+): the proxy serves SSH. With `httpEnabled`, both false: no proxy ingress rule. */
  readonly sshEnabled: boolean;
}

export interface RemoteDevelopmentSettings {
  readonly enabled: boolean;
  /** Workspaces are served at `<port>-<workspace>.<dns_zone>`. */
  readonly dnsZone: string;
  readonly gitlabWorkspacesProxy: GitLabWorkspacesProxySettings;
  readonly networkPolicy: { readonly enabled: boolean; readonly egress: readonly EgressRule[] };
  readonly defaultResourcesPerWorkspaceContainer: ResourceSetting;
  readonly maxResourcesPerWorkspace: ResourceSetting;
  readonly workspacesQuota: number;
  readonly workspacesPerUserQuota: number;
  readonly useKubernetesUserNamespaces: boolean;
  /** Empty string: none. */
  readonly defaultRuntimeClass: string;
  readonly allowPrivilegeEscalation: boolean;
  readonly imagePullSecrets: readonly ImagePullSecret[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly maxActiveHoursBeforeStop: number;
  readonly maxStoppedHoursBeforeTermination: number;
  /** Empty string: one namespace per workspace. */
  readonly sharedNamespace: string;
}

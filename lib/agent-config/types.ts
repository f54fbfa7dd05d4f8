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

export interface RemoteDevelopmentSettings {
  readonly enabled: boolean;
  /** Workspaces are served at `<port>-<workspace>.<dns_zone>`. */
  readonly dnsZone: string;
  readonly gitlabWorkspacesProxy: { readonly namespace: string };
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

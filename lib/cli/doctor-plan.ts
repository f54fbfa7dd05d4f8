/**
 * `doctor`'s planner (pure): the stack config's facts and the deployed stacks' outputs in, what a healthy
 * deploy looks like out: which namespaces, releases and labels to look for, the workspace domain, the SSH
 * host, port and host key fingerprint, the load balancer, the storage class, the runtime's RuntimeClass
 * and installer. The outputs win where both say something (they are what was deployed); a disagreement
 * is reported, since it usually means the config changed after the deploy.
 *
 * The names are the ones the constructs create (lib/common/deployed-names.ts), and
 * test/cli/doctor-plan.test.ts checks each against the synthesized stacks.
 */

import { AUTOSCALER_NAMESPACE, AUTOSCALER_RELEASE_NAME, PROXY_RELEASE_NAME, RUNTIME_INSTALLER_DAEMONSETS, RUNTIME_NODE_LABEL } from '../common/deployed-names';
import type { GitLabVersion } from '../common/gitlab-version';

/** What doctor needs of the stack config (lib/cli/doctor-config.ts reads it with the app's loader). */
export interface DoctorFacts {
  readonly clusterName: string;
  readonly region: string;
  readonly storageClass: string;
  readonly runtime: { readonly name: string; readonly runtimeClass?: { readonly name: string; readonly handler: string } };
  readonly gitlab?: {
    readonly url: string;
    /** The instance's GitLab version (the smoke workspace renders as it would). */
    readonly version: GitLabVersion;
    readonly proxy: boolean;
    readonly dnsZone?: string;
    readonly sshHostName?: string;
    readonly sshPort: number;
    readonly agent: { readonly name: string; readonly namespace: string; readonly replicas: number; readonly project?: string };
    readonly proxyNamespace: string;
    readonly proxyReplicas: number;
  };
}

/** The names the stacks deploy under (one copy, on the ground floor; see lib/common/deployed-names.ts). */
export const PROXY_RELEASE = PROXY_RELEASE_NAME;
export const AUTOSCALER_RELEASE = AUTOSCALER_RELEASE_NAME;
export { AUTOSCALER_NAMESPACE, RUNTIME_NODE_LABEL };
/** Each runtime's installer DaemonSet; none for `none` and user namespaces. */
export const RUNTIME_INSTALLERS: Readonly<Record<string, { readonly namespace: string; readonly daemonSet: string }>> = Object.fromEntries(
  Object.entries(RUNTIME_INSTALLER_DAEMONSETS).map(([runtime, d]) => [runtime, { namespace: d.namespace, daemonSet: d.name }]),
);
/** The Helm charts' selector labels: `app.kubernetes.io/instance` is the release name. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** The stack outputs doctor reads (snake_case, as the stacks name them). */
export const KNOWN_OUTPUTS = [
  'cluster_name', 'region', 'kubeconfig_command', 'default_storage_class', 'workspace_runtime_class', 'load_balancer_dns_name',
  'ssh_command', 'ssh_host_key_fingerprint', 'workspace_url_pattern', 'kas_address', 'agent_config', 'agent_config_path',
] as const;
export type OutputName = (typeof KNOWN_OUTPUTS)[number];
export type StackOutputs = Partial<Record<OutputName, unknown>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');

/**
 * The known outputs in a JSON outputs file, whichever of the shapes it has: `cdktf output --outputs-file`
 * (`{"<stack>": {"<output>": value}}`), `terraform output -json` (`{"<output>": {"value": ..., "type": ...}}`)
 * or a flat `{"<output>": value}`. Keys may be camelCase. Returns undefined when the text is not a JSON object.
 */
export function parseOutputs(text: string): StackOutputs | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const found: Record<string, unknown> = {};
  const known = new Set<string>(KNOWN_OUTPUTS);
  const visit = (obj: Record<string, unknown>, depth: number) => {
    for (const [key, raw] of Object.entries(obj)) {
      const name = snake(key);
      const wrapped = isRecord(raw) && 'value' in raw && ('type' in raw || 'sensitive' in raw);
      if (known.has(name) && !(name in found)) found[name] = wrapped ? (raw as { value: unknown }).value : raw;
      else if (isRecord(raw) && !wrapped && depth < 3) visit(raw, depth + 1);
    }
  };
  visit(doc, 0);
  return found as StackOutputs;
}

/** The host and port of the `ssh_command` output (`ssh [-p N ]<workspace>@host`). */
export function parseSshCommand(command: string): { host: string; port: number } | undefined {
  const m = /^ssh (?:-p (\d+) )?\S*@(\S+)$/.exec(command.trim());
  return m ? { host: m[2], port: m[1] ? Number(m[1]) : 22 } : undefined;
}

/** The workspace domain of the `workspace_url_pattern` output (`https://<port>-<workspace>.<zone>`). */
export function zoneOfUrlPattern(pattern: string): string | undefined {
  return /^https:\/\/<port>-<workspace>\.(.+)$/.exec(pattern.trim())?.[1];
}

export interface DoctorPlan {
  readonly clusterName: string;
  readonly region: string;
  readonly storageClass: string;
  readonly autoscaler: { readonly namespace: string; readonly release: string };
  readonly runtime: {
    readonly name: string;
    readonly runtimeClass?: { readonly name: string; readonly handler?: string };
    readonly installer?: { readonly namespace: string; readonly daemonSet: string };
    /** The label of the runtime's workspace nodes (none for `none`: any node runs workspaces). */
    readonly nodeLabel?: { readonly key: string; readonly value: string };
  };
  readonly agent?: { readonly name: string; readonly namespace: string; readonly release: string; readonly replicas: number; readonly project?: string };
  readonly proxy?: {
    readonly namespace: string;
    readonly release: string;
    readonly replicas: number;
    readonly dnsZone: string;
    readonly sshHost: string;
    readonly sshPort: number;
    readonly hostKeyFingerprint?: string;
    readonly loadBalancerDnsName?: string;
  };
  readonly gitlab?: { readonly url: string; readonly version: GitLabVersion; readonly groups: readonly string[] };
  /** Config and outputs that disagree, as messages. */
  readonly mismatches: readonly string[];
}

export interface PlanInput {
  readonly facts: DoctorFacts;
  readonly outputs: StackOutputs;
  /** `--group` paths: the groups workspaces should be able to use the agent in. */
  readonly groups?: readonly string[];
  /** `--agent-project`: the agent's project when the config does not name it. */
  readonly agentProject?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function planDoctor(input: PlanInput): DoctorPlan {
  const { facts, outputs } = input;
  const mismatches: string[] = [];
  /** The output's value when there is one (noting a disagreement with the config's), else the config's. */
  const pick = (output: OutputName, fromOutput: string | undefined, fromConfig: string | undefined, what: string): string | undefined => {
    if (fromOutput !== undefined && fromConfig !== undefined && fromOutput !== fromConfig) {
      mismatches.push(`${what}: the config says ${fromConfig}, the ${output} output ${fromOutput}; doctor checks the deployed ${fromOutput} (deploy again if the config is what you want)`);
    }
    return fromOutput ?? fromConfig;
  };

  const storageClass = pick('default_storage_class', str(outputs.default_storage_class), facts.storageClass, 'the default storage class')!;
  const runtimeClassName = pick('workspace_runtime_class', str(outputs.workspace_runtime_class), facts.runtime.runtimeClass?.name, 'the RuntimeClass');
  const runtimeName = facts.runtime.name;
  const runtime: DoctorPlan['runtime'] = {
    name: runtimeName,
    ...(runtimeClassName !== undefined && { runtimeClass: { name: runtimeClassName, ...(facts.runtime.runtimeClass && { handler: facts.runtime.runtimeClass.handler }) } }),
    ...(RUNTIME_INSTALLERS[runtimeName] && { installer: RUNTIME_INSTALLERS[runtimeName] }),
    ...(runtimeName !== 'none' && { nodeLabel: { key: RUNTIME_NODE_LABEL, value: runtimeName } }),
  };

  const gitlab = facts.gitlab;
  let proxy: DoctorPlan['proxy'];
  if (gitlab?.proxy) {
    const ssh = str(outputs.ssh_command) !== undefined ? parseSshCommand(str(outputs.ssh_command)!) : undefined;
    const zoneOutput = str(outputs.workspace_url_pattern) !== undefined ? zoneOfUrlPattern(str(outputs.workspace_url_pattern)!) : undefined;
    const dnsZone = pick('workspace_url_pattern', zoneOutput, gitlab.dnsZone, 'the workspace domain');
    const sshHost = pick('ssh_command', ssh?.host, gitlab.sshHostName, 'the SSH host name');
    const sshPort = pick('ssh_command', ssh ? String(ssh.port) : undefined, String(gitlab.sshPort), 'the SSH port');
    if (dnsZone !== undefined && sshHost !== undefined) {
      proxy = {
        namespace: gitlab.proxyNamespace,
        release: PROXY_RELEASE,
        replicas: gitlab.proxyReplicas,
        dnsZone,
        sshHost,
        sshPort: Number(sshPort),
        ...(str(outputs.ssh_host_key_fingerprint) !== undefined && { hostKeyFingerprint: str(outputs.ssh_host_key_fingerprint) }),
        ...(str(outputs.load_balancer_dns_name) !== undefined && { loadBalancerDnsName: str(outputs.load_balancer_dns_name) }),
      };
    }
  }
  const clusterName = pick('cluster_name', str(outputs.cluster_name), facts.clusterName, 'the cluster name')!;
  const region = pick('region', str(outputs.region), facts.region, 'the region')!;
  const project = input.agentProject ?? gitlab?.agent.project;
  return {
    clusterName,
    region,
    storageClass,
    autoscaler: { namespace: AUTOSCALER_NAMESPACE, release: AUTOSCALER_RELEASE },
    runtime,
    ...(gitlab && {
      agent: {
        name: gitlab.agent.name,
        namespace: gitlab.agent.namespace,
        // The stack installs the agent chart with the agent's name as the release name (lib/gitlab/gitlab-agent.ts).
        release: gitlab.agent.name,
        replicas: gitlab.agent.replicas,
        ...(project !== undefined && { project }),
      },
      gitlab: { url: gitlab.url.replace(/\/+$/, ''), version: gitlab.version, groups: [...new Set(input.groups ?? [])] },
    }),
    ...(proxy && { proxy }),
    mismatches,
  };
}

/**
 * `doctor`'s checks: each takes the plan and the probes (Kubernetes, TLS, DNS, SSH, GitLab, AWS behind
 * small interfaces, so tests pass fakes) and returns result lines: ok, warn, fail or skip, each with what
 * was found and, unless ok, one line saying what to do. A probe that cannot answer (a timeout, a refused
 * connection) fails its check with the reason; it never stops the other checks.
 */
import type { PeerCertificate } from 'tls';
import type { KubeApi } from './doctor-kube';
import type { DoctorPlan } from './doctor-plan';
import type { SshHostKeyResult } from './doctor-ssh';
import { agentVersionWindowProblem, GitLabVersion, parseAgentImageTag } from '../common/gitlab-version';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** A stable id (`agent-pods`, `proxy-https`...), for `--format json` and scripts. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly message: string;
  /** What to do, one line (not for ok). */
  readonly fix?: string;
}

/** What a TLS connection and one HTTP request found. */
export interface TlsAnswer {
  /** The leaf certificate's DNS names (subjectAltName DNS entries). */
  readonly dnsNames: readonly string[];
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Whether the chain verified against the trusted CAs; else why not. */
  readonly authorized: boolean;
  readonly authorizationError?: string;
  /** The HTTP status of `GET /` on that connection; undefined when no HTTP answer came. */
  readonly httpStatus?: number;
  readonly httpError?: string;
}

/** What the checks of the GitLab side ask GitLab (GraphQL). */
export interface GitLabApi {
  readonly url: string;
  graphql(query: string, variables: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: Array<{ message: string }> }>;
}

/** What the load balancer's target groups report (AWS elbv2). */
export interface LoadBalancerHealth {
  readonly targetGroups: ReadonlyArray<{ readonly name: string; readonly port?: number; readonly healthy: number; readonly total: number; readonly reasons: readonly string[] }>;
}

export interface DoctorProbes {
  readonly kube: KubeApi;
  /** TLS to `servername` on port 443 (tests connect elsewhere), with `GET /`. */
  tls(servername: string, port: number): Promise<TlsAnswer>;
  /** IPv4 and IPv6 addresses of a name ([] when it does not resolve). */
  resolve(name: string): Promise<string[]>;
  ssh(host: string, port: number): Promise<SshHostKeyResult>;
  /** Undefined without a GitLab token. */
  readonly gitlab?: GitLabApi;
  /** Undefined when AWS is not asked (`--no-aws`) or has no credentials. */
  loadBalancerHealth?(dnsName: string): Promise<LoadBalancerHealth>;
  now(): Date;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ok = (id: string, message: string): CheckResult => ({ id, status: 'ok', message });
const fail = (id: string, message: string, fix: string): CheckResult => ({ id, status: 'fail', message, fix });
const warn = (id: string, message: string, fix: string): CheckResult => ({ id, status: 'warn', message, fix });
const skip = (id: string, message: string, fix: string): CheckResult => ({ id, status: 'skip', message, fix });

const why = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];
const q = encodeURIComponent;

/** A GET whose non-2xx answer (other than 404) is an error naming the status. */
async function kubeGet(kube: KubeApi, path: string): Promise<Obj | undefined> {
  const res = await kube.request('GET', path);
  if (res.status === 404) return undefined;
  if (res.status === 401 || res.status === 403) {
    throw new Error(`the API server refused ${path} (${res.status}): the kubeconfig's identity needs read access (an EKS access entry with AmazonEKSClusterAdminPolicy or AmazonEKSAdminViewPolicy)`);
  }
  if (res.status < 200 || res.status > 299) throw new Error(`GET ${path} answered ${res.status}`);
  return res.body as Obj;
}

function isReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** Why a pod is not ready, from its container states. */
function podProblem(pod: Obj): string {
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting;
    if (waiting?.reason) return `${s.name}: ${waiting.reason}${waiting.message ? ` (${String(waiting.message).slice(0, 120)})` : ''}`;
    const terminated = s.state?.terminated ?? s.lastState?.terminated;
    if (terminated?.reason && !s.ready) return `${s.name}: ${terminated.reason}${terminated.exitCode !== undefined ? ` (exit ${terminated.exitCode})` : ''}`;
  }
  const unscheduled = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `not scheduled: ${String(unscheduled.message ?? unscheduled.reason ?? '').slice(0, 160)}`;
  return pod.status?.phase ?? 'unknown phase';
}

/** Pods of a Helm release in a namespace: ready against the expected count. */
async function releasePods(kube: KubeApi, id: string, what: string, namespace: string, release: string, replicas: number): Promise<{ result: CheckResult; ready: Obj[] }> {
  const ns = await kubeGet(kube, `/api/v1/namespaces/${q(namespace)}`);
  const describe = `kubectl -n ${namespace} get pods -l app.kubernetes.io/instance=${release}; kubectl -n ${namespace} describe pods -l app.kubernetes.io/instance=${release}`;
  if (!ns) return { result: fail(id, `namespace ${namespace} does not exist: ${what} is not deployed`, `deploy the platform stack (cdktf deploy '*'), or check gitlab.*.namespace in the config`), ready: [] };
  const list = await kubeGet(kube, `/api/v1/namespaces/${q(namespace)}/pods?labelSelector=${q(`app.kubernetes.io/instance=${release}`)}`);
  const pods: Obj[] = (list?.items ?? []).filter((p: Obj) => !p.metadata?.deletionTimestamp);
  const ready = pods.filter(isReady);
  if (pods.length === 0) return { result: fail(id, `no ${what} pods (release ${release}) in ${namespace}`, `helm -n ${namespace} status ${release}; redeploy the platform stack`), ready };
  if (ready.length === 0) {
    return { result: fail(id, `${what}: 0 of ${pods.length} pods ready in ${namespace} (${pods[0].metadata?.name}: ${podProblem(pods[0])})`, describe), ready };
  }
  if (ready.length < replicas) {
    const notReady = pods.find((p) => !isReady(p));
    return { result: warn(id, `${what}: ${ready.length} of ${replicas} pods ready in ${namespace}${notReady ? ` (${notReady.metadata?.name}: ${podProblem(notReady)})` : ''}`, describe), ready };
  }
  return { result: ok(id, `${what}: ${ready.length} of ${replicas} pods ready in ${namespace}`), ready };
}

/** agentk's log lines that mean it cannot work (its token refused, KAS unreachable), and any error line. */
export function agentLogFindings(log: string): { fatal?: string; error?: string } {
  const lines = log.split('\n').filter((l) => l.trim() !== '');
  const fatal = [...lines].reverse().find((l) => /unauthenticated|permissiondenied|permission denied|invalid token|token is revoked/i.test(l));
  const error = [...lines].reverse().find((l) => /"level":"error"|\blevel=error\b|\bERROR\b/.test(l));
  const short = (l: string | undefined) => (l === undefined ? undefined : l.length > 220 ? `${l.slice(0, 220)}...` : l);
  return { ...(fatal && { fatal: short(fatal) }), ...(error && { error: short(error) }) };
}

export async function checkAgent(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const agent = plan.agent;
  if (!agent) return [skip('agent-pods', 'the config has no gitlab section: no agent deployed', 'add a gitlab section to the config to deploy the agent')];
  const { result, ready } = await releasePods(probes.kube, 'agent-pods', `agent ${agent.name}`, agent.namespace, agent.release, agent.replicas);
  const results = [result];
  if (ready.length > 0) {
    const pod = ready[0].metadata.name as string;
    const logs = await probes.kube.request('GET', `/api/v1/namespaces/${q(agent.namespace)}/pods/${q(pod)}/log?tailLines=200`);
    if (logs.status !== 200) {
      results.push(warn('agent-logs', `could not read the logs of ${pod} (${logs.status})`, `kubectl -n ${agent.namespace} logs ${pod}`));
    } else {
      const found = agentLogFindings(logs.text);
      if (found.fatal) {
        results.push(fail('agent-logs', `${pod} logs: ${found.fatal}`, `the agent's token is refused: rotate it (docs/operations.md, agent token) and check gitlab.agent.name matches the agent registered in GitLab`));
      } else if (found.error) {
        results.push(warn('agent-logs', `${pod} logs an error: ${found.error}`, `kubectl -n ${agent.namespace} logs ${pod}: check the KAS address (kas_address output) and egress to GitLab`));
      } else {
        results.push(ok('agent-logs', `${pod}: no errors in its last 200 log lines`));
      }
    }
  }
  return results;
}

export async function checkProxyPods(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const proxy = plan.proxy;
  if (!proxy) return [];
  return [(await releasePods(probes.kube, 'proxy-pods', 'workspaces proxy', proxy.namespace, proxy.release, proxy.replicas)).result];
}

/** Whether a certificate DNS name covers a host (one leftmost `*` label, as RFC 6125 and browsers allow). */
export function nameCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The DNS names of a certificate's subjectAltName (`DNS:a, DNS:b`). */
export function certificateDnsNames(cert: Pick<PeerCertificate, 'subjectaltname'>): string[] {
  return (cert.subjectaltname ?? '').split(',').map((s) => s.trim()).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
}

/** The name doctor asks the proxy for: one under the wildcard that no workspace has. */
export function probeHost(dnsZone: string): string {
  return `1-doctor-probe.${dnsZone}`;
}

const EXPIRY_WARNING_DAYS = 14;

export async function checkHttps(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const proxy = plan.proxy;
  if (!proxy) return [];
  const id = 'proxy-https';
  const host = probeHost(proxy.dnsZone);
  let answer: TlsAnswer;
  try {
    answer = await probes.tls(host, 443);
  } catch (err) {
    return [fail(id, `no TLS answer from ${host}:443: ${why(err)}`, `check the dns line above, the load balancer's listeners and its targets (the proxy's http node port)`)];
  }
  const wildcard = `*.${proxy.dnsZone}`;
  const results: CheckResult[] = [];
  const missing = [wildcard, proxy.dnsZone].filter((n) => !answer.dnsNames.some((d) => nameCovers(d, n === wildcard ? host : n)));
  const now = probes.now();
  const daysLeft = Math.floor((answer.validTo.getTime() - now.getTime()) / 86_400_000);
  if (missing.length > 0) {
    results.push(fail('proxy-certificate', `the certificate served for ${host} covers ${answer.dnsNames.join(', ') || 'no DNS name'}, not ${missing.join(' and ')}`,
      `the load balancer must serve the stack's ACM certificate for ${proxy.dnsZone} and ${wildcard}: check its TLS listener (aws elbv2 describe-listeners) and gitlab.dnsZone`));
  } else if (!answer.authorized) {
    results.push(fail('proxy-certificate', `the certificate for ${host} is not trusted: ${answer.authorizationError ?? 'unknown reason'}`, 'serve the ACM certificate the stack requested (a public CA chain)'));
  } else if (now < answer.validFrom || daysLeft < 0) {
    results.push(fail('proxy-certificate', `the certificate for ${host} is not valid now (valid ${answer.validFrom.toISOString()} to ${answer.validTo.toISOString()})`, 'check the ACM certificate\'s status and its DNS validation records in the hosted zone'));
  } else if (daysLeft < EXPIRY_WARNING_DAYS) {
    results.push(warn('proxy-certificate', `the certificate covers ${wildcard} but expires in ${daysLeft} days`, 'ACM renews only while its validation CNAME records stay in the zone: check them'));
  } else {
    results.push(ok('proxy-certificate', `the certificate covers ${proxy.dnsZone} and ${wildcard}, trusted, valid ${daysLeft} more days`));
  }
  if (answer.httpStatus === undefined) {
    results.push(fail(id, `${host} accepted TLS but gave no HTTP answer: ${answer.httpError ?? 'no response'}`, `kubectl -n ${proxy.namespace} logs -l app.kubernetes.io/instance=${proxy.release}; the load balancer forwards TLS-terminated traffic to the proxy's http node port`));
  } else if (answer.httpStatus >= 500) {
    results.push(warn(id, `the proxy answers https://${host}/ with HTTP ${answer.httpStatus}`, `kubectl -n ${proxy.namespace} logs -l app.kubernetes.io/instance=${proxy.release}`));
  } else {
    results.push(ok(id, `the proxy answers https://${host}/ (HTTP ${answer.httpStatus})`));
  }
  return results;
}

export async function checkDns(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const proxy = plan.proxy;
  if (!proxy) return [];
  const id = 'dns';
  const names = [...new Set([proxy.dnsZone, probeHost(proxy.dnsZone), proxy.sshHost])];
  const resolved = await Promise.all(names.map(async (n) => ({ name: n, addresses: await probes.resolve(n).catch(() => [] as string[]) })));
  const unresolved = resolved.filter((r) => r.addresses.length === 0).map((r) => r.name);
  if (unresolved.length > 0) {
    return [fail(id, `${unresolved.join(', ')} do not resolve`, `delegate ${proxy.dnsZone} to the hosted zone's name servers (hosted_zone_name_servers output) and check its alias records; dig +trace ${unresolved[0]}`)];
  }
  if (!proxy.loadBalancerDnsName) {
    return [warn(id, `${names.join(', ')} resolve; not compared with the load balancer (no load_balancer_dns_name output)`, 'pass the platform stack\'s outputs with --outputs')];
  }
  const lb = new Set(await probes.resolve(proxy.loadBalancerDnsName).catch(() => [] as string[]));
  if (lb.size === 0) return [fail(id, `the load balancer ${proxy.loadBalancerDnsName} does not resolve`, 'the load balancer is gone or not provisioned yet: deploy the platform stack again')];
  const elsewhere = resolved.filter((r) => !r.addresses.some((a) => lb.has(a)));
  if (elsewhere.length > 0) {
    return [fail(id, `${elsewhere.map((r) => `${r.name} -> ${r.addresses.join(' ')}`).join('; ')}: not the load balancer ${proxy.loadBalancerDnsName}`,
      `the records in the hosted zone must alias the load balancer: another record (or a stale delegation) answers; dig ${elsewhere[0].name}`)];
  }
  return [ok(id, `${names.join(', ')} resolve to the load balancer ${proxy.loadBalancerDnsName}`)];
}

export async function checkSsh(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const proxy = plan.proxy;
  if (!proxy) return [];
  const id = 'proxy-ssh';
  const target = `${proxy.sshHost}:${proxy.sshPort}`;
  let found: SshHostKeyResult;
  try {
    found = await probes.ssh(proxy.sshHost, proxy.sshPort);
  } catch (err) {
    return [fail(id, `no SSH answer from ${target}: ${why(err)}`, `check the load balancer's SSH listener on ${proxy.sshPort}, gitlab.entryPoint.allowedCidrs (your address must be in it) and the proxy pods`)];
  }
  if (!found.signatureValid) {
    return [fail(id, `${target} (${found.banner}) presented ${found.fingerprint} but its key-exchange signature does not verify`, 'something other than the proxy answers on the SSH host name: check its DNS record and the load balancer')];
  }
  if (!proxy.hostKeyFingerprint) {
    return [warn(id, `${target} answers (${found.banner}, ${found.hostKeyType} ${found.fingerprint}); not compared (no ssh_host_key_fingerprint output)`, 'pass the platform stack\'s outputs with --outputs')];
  }
  if (found.fingerprint !== proxy.hostKeyFingerprint) {
    return [fail(id, `${target} presents host key ${found.fingerprint}, not the proxy's ${proxy.hostKeyFingerprint}`,
      'another server answers on the SSH host name, or the proxy runs with another key than the stack\'s: check the record and the proxy\'s config Secret')];
  }
  return [ok(id, `${target} answers with the proxy's host key ${found.fingerprint} (${found.banner}; key exchange signature verified)`)];
}

export async function checkLoadBalancerTargets(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const proxy = plan.proxy;
  if (!proxy) return [];
  const id = 'load-balancer-targets';
  if (!probes.loadBalancerHealth) return [skip(id, 'load balancer target health not checked (AWS not asked)', 'run without --no-aws, with AWS credentials for the account')];
  if (!proxy.loadBalancerDnsName) return [skip(id, 'load balancer target health not checked (no load_balancer_dns_name output)', 'pass the platform stack\'s outputs with --outputs')];
  let health: LoadBalancerHealth;
  try {
    health = await probes.loadBalancerHealth(proxy.loadBalancerDnsName);
  } catch (err) {
    if ((err as { name?: string }).name === 'CredentialsProviderError') {
      return [skip(id, `not checked: no AWS credentials (${why(err)})`, 'set AWS_PROFILE or log in (aws sso login), or pass --no-aws')];
    }
    return [warn(id, `could not read the load balancer's target health: ${why(err)}`, 'give the AWS identity elasticloadbalancing:DescribeLoadBalancers, DescribeTargetGroups and DescribeTargetHealth')];
  }
  if (health.targetGroups.length === 0) return [fail(id, `the load balancer ${proxy.loadBalancerDnsName} has no target groups`, 'deploy the platform stack again')];
  const bad = health.targetGroups.filter((g) => g.healthy === 0);
  const summary = health.targetGroups.map((g) => `${g.name} ${g.healthy}/${g.total} healthy`).join(', ');
  if (bad.length > 0) {
    const reasons = [...new Set(bad.flatMap((g) => g.reasons))].join(', ');
    return [fail(id, `${summary}${reasons ? ` (${reasons})` : ''}`, 'the system nodes must be registered and the proxy\'s node ports open to the load balancer: kubectl get nodes; check the node security group')];
  }
  return [ok(id, summary)];
}

export async function checkStorageClass(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const id = 'default-storage-class';
  const list = await kubeGet(probes.kube, '/apis/storage.k8s.io/v1/storageclasses');
  const classes: Obj[] = list?.items ?? [];
  const defaults = classes.filter((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true').map((c) => c.metadata.name as string);
  const patch = `kubectl annotate storageclass ${plan.storageClass} storageclass.kubernetes.io/is-default-class=true --overwrite`;
  if (!classes.some((c) => c.metadata?.name === plan.storageClass)) {
    return [fail(id, `StorageClass ${plan.storageClass} does not exist (classes: ${classes.map((c) => c.metadata?.name).join(', ') || 'none'})`, 'deploy the platform stack (it creates it with the EBS CSI driver)')];
  }
  if (defaults.length === 0) return [fail(id, `no default StorageClass: workspace volumes stay Pending (${plan.storageClass} exists but is not marked default)`, patch)];
  if (!defaults.includes(plan.storageClass)) {
    return [fail(id, `the default StorageClass is ${defaults.join(', ')}, not ${plan.storageClass}`, `${patch}; and remove the annotation from ${defaults.join(', ')}`)];
  }
  if (defaults.length > 1) {
    return [warn(id, `several default StorageClasses: ${defaults.join(', ')} (Kubernetes picks the newest)`, `kubectl annotate storageclass ${defaults.filter((d) => d !== plan.storageClass).join(' ')} storageclass.kubernetes.io/is-default-class-`)];
  }
  return [ok(id, `${plan.storageClass} is the default StorageClass`)];
}

export async function checkAutoscaler(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const id = 'autoscaler';
  const { namespace, release } = plan.autoscaler;
  const list = await kubeGet(probes.kube, `/apis/apps/v1/namespaces/${namespace}/deployments?labelSelector=${q(`app.kubernetes.io/instance=${release}`)}`);
  const deployments: Obj[] = list?.items ?? [];
  if (deployments.length === 0) return [fail(id, `no Cluster Autoscaler deployment (release ${release}) in ${namespace}: workspace nodes never scale up from zero`, `helm -n ${namespace} status ${release}; deploy the platform stack`)];
  const d = deployments[0];
  const ready = Number(d.status?.readyReplicas ?? 0);
  if (ready === 0) return [fail(id, `${d.metadata.name}: 0 of ${d.spec?.replicas ?? 1} replicas ready`, `kubectl -n ${namespace} logs deploy/${d.metadata.name} (its Pod Identity role must allow autoscaling:SetDesiredCapacity)`)];
  return [ok(id, `${d.metadata.name}: ${ready} of ${d.spec?.replicas ?? 1} replicas ready`)];
}

export async function checkRuntime(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const rt = plan.runtime;
  const results: CheckResult[] = [];
  if (rt.name === 'none') return [ok('runtime', 'runtime: none (no RuntimeClass or installer to check)')];
  if (rt.runtimeClass) {
    const rc = await kubeGet(probes.kube, `/apis/node.k8s.io/v1/runtimeclasses/${q(rt.runtimeClass.name)}`);
    if (!rc) {
      results.push(fail('runtime-class', `RuntimeClass ${rt.runtimeClass.name} does not exist: ${rt.name} workspaces cannot start`, 'deploy the platform stack (it creates the RuntimeClass with the runtime\'s installer)'));
    } else if (rt.runtimeClass.handler !== undefined && rc.handler !== rt.runtimeClass.handler) {
      results.push(fail('runtime-class', `RuntimeClass ${rt.runtimeClass.name} has handler ${rc.handler}, not ${rt.runtimeClass.handler}`, 'deploy the platform stack again (something else manages this RuntimeClass)'));
    } else {
      results.push(ok('runtime-class', `RuntimeClass ${rt.runtimeClass.name} (handler ${rc.handler})`));
    }
  } else {
    results.push(ok('runtime-class', `${rt.name} uses no RuntimeClass`));
  }
  const nodeSelector = rt.nodeLabel ? `${rt.nodeLabel.key}=${rt.nodeLabel.value}` : undefined;
  const nodes: Obj[] = nodeSelector ? ((await kubeGet(probes.kube, `/api/v1/nodes?labelSelector=${q(nodeSelector)}`))?.items ?? []) : [];
  if (rt.installer) {
    const { namespace, daemonSet } = rt.installer;
    const ds = await kubeGet(probes.kube, `/apis/apps/v1/namespaces/${namespace}/daemonsets/${q(daemonSet)}`);
    if (!ds) {
      results.push(fail('runtime-installer', `the ${rt.name} installer DaemonSet ${namespace}/${daemonSet} does not exist`, 'deploy the platform stack'));
    } else {
      const desired = Number(ds.status?.desiredNumberScheduled ?? 0);
      const ready = Number(ds.status?.numberReady ?? 0);
      if (desired === 0) {
        results.push(nodes.length === 0
          ? ok('runtime-installer', `${namespace}/${daemonSet} exists; no workspace node yet (the groups scale from zero: the first workspace brings one)`)
          : fail('runtime-installer', `${namespace}/${daemonSet} schedules on none of the ${nodes.length} ${rt.name} workspace nodes`, `kubectl -n ${namespace} describe daemonset ${daemonSet}: check its node selector against the nodes' labels`));
      } else if (ready < desired) {
        results.push(fail('runtime-installer', `${namespace}/${daemonSet}: ${ready} of ${desired} pods ready`, `kubectl -n ${namespace} logs daemonset/${daemonSet}; see docs/runtimes.md for the runtime's known node image problems`));
      } else {
        results.push(ok('runtime-installer', `${namespace}/${daemonSet}: ${ready} of ${desired} pods ready`));
      }
    }
  }
  if (nodeSelector) {
    const notReady = nodes.filter((n) => !(n.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    if (nodes.length === 0) {
      results.push(ok('runtime-nodes', `no ${rt.name} workspace node running now (scaled to zero)`));
    } else if (notReady.length > 0) {
      results.push(fail('runtime-nodes', `${notReady.length} of ${nodes.length} ${rt.name} workspace nodes not Ready (${notReady[0].metadata?.name})`, `kubectl describe node ${notReady[0].metadata?.name}`));
    } else {
      results.push(ok('runtime-nodes', `${nodes.length} ${rt.name} workspace node(s) Ready`));
    }
  }
  return results;
}

const AGENT_CONNECTIONS_QUERY = `query doctorAgent($project: ID!, $name: String!) {
  project(fullPath: $project) { clusterAgent(name: $name) { id connections { nodes { connectedAt metadata { version podName } } } } }
}`;

const NAMESPACE_AGENTS_QUERY = `query doctorGroupAgents($group: ID!) {
  namespace(fullPath: $group) { id workspacesClusterAgents(filter: AVAILABLE) { nodes { id name project { fullPath } workspacesAgentConfig { enabled dnsZone } } } }
}`;

/**
 * GitLab supports an agent of its own minor version or one behind (GitLab's docs, "agent version
 * compatibility"); a message when a connected agent is outside that window, else undefined.
 */
export function agentVersionSkew(agentVersions: readonly string[], gitlabVersion: GitLabVersion): string | undefined {
  // The window the config rules use (lib/common/gitlab-version.ts), so doctor and synth agree.
  for (const v of agentVersions) {
    const tag = v.startsWith('v') ? v : `v${v}`;
    if (parseAgentImageTag(tag) === undefined) continue; // a version agentk reports oddly is not judged
    const problem = agentVersionWindowProblem(tag, gitlabVersion);
    if (problem) return `connected ${problem}`;
  }
  return undefined;
}

async function graphql(api: GitLabApi, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await api.graphql(query, variables);
  if (res.errors && res.errors.length > 0) throw new Error(res.errors.map((e) => e.message).join('; '));
  return res.data ?? {};
}

export async function checkGitLab(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const agent = plan.agent;
  if (!agent || !plan.gitlab) return [];
  const results: CheckResult[] = [];
  const api = probes.gitlab;
  const noToken = 'set GITLAB_TOKEN (a token with read_api) to check the GitLab side';
  if (!api) {
    results.push(skip('agent-connected', 'not checked: no GitLab token', noToken));
    if (plan.gitlab.groups.length > 0) results.push(skip('agent-groups', 'not checked: no GitLab token', noToken));
    return results;
  }
  if (!agent.project) {
    results.push(skip('agent-connected', 'not checked: the config names no gitlab.agent.project', 'pass --agent-project PATH (the project the agent is registered in)'));
  } else {
    try {
      const data = await graphql(api, AGENT_CONNECTIONS_QUERY, { project: agent.project, name: agent.name });
      const found = data.project?.clusterAgent;
      const connections: Obj[] = found?.connections?.nodes ?? [];
      if (!data.project) results.push(fail('agent-connected', `project ${agent.project} not found (or the token cannot read it)`, 'check gitlab.agent.project and the token\'s access'));
      else if (!found) results.push(fail('agent-connected', `no agent ${agent.name} is registered in ${agent.project}`, `register it (gitlab.agent.project lets the stack do it) or fix gitlab.agent.name`));
      else if (connections.length === 0) results.push(fail('agent-connected', `agent ${agent.name} is registered but not connected to GitLab`, `kubectl -n ${agent.namespace} logs -l app.kubernetes.io/instance=${agent.release}: check the KAS address (kas_address output), egress to GitLab and the token`));
      else {
        const versions = [...new Set(connections.map((c) => c.metadata?.version).filter(Boolean) as string[])];
        results.push(ok('agent-connected', `agent ${agent.name} has ${connections.length} connection(s) to GitLab${versions.length > 0 ? ` (agentk ${versions.join(', ')})` : ''}`));
        const skew = agentVersionSkew(versions, plan.gitlab.version);
        if (skew) results.push(warn('agent-version', skew, 'set the agent image to the GitLab version (gitlab.version in the config) and deploy again'));
      }
    } catch (err) {
      results.push(fail('agent-connected', `GitLab at ${api.url} could not be asked: ${why(err)}`, 'check the token (read_api) and the GitLab URL'));
    }
  }
  if (plan.gitlab.groups.length === 0) {
    results.push(skip('agent-groups', 'not checked: no --group named', 'pass --group PATH for each group whose projects should get workspaces'));
    return results;
  }
  for (const group of plan.gitlab.groups) {
    const id = 'agent-groups';
    const allow = `gitlab-workspaces gitlab allow-agent --group ${group} (or the group's Settings > Workspaces)`;
    try {
      const data = await graphql(api, NAMESPACE_AGENTS_QUERY, { group });
      if (!data.namespace) {
        results.push(fail(id, `group ${group} not found (or the token cannot read it)`, 'check the group path and the token\'s access'));
        continue;
      }
      const agents: Obj[] = data.namespace.workspacesClusterAgents?.nodes ?? [];
      const mine = agents.find((a) => a.name === agent.name && (agent.project === undefined || a.project?.fullPath === agent.project));
      if (!mine) {
        results.push(fail(id, `agent ${agent.name} is not available for workspaces in ${group}${agents.length > 0 ? ` (available: ${agents.map((a) => a.name).join(', ')})` : ''}`, allow));
      } else if (mine.workspacesAgentConfig && mine.workspacesAgentConfig.enabled === false) {
        results.push(fail(id, `agent ${agent.name} is mapped to ${group} but GitLab has remote_development disabled in its config`, 'commit the agent_config output at the agent_config_path output in the agent\'s project'));
      } else if (plan.proxy && mine.workspacesAgentConfig?.dnsZone && mine.workspacesAgentConfig.dnsZone !== plan.proxy.dnsZone) {
        results.push(fail(id, `agent ${agent.name} is available in ${group}, but GitLab has dns_zone ${mine.workspacesAgentConfig.dnsZone}, not ${plan.proxy.dnsZone}`, 'commit the agent_config output at the agent_config_path output in the agent\'s project'));
      } else {
        results.push(ok(id, `agent ${agent.name} is available for workspaces in ${group}`));
      }
    } catch (err) {
      results.push(fail(id, `GitLab at ${api.url} could not be asked about ${group}: ${why(err)}`, 'check the token (read_api) and the GitLab URL'));
    }
  }
  return results;
}

/** Every check, in the order a reader fixes things: cluster, then the way in, then GitLab. */
export const CHECKS: ReadonlyArray<{ readonly name: string; readonly run: (plan: DoctorPlan, probes: DoctorProbes) => Promise<CheckResult[]> }> = [
  { name: 'agent-pods', run: checkAgent },
  { name: 'proxy-pods', run: checkProxyPods },
  { name: 'default-storage-class', run: checkStorageClass },
  { name: 'autoscaler', run: checkAutoscaler },
  { name: 'runtime', run: checkRuntime },
  { name: 'dns', run: checkDns },
  { name: 'proxy-https', run: checkHttps },
  { name: 'proxy-ssh', run: checkSsh },
  { name: 'load-balancer-targets', run: checkLoadBalancerTargets },
  { name: 'gitlab', run: checkGitLab },
];

/** Runs every check; one that throws becomes a failed line naming the error (the others still run). */
export async function runChecks(plan: DoctorPlan, probes: DoctorProbes): Promise<CheckResult[]> {
  const results: CheckResult[] = plan.mismatches.map((m) => warn('config-outputs', m, 'deploy the config again, or pass the config the stacks were deployed with (--config)'));
  const all = await Promise.all(CHECKS.map(async (c) => {
    try {
      return await c.run(plan, probes);
    } catch (err) {
      return [fail(c.name, `could not check: ${why(err)}`, 'see the message; rerun doctor once it is fixed')];
    }
  }));
  return [...results, ...all.flat()];
}


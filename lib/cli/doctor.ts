/**
 * `gitlab-workspaces doctor [--config FILE] [--outputs FILE]... [--context NAME] [--group PATH]...
 *  [--agent-project PATH] [--smoke] [--format text|json]`
 *
 * After `cdktf deploy '*'`: what works and what does not, one line each, with a fix. Reads the stack
 * config (the app's loader, ./doctor-config.ts) and the stacks' outputs, plans what a healthy deploy looks
 * like (./doctor-plan.ts), then asks the cluster (the user's kubeconfig, ./doctor-kube.ts), DNS, the load
 * balancer (TLS, HTTP, SSH), AWS (the SDK) and GitLab (GraphQL) (./doctor-checks.ts, ./doctor-probes.ts).
 * Exit 0 healthy (warnings and unchecked lines allowed), 1 a check failed, 2 usage, config, outputs or
 * credentials error. Loads no cdktf or provider package.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { rootCertificates } from 'tls';
import { formatDiagnostic } from '../common/diagnostics';
import { WORKSPACE_LOGS_DIR } from '../common/gitlab-contract';
import { CheckResult, CheckStatus, DoctorProbes, runChecks } from './doctor-checks';
import { commandConfigPath, loadDoctorFacts, packageRoot } from './doctor-config';
import { KubeApi, kubeClient, kubeconfigFiles, KubeconfigError, loadKubeconfig } from './doctor-kube';
import { DoctorPlan, parseOutputs, planDoctor, StackOutputs } from './doctor-plan';
import { choiceOption, CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, guard, parseCliArgs, parseRouting, processIo, Routing, usageError } from './io';

export const DOCTOR_USAGE = `Usage: gitlab-workspaces doctor [options]

After 'cdktf deploy', checks that the deploy works, one line per check with a fix:
the agent's pods and logs, the proxy's pods, the default StorageClass, the Cluster Autoscaler,
the runtime's RuntimeClass, installer and nodes, the workspace domain and SSH host resolving to the
load balancer, HTTPS with a certificate covering *.<dnsZone>, SSH with the proxy's host key, the load
balancer's targets (AWS), the agent connected to GitLab and available in the groups named (GitLab),
and with --smoke a workspace applied, waited for and removed.

Options:
  --config FILE              the stack config the stacks were deployed with (default: $WORKSPACES_CONFIG,
                             else the app's default, as 'cdktf synth' reads it)
  --outputs FILE             the stacks' outputs: the JSON 'cdktf output --outputs-file FILE' writes, or
                             'terraform output -json'; repeat for one file per stack. Without it, the
                             checks that compare with deployed values (SSH host key, load balancer) warn
  --context NAME             the kubeconfig context (default: the current one; KUBECONFIG or ~/.kube/config)
  --group PATH               a group whose projects should get workspaces: the agent must be available
                             there (repeatable)
  --agent-project PATH       the agent's project, when the config does not name gitlab.agent.project
  --no-aws                   do not ask AWS (the load balancer's target health)
  --resolve HOST:PORT:ADDRESS
                             as curl's: HOST resolves to ADDRESS (the dns line) and connections to
                             HOST:PORT go there (repeatable); e.g. before the NS delegation is done
  --connect-to HOST:PORT:HOST2:PORT2
                             as curl's: connect to HOST2:PORT2 instead of HOST:PORT (TLS, SSH)
  --cacert FILE              also trust this CA for the proxy's certificate (PEM)
  --gitlab-url URL           ask this GitLab API instead of the config's gitlab.url
  --smoke                    also apply a workspace rendered from examples/smoke-workspace/devfile.yaml
                             with the deployed agent config, wait for its pod to be Ready, and remove it
  --smoke-devfile FILE       the devfile --smoke renders (default: examples/smoke-workspace/devfile.yaml)
  --smoke-timeout SECONDS    how long --smoke waits for the pod (default 600: a node may scale up from zero)
  --keep-smoke               leave the smoke workspace in place
  --format text|json         text (default): one line per check. json: {healthy, cluster, region, config,
                             summary, checks: [{id, status, message, fix}]} on stdout
  -h, --help                 show this help

Credentials: Kubernetes from the kubeconfig (token, client certificate or exec plugin such as
'aws eks get-token'); AWS from the SDK's default chain; GitLab from GITLAB_TOKEN (read_api), else
TF_VAR_gitlab_token. Lines are ok, warn, FAIL or skip (not checked, with what would check it).

Exit status: 0 healthy (warnings allowed), 1 a check failed, 2 usage, config, outputs or credentials error.
`;

const FORMATS = ['text', 'json'] as const;

/** What tests replace: the environment, and any probe (the Kubernetes client is always the real one, from KUBECONFIG). */
export interface DoctorDeps {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly probes?: Partial<Omit<DoctorProbes, 'kube'>>;
  /** The smoke test's poll interval (default 3 s). */
  readonly smokePollMs?: number;
}

export async function runDoctor(argv: string[], io: CliIo = processIo, deps: DoctorDeps = {}): Promise<number> {
  return guard(io, 'doctor', () => doctorCommand(argv, io, deps));
}

async function doctorCommand(argv: string[], io: CliIo, deps: DoctorDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const cwd = deps.cwd ?? process.cwd();
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      outputs: { type: 'string', multiple: true },
      context: { type: 'string' },
      group: { type: 'string', multiple: true },
      'agent-project': { type: 'string' },
      'no-aws': { type: 'boolean' },
      resolve: { type: 'string', multiple: true },
      'connect-to': { type: 'string', multiple: true },
      cacert: { type: 'string' },
      'gitlab-url': { type: 'string' },
      smoke: { type: 'boolean' },
      'smoke-devfile': { type: 'string' },
      'smoke-timeout': { type: 'string' },
      'keep-smoke': { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed.ok) return usageError(io, 'doctor', parsed.message, DOCTOR_USAGE);
  const { values } = parsed.args;
  if (values.help) {
    io.stdout(DOCTOR_USAGE);
    return EXIT_OK;
  }
  const format = choiceOption('format', values.format, FORMATS, 'text');
  if (!format.ok) return usageError(io, 'doctor', format.message, DOCTOR_USAGE);
  const smokeTimeout = values['smoke-timeout'] === undefined ? 600 : Number(values['smoke-timeout']);
  if (!Number.isFinite(smokeTimeout) || smokeTimeout <= 0) return usageError(io, 'doctor', `--smoke-timeout must be a number of seconds above 0 (got "${values['smoke-timeout']}")`, DOCTOR_USAGE);
  for (const g of values.group ?? []) if (!/^[\w.-]+(\/[\w.-]+)*$/.test(g)) return usageError(io, 'doctor', `--group must be a group's full path such as platform/team (got "${g}")`, DOCTOR_USAGE);
  const routing = parseRouting(values.resolve ?? [], values['connect-to'] ?? []);
  if (!routing.ok) return usageError(io, 'doctor', routing.message, DOCTOR_USAGE);
  const gitlabUrl = values['gitlab-url'];
  if (gitlabUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(gitlabUrl)) return usageError(io, 'doctor', `--gitlab-url must be an http(s) URL (got "${gitlabUrl}")`, DOCTOR_USAGE);
  let cacert: Buffer | undefined;
  if (values.cacert !== undefined) {
    try {
      cacert = readFileSync(values.cacert);
    } catch (err) {
      return usageError(io, 'doctor', `cannot read --cacert ${values.cacert}: ${(err as Error).message}`, DOCTOR_USAGE);
    }
  }
  const inputError = (message: string) => {
    io.stderr(`gitlab-workspaces doctor: ${message}\n`);
    return EXIT_USAGE;
  };

  // The config, read and checked as synth reads it.
  const { path, display } = commandConfigPath(values.config, env, cwd);
  const facts = loadDoctorFacts(path, display);
  if (!facts.ok) {
    for (const d of facts.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return inputError(`the stack config ${display} has errors (above); doctor checks a deploy of a valid config`);
  }

  // The outputs, merged across files (first file wins for a name).
  let outputs: StackOutputs = {};
  for (const file of values.outputs ?? []) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return inputError(`cannot read --outputs ${file}: ${(err as Error).message}`);
    }
    const found = parseOutputs(text);
    if (!found) return inputError(`--outputs ${file} is not a JSON object (write it with: cdktf output '*' --outputs-file ${file})`);
    outputs = { ...found, ...outputs };
  }

  const plan = planDoctor({ facts: facts.value, outputs, groups: values.group ?? [], ...(values['agent-project'] !== undefined && { agentProject: values['agent-project'] }) });

  let kube: KubeApi;
  let context: string;
  try {
    const selection = loadKubeconfig(kubeconfigFiles(env), values.context);
    context = selection.context;
    kube = kubeClient(selection, { env });
  } catch (err) {
    if (err instanceof KubeconfigError) return inputError(err.message);
    throw err;
  }

  const probes = await realProbes(plan, kube, env, { noAws: values['no-aws'] === true, routing: routing.value, ...(cacert && { cacert }), ...(gitlabUrl !== undefined && { gitlabUrl }) }, deps);
  const results: CheckResult[] = [];
  // One reachability check first: a cluster that cannot be reached is one line, not ten.
  let reachable = true;
  try {
    const version = await kube.request('GET', '/version');
    // /version is open to anyone on EKS: a read that needs the credentials tells whether they work.
    const authorized = version.status === 401 || version.status === 403 ? version : await kube.request('GET', '/api/v1/namespaces/kube-system');
    if (authorized.status === 401 || authorized.status === 403) {
      results.push({
        id: 'kubernetes-api', status: 'fail',
        message: authorized.status === 401 ? `${kube.server} refused the kubeconfig's credentials (401)` : `${kube.server} accepts the credentials, but they may not read namespaces (403)`,
        fix: 'the identity needs an EKS access entry with a cluster admin policy (cluster.access.adminPrincipalArns); refresh expired credentials (aws sso login)',
      });
      reachable = false;
    } else {
      const v = version.body as { gitVersion?: string } | undefined;
      results.push({ id: 'kubernetes-api', status: 'ok', message: `${kube.server} answers (context ${context}${v?.gitVersion ? `, Kubernetes ${v.gitVersion}` : ''})` });
    }
  } catch (err) {
    if (err instanceof KubeconfigError) return inputError(err.message);
    results.push({ id: 'kubernetes-api', status: 'fail', message: `cannot reach ${kube.server}: ${(err as Error).message}`, fix: `run the kubeconfig_command output; your address must be in cluster.endpoint.publicAccessCidrs (or use the private endpoint)` });
    reachable = false;
  }
  results.push(...await runChecks(plan, reachable ? probes : { ...probes, kube: unreachable(kube) }));
  if (values.smoke) {
    if (!reachable) {
      results.push({ id: 'smoke', status: 'skip', message: 'not run: the Kubernetes API cannot be used (see kubernetes-api)', fix: 'fix the kubernetes-api line first' });
    } else {
      results.push(...await smoke(plan, kube, outputs, values, smokeTimeout, deps));
    }
  }
  const finalResults = reachable ? results : collapseUnreachable(results);
  print(io, format.value, plan, display, finalResults);
  return finalResults.some((r) => r.status === 'fail') ? EXIT_INVALID : EXIT_OK;
}

/** A client for an unreachable cluster: every request fails at once, marked so the lines collapse. */
function unreachable(kube: KubeApi): KubeApi {
  return { server: kube.server, request: () => Promise.reject(new Error(UNREACHABLE)) };
}
const UNREACHABLE = 'the Kubernetes API cannot be used (see kubernetes-api)';

/** Lines that failed only because the cluster cannot be reached become skips pointing at the one real failure. */
function collapseUnreachable(results: CheckResult[]): CheckResult[] {
  return results.map((r) => (r.status === 'fail' && r.message.includes(UNREACHABLE)
    ? { id: r.id, status: 'skip', message: `not checked: ${UNREACHABLE}`, fix: 'fix the kubernetes-api line first' }
    : r));
}


interface ProbeSettings {
  readonly noAws: boolean;
  readonly routing: Routing;
  readonly cacert?: Buffer;
  readonly gitlabUrl?: string;
}

async function realProbes(plan: DoctorPlan, kube: KubeApi, env: NodeJS.ProcessEnv, settings: ProbeSettings, deps: DoctorDeps): Promise<DoctorProbes> {
  const p = deps.probes ?? {};
  // Loaded here, not at the top: the probes' modules (tls, dns, the SSH exchange) only when doctor runs.
  const probes = await import('./doctor-probes');
  const { probeSshHostKey } = await import('./doctor-ssh');
  const token = env.GITLAB_TOKEN || env.TF_VAR_gitlab_token;
  const gitlab = 'gitlab' in p ? p.gitlab : token && plan.gitlab ? probes.gitlabApi(settings.gitlabUrl ?? plan.gitlab.url, token) : undefined;
  // Node's `ca` replaces the trusted roots: --cacert is added to them.
  const ca = settings.cacert ? [...rootCertificates, settings.cacert.toString('utf8')] : undefined;
  const target = (host: string, port: number) => settings.routing.connectTo.get(`${host.toLowerCase()}:${port}`) ?? { host, port };
  return {
    kube,
    tls: p.tls ?? ((servername, port) => {
      const to = target(servername, port);
      return probes.tlsProbe({ servername, host: to.host, port: to.port, ...(ca && { ca }) });
    }),
    resolve: p.resolve ?? (async (name) => [...(settings.routing.addresses.get(name.toLowerCase()) ?? await probes.resolveAddresses(name))]),
    ssh: p.ssh ?? ((host, port) => {
      const to = target(host, port);
      return probeSshHostKey(to.host, to.port);
    }),
    ...(gitlab && { gitlab }),
    ...(!settings.noAws && { loadBalancerHealth: p.loadBalancerHealth ?? ((dnsName: string) => probes.loadBalancerHealth(plan.region, dnsName)) }),
    now: p.now ?? (() => new Date()),
  };
}

async function smoke(plan: DoctorPlan, kube: KubeApi, outputs: StackOutputs, values: Record<string, unknown>, timeoutS: number, deps: DoctorDeps): Promise<CheckResult[]> {
  const agentConfig = typeof outputs.agent_config === 'string' ? outputs.agent_config : undefined;
  if (!agentConfig) {
    return [{ id: 'smoke', status: 'skip', message: 'not run: no agent_config output (the agent config the workspace renders with)', fix: 'pass the platform stack\'s outputs with --outputs' }];
  }
  const own = typeof values['smoke-devfile'] === 'string';
  const devfilePath = own ? values['smoke-devfile'] as string : join(packageRoot(__dirname), 'examples', 'smoke-workspace', 'devfile.yaml');
  let devfileText: string;
  try {
    devfileText = readFileSync(devfilePath, 'utf8');
  } catch (err) {
    return [{ id: 'smoke', status: 'fail', message: `cannot read the smoke devfile ${devfilePath}: ${(err as Error).message}`, fix: 'pass --smoke-devfile FILE (examples/smoke-workspace/devfile.yaml in the repository)' }];
  }
  const { runSmoke } = await import('./doctor-smoke');
  return runSmoke(kube, {
    devfileText, devfileName: devfilePath, agentConfigText: agentConfig,
    ...(plan.gitlab && { gitlabVersion: plan.gitlab.version, gitlabUrl: plan.gitlab.url }),
    // What the default smoke devfile's postStart command writes once it has proved storage and the network policy.
    ...(!own && { expectFile: { path: `${WORKSPACE_LOGS_DIR}/smoke-test.log`, text: 'smoke test passed' } }),
  }, { timeoutMs: timeoutS * 1000, ...(deps.smokePollMs !== undefined && { pollMs: deps.smokePollMs }), keep: values['keep-smoke'] === true });
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

function print(io: CliIo, format: 'text' | 'json', plan: DoctorPlan, config: string, results: readonly CheckResult[]): void {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const summary = { ok: count('ok'), warn: count('warn'), fail: count('fail'), skip: count('skip') };
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ healthy: summary.fail === 0, cluster: plan.clusterName, region: plan.region, config, summary, checks: results }, null, 2)}\n`);
    return;
  }
  const width = Math.max(...results.map((r) => r.id.length));
  io.stdout(`gitlab-workspaces doctor: cluster ${plan.clusterName} (${plan.region}), config ${config}\n`);
  for (const r of results) {
    io.stdout(`${LABEL[r.status]}  ${r.id.padEnd(width)}  ${r.message}\n`);
    if (r.fix && r.status !== 'ok') io.stdout(`      ${' '.repeat(width)}  fix: ${r.fix}\n`);
  }
  io.stdout(`${summary.fail === 0 ? 'healthy' : 'NOT healthy'}: ${summary.ok} ok, ${summary.warn} warnings, ${summary.fail} failed, ${summary.skip} not checked\n`);
}

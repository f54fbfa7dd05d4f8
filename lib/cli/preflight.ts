/**
 * `gitlab-workspaces preflight [config] [--format text|json]`
 *
 * Checks a stack config's pins and prerequisites against the AWS account the caller's credentials reach,
 * before the first apply (lib/preflight). Exit 0 when no check failed (warnings allowed), 1 when one did,
 * 2 for a usage error, a config that does not load, or no usable AWS credentials. Loads the config
 * loader (no cdktf) at once and the AWS SDK only when the checks run.
 */
import { formatDiagnostic } from '../common/diagnostics';
import { planChecks } from '../preflight/plan';
import type { PreflightAws } from '../preflight/aws-api';
import { jsonReport, preflightExitCode, textReport } from '../preflight/report';
import { HostLookup, runChecks, systemLookup } from '../preflight/run';
import { commandConfigPath, CONFIG_ENV_VAR, DEFAULT_CONFIG_RELATIVE_PATH, loadConfigFile } from '../../stacks/config/load';
import { choiceOption, CliIo, EXIT_OK, EXIT_USAGE, guard, parseCliArgs, parseRouting, processIo, usageError } from './io';

export const PREFLIGHT_USAGE = `Usage: gitlab-workspaces preflight [config] [options]

Checks a stack config against the AWS account of your credentials before the first deploy: reads only.
  credentials       who the caller is (sts:GetCallerIdentity)
  region            the config's region exists and is enabled
  addon/<name>      each EKS add-on version the stack pins exists for the Kubernetes version
  ssm/<parameter>   each AMI release or image SSM parameter the node groups read resolves
  zones             the node groups' zones (listed, the existing VPC's subnets, or the region's first)
  instance-types/*  each pool's instance types are offered in every one of those zones
  vcpu-quota/*      the On-Demand and Spot Standard vCPU quotas cover every node group at its maxSize
  hosted-zone       the workspace domain's public zone exists, and its parent delegates to it
  admin/<arn>       each cluster admin principal exists (with its exact ARN)
  deployer-access   the caller is one of the cluster admins (or clusterCreatorAdmin is set)
  autoscaler        the Cluster Autoscaler chart and image (not AWS: their tag only; how to verify)
  gitlab-address    where gitlab.url's host resolves from here: private addresses must be in
                    gitlab.privateCidrs (workspace egress excepts the private ranges)

The config file: [config], else $${CONFIG_ENV_VAR}, else ${DEFAULT_CONFIG_RELATIVE_PATH}.
Credentials: the AWS SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., SSO, instance role); a
denied read is a warning naming the permission, not a failure.

Options:
  --format FORMAT   text (default): one line per check on stdout,
                      ok|WARN|FAIL|skip <check>: <what was found>[; fix: <what to do>]
                    then a summary line; config warnings on stderr.
                    json: on stdout, {config, region, account, caller, result, summary,
                      checks: [{id, kind, status, message, fix}], configWarnings}
  --resolve HOST:PORT:ADDRESS
                    as curl's: take ADDRESS for HOST instead of asking DNS (repeatable), such
                    as a GitLab name only the VPC's resolver knows (the port is not used)
  -h, --help        show this help

Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error.
A config that does not load, or no usable AWS credentials, also exit 2.
`;

const FORMATS = ['text', 'json'] as const;

export interface PreflightDeps {
  /** The AWS reads for a region; default: the SDK adapter (lib/preflight/sdk-adapter.ts), loaded on first use. */
  readonly aws?: (region: string) => PreflightAws;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How host names resolve; default: the system resolver. */
  readonly lookup?: HostLookup;
}

export async function runPreflight(argv: string[], io: CliIo = processIo, deps: PreflightDeps = {}): Promise<number> {
  return guard(io, 'preflight', () => preflightCommand(argv, io, deps));
}

async function preflightCommand(argv: string[], io: CliIo, deps: PreflightDeps): Promise<number> {
  const parsed = parseCliArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' }, resolve: { type: 'string', multiple: true } },
  });
  if (!parsed.ok) return usageError(io, 'preflight', parsed.message, PREFLIGHT_USAGE);
  const { values, positionals } = parsed.args;
  if (values.help) {
    io.stdout(PREFLIGHT_USAGE);
    return EXIT_OK;
  }
  const format = choiceOption('format', values.format, FORMATS, 'text');
  if (!format.ok) return usageError(io, 'preflight', format.message, PREFLIGHT_USAGE);
  if (positionals.length > 1) return usageError(io, 'preflight', `one config file at most, got ${positionals.length}`, PREFLIGHT_USAGE);
  // --resolve as curl (and doctor) read it; the port does not matter to a name lookup.
  const routing = parseRouting((values.resolve as string[] | undefined) ?? [], []);
  if (!routing.ok) return usageError(io, 'preflight', routing.message, PREFLIGHT_USAGE);
  const lookup: HostLookup = async (host) => routing.value.addresses.get(host.toLowerCase()) ?? (deps.lookup ?? systemLookup)(host);

  const file = commandConfigPath(positionals[0], deps.env ?? process.env, deps.cwd ?? process.cwd());
  const loaded = loadConfigFile(file.path, file.display);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr(`gitlab-workspaces preflight: ${file.display} is not a valid stack config; nothing was checked\n`);
    return EXIT_USAGE;
  }
  const config = loaded.value;
  const configWarnings = loaded.diagnostics.map(formatDiagnostic);
  if (format.value === 'text') {
    for (const line of configWarnings) io.stderr(`${line}\n`);
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = (deps.aws ?? ((region: string) => (require('../preflight/sdk-adapter') as typeof import('../preflight/sdk-adapter')).createPreflightAws(region)))(config.aws.region);
  const outcome = await runChecks(config.aws.region, planChecks(config), aws, lookup);
  if (!outcome.ok) {
    io.stderr(`gitlab-workspaces preflight: ${outcome.message}\n`);
    return EXIT_USAGE;
  }
  io.stdout(format.value === 'json' ? `${JSON.stringify(jsonReport(outcome.report, file.display, configWarnings), null, 2)}\n` : textReport(outcome.report, file.display));
  return preflightExitCode(outcome.report);
}

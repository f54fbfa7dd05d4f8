/**
 * `gitlab-workspaces capacity [config] [--format json]`: how many concurrent default-sized workspaces the
 * stack a config describes holds, the limit that binds, every limit, and what the stack costs idle and per
 * running workspace-hour (lib/capacity, from the dated price table: no network call). The config is read
 * with the stack's own loader (schema, defaults, rules), which loads no cdktf.
 */
import type { CapacityReport, CostReport, LimitRow } from '../capacity';
import type { WorkspacesConfig } from '../../stacks/config/types';
import { choiceOption, CliIo, EXIT_INVALID, EXIT_OK, guard, parseCliArgs, printDiagnostics, processIo, readTextFile, usageError } from './io';

/** The environment variable that names the stack config (as for `cdktf synth`). */

export const CAPACITY_USAGE = `Usage: gitlab-workspaces capacity [config] [options]

Prints how many concurrent default-sized workspaces (GitLab's default devfile with the agent's
default_resources_per_workspace_container) the stack a config describes holds, the limit that binds,
and every limit: CPU, memory, pods and EBS volume attachments per node, the node group maxima, the
private subnets' addresses (VPC CNI prefix delegation), the agent's workspaces_quota. Then the
fixed monthly cost with no workspace running and the cost per running workspace-hour, from the
dated price table in lib/capacity/prices.ts (no network calls).

Arguments:
  config                  the stack config (default: $WORKSPACES_CONFIG, else the embedded default)

Options:
  --format FORMAT         text (default): the table on stdout. json: on stdout, {config,
                          maxWorkspaces, bindingLimit, nodes, node, workspace, limits: [{name,
                          description, perNode, perZone, workspaces, note}], warnings, cost}
  -h, --help              show this help

Exit status: 0 the figures were worked out (a region without prices says so instead of a cost),
1 the config has errors (a workspaces_quota the stack cannot hold: the table is printed too) or its
instance types are missing from the tables, 2 usage error.
`;

const FORMATS = ['text', 'json'] as const;

/** The `--format json` document. */
export interface CapacityOutput extends CapacityReport {
  readonly config: string;
  /** The cost estimate, or why there is none (a region or instance type without prices). */
  readonly cost: CostReport | { readonly unavailable: string };
}

export async function runCapacity(argv: string[], io: CliIo = processIo): Promise<number> {
  return guard(io, 'capacity', () => capacityCommand(argv, io, process.env));
}

function capacityCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): number {
  const parsed = parseCliArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (!parsed.ok) return usageError(io, 'capacity', parsed.message, CAPACITY_USAGE);
  const { values, positionals } = parsed.args;
  if (values.help) {
    io.stdout(CAPACITY_USAGE);
    return EXIT_OK;
  }
  const format = choiceOption('format', values.format, FORMATS, 'text');
  if (!format.ok) return usageError(io, 'capacity', format.message, CAPACITY_USAGE);
  if (positionals.length > 1) return usageError(io, 'capacity', `expected one config file, got ${positionals.length}`, CAPACITY_USAGE);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('../../stacks/config/load') as typeof import('../../stacks/config/load');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stackCapacity, stackCost } = require('../../stacks/config/capacity') as typeof import('../../stacks/config/capacity');
  const where = load.commandConfigPath(positionals[0], env, process.cwd());
  const loaded = load.loadConfigFile(where.path, where.display);
  printDiagnostics(loaded.diagnostics, io.stderr);
  let config: WorkspacesConfig;
  if (loaded.ok) {
    config = loaded.value;
  } else {
    // A quota over capacity is the one error the table explains: print it, then fail.
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    const read = errors.every((d) => d.rule === 'config/workspaces-quota') ? readTextFile(where.path, { file: where.display, maxBytes: load.MAX_CONFIG_BYTES }) : undefined;
    const checked = read?.ok ? load.schemaCheckConfigText(read.text, where.display) : undefined;
    if (!checked?.config) {
      io.stderr(`gitlab-workspaces capacity: ${where.display} has errors (above); no figures\n`);
      return EXIT_INVALID;
    }
    config = checked.config;
  }
  const capacity = stackCapacity(config);
  if (!capacity.ok) {
    io.stderr(`gitlab-workspaces capacity: ${where.display}: ${capacity.message}\n`);
    return EXIT_INVALID;
  }
  const cost = stackCost(config, capacity);
  const output: CapacityOutput = { config: where.display, ...capacity.report, cost: cost.ok ? cost.report : { unavailable: cost.message } };
  if (format.value === 'json') io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  else io.stdout(capacityText(output));
  return loaded.ok ? EXIT_OK : EXIT_INVALID;
}

const fmt = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n >= Number.MAX_SAFE_INTEGER ? 'no limit' : n.toLocaleString('en-US'));
const usd = (n: number, digits = 2) => `$${n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;

/** Rows padded into columns: the first and the last (words) to the left, the figures between to the right. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const last = header.length - 1;
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || i === last ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function limitCells(l: LimitRow): string[] {
  const perZone = l.perZone ? (new Set(l.perZone).size === 1 ? `${fmt(l.perZone[0])} x ${l.perZone.length}` : l.perZone.map(fmt).join(' / ')) : '-';
  return [l.name, fmt(l.perNode), perZone, l.workspaces === null ? (l.note ?? '-').split(':')[0] : fmt(l.workspaces), l.description];
}

/** The text report. */
export function capacityText(o: CapacityOutput): string {
  const n = o.node;
  const out: string[] = [
    `${o.config}: ${fmt(o.maxWorkspaces)} concurrent default-sized workspaces; binding limit: ${o.bindingLimit}`,
    '',
    `Workspace: ${o.workspace.cpuMilli}m CPU, ${o.workspace.memoryMiB}Mi memory requested (init containers included), ${o.workspace.volumes} EBS volume(s) of ${o.workspace.volumeGiB} GiB; ${o.workspace.source}.`,
    `Node: ${n.instanceType}, ${n.vcpus} vCPU, ${n.memoryMiB}Mi; max pods ${n.maxPods} (prefix delegation); kube-reserved ${n.kubeReservedCpuMilli}m CPU, ${n.kubeReservedMemoryMiB}Mi; `
      + `allocatable ${n.allocatableCpuMilli}m, ${n.allocatableMemoryMiB}Mi; DaemonSets ${n.daemonSetPods} pods, ${n.daemonSetCpuMilli}m, ${n.daemonSetMemoryMiB}Mi; `
      + `${n.ebsVolumes} EBS volumes for pods (${n.ebsLimitType} limit); ${n.workspaces} workspaces per node.`,
    `Nodes: ${fmt(o.nodes.max)} (${o.nodes.perZone.join(' + ')} by zone), limited by ${o.nodes.limitedBy}.`,
    '',
    table(['limit', 'per node', 'per zone', 'workspaces', 'how'], o.limits.map(limitCells)),
  ];
  for (const w of o.warnings) out.push('', `warning: ${w}`);
  out.push('');
  const cost = o.cost;
  if ('unavailable' in cost) {
    out.push(`Cost: ${cost.unavailable}`);
  } else {
    out.push(`Idle cost (${cost.region}, zero workspaces running, prices as of ${cost.pricesAsOf}, ${cost.currency}): ${usd(cost.idleMonthly)} per month`);
    out.push(table(['item', 'per month', 'basis'], cost.idle.map((l) => [l.item, usd(l.monthly), l.basis])));
    out.push('', `Per running workspace: ${usd(cost.perWorkspaceHour, 4)} per hour (${usd(cost.perWorkspace.nodeShareHour, 4)} node share + ${usd(cost.perWorkspace.volumeHour, 4)} volume); ${cost.perWorkspace.basis}.`);
    if (cost.savings.length > 0) {
      out.push('', 'Options that cut the idle cost:');
      for (const s of cost.savings) out.push(`  - ${s.option}: about ${usd(s.monthly)} per month`);
    }
    out.push('', ...cost.notes.map((note) => `Note: ${note}.`));
  }
  return `${out.join('\n')}\n`;
}

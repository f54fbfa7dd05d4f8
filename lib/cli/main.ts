/**
 * The `gitlab-workspaces` command. Subcommands are loaded lazily so `validate` never pays for `render`,
 * and nothing here loads cdktf or provider packages (fast start). The launcher (bin/gitlab-workspaces.js)
 * passes a loader for the subcommands bundled at build time (./code-cache.ts); without one, or for a
 * subcommand that was not bundled, the modules next to this one are required.
 */
export const USAGE = `Usage: gitlab-workspaces <command> [options]

Commands:
  validate <file>...   Check devfiles against GitLab's workspace rules
  render <devfile>     Print the Kubernetes objects GitLab would create for a workspace
  convert <devfile>    Rewrite a devfile written for other tools so GitLab accepts it
  preflight [config]   Check a stack config's pins and prerequisites against the AWS account (read-only)
  gitlab allow-agent   Allow the agent for workspaces in a GitLab group (--remove: stop allowing it)
  doctor               After a deploy: check the cluster, the way in and GitLab, each line with a fix
  capacity [config]    How many workspaces the stack holds, what limits it, what it costs idle

Run 'gitlab-workspaces <command> --help' for a command's options.
`;

type Subcommand = (args: string[]) => Promise<number>;

/** Each subcommand: its module, and the function of that module that runs it. */
const SUBCOMMANDS: Record<string, { readonly load: () => unknown; readonly run: string }> = {
  validate: { load: () => require('./validate'), run: 'runValidate' },
  render: { load: () => require('./render'), run: 'runRender' },
  convert: { load: () => require('./convert'), run: 'runConvert' },
  preflight: { load: () => require('./preflight'), run: 'runPreflight' },
  gitlab: { load: () => require('./gitlab'), run: 'runGitlab' },
  doctor: { load: () => require('./doctor'), run: 'runDoctor' },
  capacity: { load: () => require('./capacity'), run: 'runCapacity' },
};

export interface MainOptions {
  /** The module of a subcommand by name, or undefined to require the unbundled one. */
  readonly loadCommand?: (name: string) => Record<string, unknown> | undefined;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 invalid input, 2 usage error. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const subcommand = Object.hasOwn(SUBCOMMANDS, command) ? SUBCOMMANDS[command] : undefined;
  if (!subcommand) {
    process.stderr.write(`gitlab-workspaces: unknown command '${command}'; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const mod = (options.loadCommand?.(command) ?? subcommand.load()) as Record<string, Subcommand>;
  return mod[subcommand.run](rest);
}

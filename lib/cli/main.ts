/**
 * The `gitlab-workspaces` command. Subcommands are loaded lazily so `validate` never pays for `render`,
 * and nothing here loads cdktf or provider packages (fast start).
 */
export const USAGE = `Usage: gitlab-workspaces <command> [options]

Commands:
  validate <file>...   Check devfiles against GitLab's workspace rules
  render <devfile>     Print the Kubernetes objects GitLab would create for a workspace
  convert <devfile>    Rewrite a devfile written for other tools so GitLab accepts it

Run 'gitlab-workspaces <command> --help' for a command's options.
`;

type Subcommand = (args: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, () => Subcommand> = {
  validate: () => require('./validate').runValidate as Subcommand,
  render: () => require('./render').runRender as Subcommand,
  convert: () => require('./convert').runConvert as Subcommand,
};

/** Runs the CLI and returns the exit code: 0 ok, 1 invalid input, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = SUBCOMMANDS[command];
  if (!load) {
    process.stderr.write(`gitlab-workspaces: unknown command '${command}'; expected one of: ${Object.keys(SUBCOMMANDS).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  return load()(rest);
}

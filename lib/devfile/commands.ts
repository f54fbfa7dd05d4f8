/** Helpers over the normalized model for consumers such as the workspace renderer. */
import { ApplyCommand, Devfile, ExecCommand } from './model';

/**
 * The exec and apply commands that running command `id` runs, in order: the command itself, or the
 * members of a composite command (recursively; devfile mode). Unknown ids and cycles yield nothing,
 * but a loaded devfile has neither among the commands its events run.
 */
export function commandsRunBy(devfile: Devfile, id: string, seen: readonly string[] = []): Array<ExecCommand | ApplyCommand> {
  const command = devfile.commands.find((c) => c.id === id);
  if (!command || seen.includes(id)) return [];
  if (command.kind !== 'composite') return [command];
  return command.composite.commands.flatMap((m) => commandsRunBy(devfile, m, [...seen, id]));
}

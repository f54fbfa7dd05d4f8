/**
 * Composite command expansion, in one place: the rules expand raw commands with it (`expandCommand` in
 * ./rules/events.ts), the workspace renderer expands the normalized model's events with `commandsRunBy`.
 */
import { ApplyCommand, Devfile, ExecCommand } from './model';

/**
 * The leaf commands that running command `id` runs, in order, depth-first: the command itself, or the
 * members of a composite command (recursively). `via` is the chain of composites that led to each leaf.
 * Unknown ids yield nothing; a member that names a composite already on the chain is skipped (a cycle).
 * A composite named twice along different branches is expanded each time, as devfile/library does.
 *
 * @param lookup the command of an id, if any
 * @param members the ids a composite command names; undefined for a leaf (exec or apply) command
 */
export function expandComposites<C>(
  id: string,
  lookup: (id: string) => C | undefined,
  members: (command: C) => readonly string[] | undefined,
  via: readonly string[] = [],
): Array<{ readonly command: C; readonly via: readonly string[] }> {
  const command = lookup(id);
  if (command === undefined || via.includes(id)) return [];
  const ids = members(command);
  if (ids === undefined) return [{ command, via }];
  return ids.flatMap((m) => expandComposites(m, lookup, members, [...via, id]));
}

/**
 * The exec and apply commands that running command `id` runs, in order: the command itself, or the
 * members of a composite command (recursively; devfile mode). Ids match in any letter case, as in
 * devfile/library's `GetCommandsFromEvent` (a loaded devfile's ids are lowercase). Unknown ids and
 * cycles yield nothing, but a loaded devfile has neither among the commands its events run.
 */
export function commandsRunBy(devfile: Devfile, id: string): Array<ExecCommand | ApplyCommand> {
  const byId = new Map(devfile.commands.map((c) => [c.id.toLowerCase(), c]));
  return expandComposites(
    id.toLowerCase(),
    (i) => byId.get(i),
    (c) => (c.kind === 'composite' ? c.composite.commands.map((m) => m.toLowerCase()) : undefined),
  )
    .map(({ command }) => command)
    .filter((c): c is ExecCommand | ApplyCommand => c.kind !== 'composite');
}

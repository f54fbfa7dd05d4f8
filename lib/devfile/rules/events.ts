/**
 * Which commands the workspace runs: the ones named by `preStart` and `postStart`, and, through
 * composite commands (devfile mode), the commands those name. Shared by the rules and the normalizer.
 */
import { expandComposites } from '../commands';
import { asArray, asObject, asString, RawObject } from '../raw';
import { IndexedCommand } from './context';

/** The events a GitLab workspace runs. */
export const RUN_EVENTS = ['preStart', 'postStart'] as const;
export const ALL_EVENTS = ['preStart', 'postStart', 'preStop', 'postStop'] as const;

/** The string entries of `events.<name>`, with their positions in the list. */
export function eventEntries(devfile: RawObject, event: string): Array<{ index: number; id: string }> {
  const out: Array<{ index: number; id: string }> = [];
  asArray(asObject(devfile.events)[event]).forEach((v, index) => {
    const id = asString(v);
    if (id !== undefined) out.push({ index, id });
  });
  return out;
}

/** The ids a composite command names (empty for other kinds). */
export function compositeMembers(c: IndexedCommand): string[] {
  if (c.kind !== 'composite') return [];
  return asArray(asObject(c.raw.composite).commands).filter((v): v is string => typeof v === 'string');
}

/**
 * The leaf (exec/apply) commands that `id` runs, expanding composites depth-first; `via` is the
 * composite chain. Cycles and unknown ids are skipped here (rules report them).
 */
export function expandCommand(
  id: string,
  commandById: ReadonlyMap<string, IndexedCommand>,
  via: readonly string[] = [],
): Array<{ command: IndexedCommand; via: readonly string[] }> {
  return expandComposites(id, (i) => commandById.get(i), (c) => (c.kind === 'composite' ? compositeMembers(c) : undefined), via);
}

/** Every command (leaf or composite) reachable from preStart and postStart. */
export function runCommandIds(devfile: RawObject, commandById: ReadonlyMap<string, IndexedCommand>): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    const c = commandById.get(id);
    if (!c || seen.has(id)) return;
    seen.add(id);
    compositeMembers(c).forEach(visit);
  };
  for (const event of RUN_EVENTS) eventEntries(devfile, event).forEach((e) => visit(e.id));
  return seen;
}

/** The components that preStart apply commands run as init containers (composites expanded). */
export function preStartAppliedComponents(devfile: RawObject, commandById: ReadonlyMap<string, IndexedCommand>): Set<string> {
  const out = new Set<string>();
  for (const e of eventEntries(devfile, 'preStart')) {
    for (const { command } of expandCommand(e.id, commandById)) {
      const component = command.kind === 'apply' ? asString(asObject(command.raw.apply).component) : undefined;
      if (component !== undefined) out.add(component);
    }
  }
  return out;
}

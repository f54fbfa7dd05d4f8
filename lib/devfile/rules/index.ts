/**
 * Every devfile rule beyond the JSON schema, with its stable id. `rulesFor(mode)` gives the rules a mode
 * runs, in reporting order.
 */
import { DevfileMode } from '../model';
import { COMMON_RULES } from './common';
import { Rule } from './context';
import { DEVFILE_MODE_RULES } from './devfile-mode';
import { editorComponentRule } from './editor';
import { dedicatedPodRule, GITLAB_RULES, hasComponentsRule } from './gitlab';

export { createContext } from './context';
export type { IndexedCommand, IndexedComponent, Rule, RuleContext } from './context';
export { chooseEditorComponent, INJECT_EDITOR_ATTRIBUTE } from './editor';
export { expandCommand, runCommandIds } from './events';
export { GITLAB_EXEC_KEYS, GITLAB_SCHEMA_VERSION } from './gitlab';

/** All rules, in the order their problems are reported. */
export const RULES: readonly Rule[] = [
  ...GITLAB_RULES,
  ...DEVFILE_MODE_RULES,
  hasComponentsRule,
  dedicatedPodRule,
  editorComponentRule,
  ...COMMON_RULES,
];

export function rulesFor(mode: DevfileMode): Rule[] {
  return RULES.filter((r) => r.modes.includes(mode));
}

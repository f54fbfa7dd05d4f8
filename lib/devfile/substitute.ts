/**
 * Devfile variables: `{{name}}` in string values is replaced by `variables.name`. As in the devfile
 * library GitLab uses (devfile/api `pkg/validation/variables`), replacement applies to the fields listed
 * below, not to identifiers (component names, command ids, endpoint names, references) nor to keys,
 * enums, `schemaVersion`, `metadata` or `attributes`; a reference that names no variable is left as it
 * is and reported as a warning. Variable values are not themselves substituted.
 *
 * Substituted: container `image`, `command[]`, `args[]`, `memoryLimit`, `memoryRequest`, `cpuLimit`,
 * `cpuRequest`, `sourceMapping`, `env[].name`, `env[].value`, `volumeMounts[].path`, `endpoints[].path`;
 * volume `size`; exec `commandLine`, `workingDir`, `label`, `env[].name`, `env[].value`; apply and
 * composite `label`. (`cpuLimit` and `cpuRequest` go beyond the devfile library, which leaves them as
 * written: a reference there could never be a valid quantity.)
 */
import { Diagnostic } from '../common/diagnostics';
import { YamlPath, YamlSource } from '../common/yaml-source';
import { asArray, asObject, isObject, RawObject } from './raw';
import { closestName } from './suggest';

export const UNKNOWN_VARIABLE_RULE = 'devfile/unknown-variable';
const REFERENCE = /\{\{(.*?)\}\}/g;

/** Replaces variable references in place in `devfile` (a fresh value from the parser) and returns warnings. */
export function substituteVariables(devfile: RawObject, source: YamlSource): Diagnostic[] {
  const variables = new Map<string, string>();
  for (const [k, v] of Object.entries(asObject(devfile.variables))) {
    if (typeof v === 'string') variables.set(k, v);
  }
  const warnings: Diagnostic[] = [];

  const replaceIn = (holder: unknown, key: string | number, path: YamlPath) => {
    if (!isObject(holder) && !Array.isArray(holder)) return;
    const h = holder as Record<string | number, unknown>;
    const value = h[key];
    if (typeof value !== 'string' || !value.includes('{{')) return;
    h[key] = value.replace(REFERENCE, (whole, name: string) => {
      const v = variables.get(name);
      if (v !== undefined) return v;
      // The devfile library matches names exactly: `{{ name }}` with spaces is not `{{name}}`.
      const near = variables.has(name.trim()) ? name.trim() : closestName(name.trim(), variables.keys());
      const hint = near !== undefined
        ? `; did you mean "{{${near}}}"?`
        : variables.size === 0 ? ' (the devfile defines no variables)' : '';
      warnings.push(
        source.diagnostic('warning', UNKNOWN_VARIABLE_RULE, [...path, key],
          `"${whole}" names no variable defined under "variables", so it is left as written${hint}`),
      );
      return whole;
    });
  };
  const replaceFields = (holder: unknown, keys: readonly string[], path: YamlPath) => {
    for (const k of keys) replaceIn(holder, k, path);
  };
  const replaceList = (list: unknown, path: YamlPath) => {
    asArray(list).forEach((_, i) => replaceIn(list, i, path));
  };
  const replaceEnv = (env: unknown, path: YamlPath) => {
    asArray(env).forEach((e, i) => {
      replaceIn(e, 'name', [...path, i]);
      replaceIn(e, 'value', [...path, i]);
    });
  };

  asArray(devfile.components).forEach((c, i) => {
    const base: YamlPath = ['components', i];
    const comp = asObject(c);
    if (isObject(comp.container)) {
      const p = [...base, 'container'];
      const ct = comp.container;
      replaceFields(ct, ['image', 'memoryLimit', 'memoryRequest', 'cpuLimit', 'cpuRequest', 'sourceMapping'], p);
      replaceList(ct.command, [...p, 'command']);
      replaceList(ct.args, [...p, 'args']);
      replaceEnv(ct.env, [...p, 'env']);
      asArray(ct.volumeMounts).forEach((m, j) => replaceIn(m, 'path', [...p, 'volumeMounts', j]));
      asArray(ct.endpoints).forEach((e, j) => replaceIn(e, 'path', [...p, 'endpoints', j]));
    }
    if (isObject(comp.volume)) replaceIn(comp.volume, 'size', [...base, 'volume']);
  });
  asArray(devfile.commands).forEach((c, i) => {
    const base: YamlPath = ['commands', i];
    const cmd = asObject(c);
    if (isObject(cmd.exec)) {
      replaceFields(cmd.exec, ['commandLine', 'workingDir', 'label'], [...base, 'exec']);
      replaceEnv(cmd.exec.env, [...base, 'exec', 'env']);
    }
    if (isObject(cmd.apply)) replaceIn(cmd.apply, 'label', [...base, 'apply']);
    if (isObject(cmd.composite)) replaceIn(cmd.composite, 'label', [...base, 'composite']);
  });
  return warnings;
}

/**
 * Output formats of rendered objects: a YAML stream (one document per object, `---` between them,
 * what agentk receives and what `kubectl apply -f` reads) or a JSON array. Deterministic: key order
 * is the order the renderer builds objects in. Pure.
 */
import { portableYamlDocument } from '../common/yaml-write';
import type { KubernetesObject } from './kubernetes';

export type OutputFormat = 'yaml' | 'json';

/**
 * One YAML document per object, separated by `---`; no anchors/aliases, long strings not folded.
 * Strings are quoted by YAML 1.1 rules (`"on"`, `"y"`, `"1:20"`) and where YAML 1.2 would read a
 * number (`"0o14"`), so parsers of either YAML version (kubectl's and agentk's Go parser is YAML 1.1;
 * many tools read 1.2) read back exactly the same strings.
 */
export function toYamlStream(objects: readonly KubernetesObject[]): string {
  return objects
    .map((o) => portableYamlDocument(o).toString({ lineWidth: 0, minContentWidth: 0 }))
    .map((doc) => `---\n${doc}`)
    .join('');
}

/** A JSON array, two-space indented, newline-terminated. */
export function toJsonArray(objects: readonly KubernetesObject[]): string {
  return `${JSON.stringify(objects, null, 2)}\n`;
}

export function serializeObjects(objects: readonly KubernetesObject[], format: OutputFormat): string {
  return format === 'json' ? toJsonArray(objects) : toYamlStream(objects);
}

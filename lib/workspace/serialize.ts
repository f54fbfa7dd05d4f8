/**
 * Output formats of rendered objects: a YAML stream (one document per object, `---` between them,
 * what agentk receives and what `kubectl apply -f` reads) or a JSON array. Deterministic: key order
 * is the order the renderer builds objects in. Pure.
 */
import { Document, Scalar, visit } from 'yaml';
import type { KubernetesObject } from './kubernetes';

export type OutputFormat = 'yaml' | 'json';

/**
 * Strings YAML 1.1 reads as strings but YAML 1.2's core schema reads as numbers (`0o14` is octal 12
 * there); every other string that either version would not read back as a string is quoted by the
 * YAML 1.1 rules already.
 */
const YAML12_ONLY_NUMBER = /^[-+]?0o[0-7]+$/;

/**
 * One YAML document per object, separated by `---`; no anchors/aliases, long strings not folded.
 * Strings are quoted by YAML 1.1 rules (`"on"`, `"y"`, `"1:20"`) and where YAML 1.2 would read a
 * number (`"0o14"`), so parsers of either YAML version (kubectl's and agentk's Go parser is YAML 1.1;
 * many tools read 1.2) read back exactly the same strings.
 */
export function toYamlStream(objects: readonly KubernetesObject[]): string {
  return objects
    .map((o) => {
      const doc = new Document(o, { version: '1.1', aliasDuplicateObjects: false });
      visit(doc, {
        Scalar(_key, node: Scalar) {
          if (typeof node.value === 'string' && YAML12_ONLY_NUMBER.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
        },
      });
      return doc.toString({ lineWidth: 0, minContentWidth: 0 });
    })
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

/**
 * Writing YAML that every reader reads back the same: Go's YAML 1.1 parsers (agentk, kubectl), Ruby's
 * Psych (GitLab reads devfiles with it) and YAML 1.2 tools. Used by the renderer's YAML stream and by
 * `convert`, which writes values into a user's devfile. Pure.
 */
import { Document, isCollection, Scalar, visit } from 'yaml';

/**
 * Strings YAML 1.1 reads as strings but YAML 1.2's core schema reads as numbers (`0o14` is octal 12
 * there); every other string that either version would not read back as a string is quoted by the
 * YAML 1.1 rules already.
 */
const YAML12_ONLY_NUMBER = /^[-+]?0o[0-7]+$/;

/**
 * A document of `value` whose strings are quoted by YAML 1.1 rules (`"on"`, `"y"`, `"1:20"`) and where
 * YAML 1.2 would read a number (`"0o14"`); no anchors or aliases.
 */
export function portableYamlDocument(value: unknown): Document {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && YAML12_ONLY_NUMBER.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc;
}

/** `portableYamlDocument(value)` as text: long strings not folded, no trailing newline. */
export function portableYamlText(value: unknown, options: { readonly indent?: number; readonly flow?: boolean } = {}): string {
  const doc = portableYamlDocument(value);
  if (options.flow && isCollection(doc.contents)) doc.contents.flow = true;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indent: options.indent ?? 2, flowCollectionPadding: false }).replace(/\n$/, '');
}

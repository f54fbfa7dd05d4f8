/**
 * Plain words for JSON Schema type names, for messages such as "must be a whole number, not a list".
 * Pure, no dependencies; the config and devfile schema checks share it so their messages use one
 * vocabulary (YAML users think in mappings and lists, not objects and arrays).
 */

export interface JsonTypeWordOptions {
  /** Say what a mapping looks like: "a mapping (key: value pairs)". Default: just "a mapping". */
  readonly explainMapping?: boolean;
}

const WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  null: 'empty',
};

/** The words for one JSON Schema type name; unknown names come back unchanged. */
export function jsonTypeWord(type: string, options: JsonTypeWordOptions = {}): string {
  if (type === 'object' && options.explainMapping) return 'a mapping (key: value pairs)';
  return Object.prototype.hasOwnProperty.call(WORDS, type) ? WORDS[type] : type;
}

/**
 * The words for a JSON Schema `type` as ajv reports it in `params.type`: one name, or several joined
 * by commas (`"string,integer"`), which read "a string or a whole number".
 */
export function jsonTypeWords(types: string | readonly string[], options: JsonTypeWordOptions = {}): string {
  const list = typeof types === 'string' ? types.split(',') : types;
  return list.map((t) => jsonTypeWord(t.trim(), options)).join(' or ');
}

/**
 * Defensive readers over the plain value parsed from YAML. The rules run even when the schema check
 * failed (so every problem is reported in one pass), hence nothing here assumes a shape.
 */
export type RawObject = Record<string, unknown>;

export function isObject(v: unknown): v is RawObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asObject(v: unknown): RawObject {
  return isObject(v) ? v : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function has(o: RawObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
}

/** Truthiness as GitLab (Ruby) reads an attribute: anything but absent, null and false. */
export function isTruthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

export const COMPONENT_KINDS = ['container', 'kubernetes', 'openshift', 'volume', 'image'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];
/** The component kinds a GitLab workspace runs; both modes' component-type rules refuse the others. */
export function isSupportedComponentKind(kind: ComponentKind): boolean {
  return kind === 'container' || kind === 'volume';
}
export const COMMAND_KINDS = ['exec', 'apply', 'composite'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** The kind of a raw component (its first kind key), if any. */
export function componentKind(c: RawObject): ComponentKind | undefined {
  return COMPONENT_KINDS.find((k) => has(c, k));
}

export function commandKind(c: RawObject): CommandKind | undefined {
  return COMMAND_KINDS.find((k) => has(c, k));
}

/** The component a command names (exec and apply), if it names one. */
export function commandComponent(c: RawObject): string | undefined {
  const kind = commandKind(c);
  return kind === 'exec' || kind === 'apply' ? asString(asObject(c[kind]).component) : undefined;
}

/** `an image`, `a kubernetes`: the article for a component or command kind in messages. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

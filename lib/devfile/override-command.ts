/**
 * The `overrideCommand` component attribute (GitLab 18.4+) as GitLab 18.9 reads it: a boolean, with the
 * strings "true" and "false" (any case) taken as booleans. Shared by the renderer's devfile mode and
 * `convert`, so a converted devfile renders as its original did.
 */
export function overrideCommandValue(v: unknown): boolean | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return 'invalid';
}

/**
 * The value of the annotation `workspaces.gitlab.com/max-resources-per-workspace-sha256`, computed
 * byte for byte as GitLab computes it. Pure (uses node:crypto's hash only).
 *
 * GitLab, current (ee/lib/remote_development/workspace_operations/create/desired_config/
 * config_values_extractor.rb): the setting with symbol keys, hashes sorted at every level, then
 * `to_s`:
 *
 *     max_resources_per_workspace = deep_sort_and_symbolize_hashes(agent_config.max_resources_per_workspace)
 *     OpenSSL::Digest::SHA256.hexdigest(max_resources_per_workspace.to_s)
 *
 * Earlier releases (reconcile/output/config_values_extractor.rb) sorted only the top level
 * (`.deep_symbolize_keys.sort.to_h.to_s`) and read the nested hashes back from a `jsonb` column,
 * which orders keys shorter-first: `cpu` before `memory` again. Both give the same text for every
 * valid setting (only `limits`/`requests` and `cpu`/`memory` keys), e.g.
 * `{:limits=>{:cpu=>"2", :memory=>"4Gi"}, :requests=>{:cpu=>"1", :memory=>"1Gi"}}`, in the
 * `Hash#inspect` format of Ruby 3.3 (GitLab's `.ruby-version`: 3.3.x). GitLab's specs pin requests
 * {memory: "512Mi", cpu: "0.6"}, limits {memory: "786Mi", cpu: "1.5"} to
 * e3dd9c9741b2b3f07cfd341f80ea3a9d4b5a09b29e748cf09b546e93ff98241c, which this function reproduces
 * (see the tests). `{}` hashes the two characters `{}`.
 */
import { createHash } from 'crypto';
import { RemoteDevelopmentSettings, ResourceSetting } from './types';

/** The sha256 hex digest GitLab puts in the max-resources annotation for these settings. */
export function maxResourcesSha256(settings: Pick<RemoteDevelopmentSettings, 'maxResourcesPerWorkspace'>): string {
  return createHash('sha256').update(maxResourcesRubyString(settings.maxResourcesPerWorkspace), 'utf8').digest('hex');
}

/** The exact string GitLab hashes: Ruby 3.3 `Hash#inspect` of the setting, keys sorted at every level. */
export function maxResourcesRubyString(resources: ResourceSetting): string {
  const top = Object.entries(resources)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => compareBytes(a, b));
  return rubyHash(
    top.map(([k, v]) => {
      const inner = Object.entries(v as Record<string, string | undefined>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => compareBytes(a, b));
      return [k, rubyHash(inner.map(([ik, iv]) => [ik, rubyString(String(iv))]))];
    }),
  );
}

/** `{:a=>x, :b=>y}`; `{}` when empty. Values are already Ruby text. */
function rubyHash(entries: Array<[string, string]>): string {
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, v]) => `${rubySymbol(k)}=>${v}`).join(', ')}}`;
}

/** `:cpu`, or `:"ephemeral-storage"` for a symbol that is not a plain identifier. */
function rubySymbol(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*[?!=]?$/.test(name) ? `:${name}` : `:${rubyString(name)}`;
}

/**
 * Ruby's `String#inspect` for a UTF-8 string: double quotes; `"` and `\` escaped; `#` escaped before
 * `{`, `$` and `@`; the usual control escapes. (Validated quantities never need any of this.)
 */
export function rubyString(s: string): string {
  const named: Record<string, string> = {
    '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\v': '\\v',
    '\b': '\\b', '\x07': '\\a', '\x1b': '\\e',
  };
  let out = '"';
  const chars = Array.from(s);
  chars.forEach((c, i) => {
    if (named[c] !== undefined) out += named[c];
    else if (c === '#' && ['{', '$', '@'].includes(chars[i + 1] ?? '')) out += '\\#';
    else if (c.codePointAt(0)! < 0x20 || c === '\x7f') out += `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  });
  return `${out}"`;
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/**
 * Loads the stack config: YAML with positions, checked against the published JSON Schema
 * (`schemas/workspaces.config.schema.json`, which also supplies every default), then the semantic
 * rules the schema cannot express. Never throws for bad input: problems come back as diagnostics
 * naming file, line, column, key and what is allowed.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { createHash } from 'crypto';
import { closestMatch } from '../../lib/common/suggest';
import { existsSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { Diagnostic, formatDiagnostic, hasErrors, Result, sortDiagnostics } from '../../lib/common/diagnostics';
import { jsonTypeWords } from '../../lib/common/json-types';
import { readTextFile } from '../../lib/common/read-file';
import { describeType, formatPath, jsonPointerToPath, parseYaml, YamlPath, YamlSource } from '../../lib/common/yaml-source';
import schema from '../../schemas/workspaces.config.schema.json';
import ajvOptions from './ajv-options.json';
import { fillDependentDefaults } from './dependent-defaults';
import { templateSyntaxDiagnostics } from './literal-strings';
import { checkSemantics, SemanticOptions } from './semantic';
import { WorkspacesConfig } from './types';

import { CONFIG_ENV_VAR, DEFAULT_CONFIG_RELATIVE_PATH } from './config-file';

export { CONFIG_ENV_VAR, DEFAULT_CONFIG_RELATIVE_PATH } from './config-file';
/** Config files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The JSON Schema of the config file, as published. */
export const configSchema: Record<string, unknown> = schema;

let validator: ValidateFunction | undefined;
function compiledSchema(): ValidateFunction {
  // ajv itself is loaded only to compile at run time (from source, or after a schema change without a build).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validator ??= precompiledValidator() ?? new (require('ajv') as typeof import('ajv')).default({ ...AJV_OPTIONS, code: { optimize: false } }).compile(schema);
  return validator;
}

/** The ajv options (./ajv-options.json, shared with the build step); its `//` entry is the why. */
const AJV_OPTIONS: Options = Object.fromEntries(Object.entries(ajvOptions).filter(([k]) => k !== '//'));

/** What identifies the schema a validator was compiled from. */
export function configValidatorStamp(): { schemaSha256: string; ajv: string } {
  return {
    schemaSha256: createHash('sha256').update(JSON.stringify(schema)).digest('hex'),
    ajv: (require('ajv/package.json') as { version: string }).version, // eslint-disable-line @typescript-eslint/no-require-imports
  };
}

/**
 * The validator scripts/build-config-validator.js compiled ahead of time into dist/ (saving ~100 ms per
 * synth), when it was built from this very schema and ajv; undefined when running from source or stale.
 */
function precompiledValidator(): ValidateFunction | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('./workspaces-config.validator.js') as ValidateFunction & { stamp?: { schemaSha256: string; ajv: string } };
    const stamp = configValidatorStamp();
    if (mod.stamp?.schemaSha256 === stamp.schemaSha256 && mod.stamp.ajv === stamp.ajv) return mod;
  } catch {
    // Not built: compile at run time.
  }
  return undefined;
}

/** The repository (package) root: the nearest folder above this file holding package.json. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

/** Which config file to read: `$WORKSPACES_CONFIG` (relative to `cwd`), else the embedded default. */
export function resolveConfigPath(env: NodeJS.ProcessEnv, cwd: string): { path: string; display: string } {
  const named = env[CONFIG_ENV_VAR];
  if (named && named.trim() !== '') return { path: resolve(cwd, named), display: named };
  const path = join(packageRoot(), DEFAULT_CONFIG_RELATIVE_PATH);
  return { path, display: relative(cwd, path) || path };
}

/**
 * The config file a command reads: the one given (its argument or `--config`, relative to `cwd`), else
 * `$WORKSPACES_CONFIG`, else the embedded default: what `cdktf synth` reads (resolveConfigPath).
 */
export function commandConfigPath(given: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { path: string; display: string } {
  return given !== undefined && given.trim() !== '' ? { path: resolve(cwd, given), display: given } : resolveConfigPath(env, cwd);
}

/**
 * Reads and checks a config file. `display` is the name diagnostics use (defaults to `path`). A file
 * over MAX_CONFIG_BYTES is refused before it is read.
 */
export function loadConfigFile(path: string, display: string = path, options: SemanticOptions = {}): Result<WorkspacesConfig> {
  const read = readTextFile(path, { file: display, maxBytes: MAX_CONFIG_BYTES, rulePrefix: 'config' });
  if (read.ok) return loadConfigText(read.text, display, options);
  const d = read.diagnostic;
  if (d.rule !== 'config/unreadable') return { ok: false, diagnostics: [d] };
  // A missing or unreadable file most often means the wrong path: say which variable names it.
  const why = d.message.replace(/^cannot read the file: /, '');
  return {
    ok: false,
    diagnostics: [{ ...d, message: `cannot read the stack config: ${why}; set ${CONFIG_ENV_VAR} to a YAML config file such as ${DEFAULT_CONFIG_RELATIVE_PATH}` }],
  };
}

/** Checks config text. The returned config has every default filled in. */
export function loadConfigText(text: string, file: string, options: SemanticOptions = {}): Result<WorkspacesConfig> {
  const checked = schemaCheckConfigText(text, file);
  if (!checked.config) return { ok: false, diagnostics: checked.diagnostics };
  const { config, source, broken } = checked;
  // The semantic rules judge what the schema accepted, so one synth reports both kinds of error.
  const diagnostics = uniqueDiagnostics(sortDiagnostics([...checked.diagnostics, ...checkSemantics(config, source, options, broken)]));
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, value: config, diagnostics };
}

/** Config text after the YAML and schema checks, before the semantic rules. */
export interface SchemaCheckedConfig {
  readonly diagnostics: readonly Diagnostic[];
  readonly source: YamlSource;
  /**
   * The config with the schema's defaults filled in wherever the schema could (around its errors too);
   * undefined when the text is no mapping of sections at all.
   */
  readonly config?: WorkspacesConfig;
  /** Where the schema refused the config (see schemaErrorPaths); empty when it accepted it. */
  readonly broken: readonly YamlPath[];
}

/** The YAML and schema checks of config text (the first steps of loadConfigText). */
export function schemaCheckConfigText(text: string, file: string): SchemaCheckedConfig {
  const parsed = parseYaml(text, { file, maxBytes: MAX_CONFIG_BYTES, rulePrefix: 'config', documentName: 'the stack config' });
  const { source } = parsed;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics, source, broken: [] };

  // A file with nothing in it is more likely a mistake (a truncated file, the wrong path) than a wish
  // for every default, which `{}` states plainly.
  const value = parsed.value;
  if (value === null || value === undefined) {
    diagnostics.push(source.diagnostic('error', 'config/empty', [],
      `the config file is empty; write \`{}\` to take every default, or give some of the sections ${sectionNames().join(', ')} (see ${DEFAULT_CONFIG_RELATIVE_PATH})`));
    return { diagnostics, source, broken: [] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(source.diagnostic('error', 'config/root', [], `the config must be a mapping of sections (${sectionNames().join(', ')}), not ${describeType(value)}`));
    return { diagnostics, source, broken: [] };
  }

  // Terraform template syntax in any key or string, wherever it is (the schema checks shapes, not this).
  diagnostics.push(...templateSyntaxDiagnostics(value, source));

  const validate = compiledSchema();
  // ajv fills in defaults while it validates (around the errors too: allErrors has it check every
  // part); work on a copy so callers' values stay untouched.
  const config = structuredClone(value) as Record<string, unknown>;
  const errors = validate(config) ? [] : [...(validate.errors ?? [])];
  // Defaults that depend on another key (the schema describes them; stacks/config/dependent-defaults.ts).
  fillDependentDefaults(config, (path) => source.node(path) !== undefined);
  diagnostics.push(...schemaDiagnostics(errors, source, value));
  return { diagnostics, source, config: config as unknown as WorkspacesConfig, broken: errors.flatMap((e) => schemaErrorPaths(e, value)) };
}

/** Sorted diagnostics without repeats (two rules may find the same problem). */
function uniqueDiagnostics(sorted: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const line = formatDiagnostic(d);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/**
 * Where a schema error leaves the config unfit for the semantic rules: the value at fault; for a missing
 * key, that key; for an unknown key, that key and the known key it is probably a misspelling of (whose
 * value is then a default the user did not mean).
 */
function schemaErrorPaths(e: ErrorObject, original: unknown): YamlPath[] {
  if (e.keyword === 'if') return []; // the errors of its `then` or `else` say where
  const path = jsonPointerToPath(e.instancePath, original);
  switch (e.keyword) {
    case 'required':
      return [[...path, String((e.params as { missingProperty: string }).missingProperty)]];
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const meant = closest(key, Object.keys((e.parentSchema as SchemaNode | undefined)?.properties ?? {}));
      return meant ? [[...path, key], [...path, meant]] : [[...path, key]];
    }
    default:
      return [path];
  }
}

function sectionNames(): string[] {
  return Object.keys((schema as { properties: Record<string, unknown> }).properties);
}

/** Turns ajv errors into one diagnostic per problem, at the YAML node at fault. */
function schemaDiagnostics(errors: readonly ErrorObject[], source: YamlSource, original: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // A type error explains everything else wrong at the same place (enum, pattern...): keep it alone.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath)) continue;
    // A key name that breaks `propertyNames` fails an inner rule too (minLength...); the
    // propertyNames error itself says it better, at the key.
    // (ajv marks such an error with propertyName; its schemaPath is the definition's when the names are a $ref.)
    if (e.schemaPath.includes('/propertyNames/') || (e.propertyName !== undefined && e.keyword !== 'propertyNames')) continue;
    // `if`/`then` fails as a whole too; the `required` error inside `then` names the missing key.
    if (e.keyword === 'if') continue;
    const path = jsonPointerToPath(e.instancePath, original);
    const d = describeError(e, path, source);
    const key = `${d.path}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function describeError(e: ErrorObject, path: YamlPath, source: YamlSource): Diagnostic {
  const parent = (e.parentSchema ?? {}) as { type?: string | string[]; description?: string; properties?: Record<string, unknown> };
  // Value descriptions are phrases ("the fewest nodes..."); section descriptions are sentences,
  // which read better as the list of keys the section takes.
  // (A value that may also be a number, such as a retiring generation, is described by its description.)
  const what = parent.properties && (parent.type ?? 'object') === 'object'
    ? `; expected a mapping with the keys ${Object.keys(parent.properties).join(', ')}`
    : parent.description ? `; expected ${parent.description}` : '';
  const value = e.data;
  const rule = `config/schema-${e.keyword}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const where = path.length === 0 ? 'at the top level' : `in \`${formatPath(path)}\``;
      const hint = closest(key, allowed);
      return source.diagnostic('error', 'config/unknown-key', [...path, key],
        `unknown key \`${key}\` ${where}${hint ? ` (did you mean \`${hint}\`?)` : ''}; allowed keys: ${allowed.join(', ')}`, true);
    }
    case 'type': {
      const expected = jsonTypeWords(String((e.params as { type: string }).type));
      const actual = typeof value === 'number' ? `the number ${value}` : describeType(value);
      return source.diagnostic('error', rule, path, `must be ${expected}, not ${actual}${what}`);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return source.diagnostic('error', rule, path, `${JSON.stringify(value)} is not allowed; allowed values: ${allowed.join(', ')}`);
    }
    case 'pattern':
      return source.diagnostic('error', rule, path, `${JSON.stringify(value)} is not valid: expected ${parent.description ?? `text matching ${(e.params as { pattern: string }).pattern}`}`);
    case 'minimum':
    case 'maximum': {
      const limit = (e.params as { limit: number }).limit;
      return source.diagnostic('error', rule, path, `${JSON.stringify(value)} is too ${e.keyword === 'minimum' ? 'small' : 'large'}: must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}${what}`);
    }
    case 'minItems':
    case 'maxItems': {
      const limit = (e.params as { limit: number }).limit;
      const n = Array.isArray(value) ? value.length : 0;
      const rule_ = e.keyword === 'minItems' ? `needs at least ${limit} ${limit === 1 ? 'entry' : 'entries'}, has ${n}` : `has ${n} entries; at most ${limit} are allowed`;
      return source.diagnostic('error', rule, path, `${rule_}${what}`);
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      return source.diagnostic('error', rule, [...path, i], `entries ${j} and ${i} are the same; each entry may appear only once`);
    }
    case 'minLength':
    case 'maxLength': {
      const limit = (e.params as { limit: number }).limit;
      return source.diagnostic('error', rule, path, `${JSON.stringify(value)} is too ${e.keyword === 'minLength' ? 'short' : 'long'}: ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${limit} ${limit === 1 ? 'character' : 'characters'}${what}`);
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const where = path.length === 0 ? 'at the top level' : `in \`${formatPath(path)}\``;
      const { schema, condition } = requiringSchema(e);
      const description = schema.properties?.[key]?.description;
      return source.diagnostic('error', 'config/missing-key', path,
        `\`${key}\` is required ${where}${condition}${description ? `: give ${description}` : ''}`, true);
    }
    case 'propertyNames': {
      const name = String((e.params as { propertyName: string }).propertyName);
      // Names that are a defined value type (subnet ids) say what they expect; tag names their length.
      const names = (e.parentSchema as { propertyNames?: { $ref?: string } } | undefined)?.propertyNames;
      const defined = names?.$ref ? (configSchema.definitions as Record<string, { description?: string }>)[names.$ref.replace('#/definitions/', '')]?.description : undefined;
      return source.diagnostic('error', rule, [...path, name], `the key ${JSON.stringify(name)} is not allowed here: ${defined ? `expected ${defined}` : 'tag names have 1 to 128 characters'}`, true);
    }
    default:
      return source.diagnostic('error', rule, path, `${e.message ?? 'is not valid'}${what}`);
  }
}

/**
 * The schema a `required` error is about: the one holding the keyword, or for a `required` inside a
 * `then` (or `else`), the schema of the object it checks (whose `properties` describe the key and whose
 * `if` says when, or, for `else`, when not).
 */
function requiringSchema(e: ErrorObject): { schema: SchemaNode; condition: string } {
  const branch = /\/(then|else)\/[^/]*$/.exec(e.schemaPath);
  if (!branch) return { schema: (e.parentSchema ?? {}) as SchemaNode, condition: '' };
  const node = schemaAt(e.instancePath);
  const parts = Object.entries(node.if?.properties ?? {}).filter(([, v]) => 'const' in v).map(([k, v]) => `${k} is ${JSON.stringify(v.const)}`);
  if (parts.length === 0) return { schema: node, condition: '' };
  return { schema: node, condition: branch[1] === 'then' ? ` when ${parts.join(' and ')}` : ` unless ${parts.join(' and ')}` };
}

/** The schema of the value at a JSON pointer of the config (following `properties` and `$ref`s). */
function schemaAt(pointer: string): SchemaNode {
  const resolve = (node: SchemaNode | undefined): SchemaNode => {
    let n = node ?? {};
    while (typeof n.$ref === 'string') n = (configSchema.definitions as Record<string, SchemaNode>)[n.$ref.replace('#/definitions/', '')] ?? {};
    return n;
  };
  let node = resolve(configSchema as SchemaNode);
  for (const key of pointer.split('/').slice(1)) node = resolve(node.properties?.[key] as SchemaNode | undefined);
  return node;
}

interface SchemaNode {
  readonly $ref?: string;
  readonly properties?: Record<string, { description?: string }>;
  readonly if?: { properties?: Record<string, { const?: unknown }> };
}

/** The allowed key closest to a misspelt one (edit distance at most 3), for "did you mean". */
function closest(key: string, allowed: readonly string[]): string | undefined {
  return closestMatch(key, allowed, { ignoreCase: true, maxDistance: () => 3 });
}

/**
 * The official devfile JSON schema (`@devfile/api`, definition `v2.3.0.Devfile`), compiled once, and
 * the translation of its errors into one-line diagnostics that point at the YAML node at fault.
 *
 * Older schemaVersions (2.0.0 to 2.2.x) are checked against the same 2.3.0 definition: it is a superset
 * of them (2.3.0 only added fields), and every devfile of the public registry corpus passes it.
 *
 * Speed: compiling the schema costs 200-300 ms, so `npm run build` compiles it ahead of time
 * (scripts/build-devfile-validator.js writes standalone ajv code next to this module in dist/). Errors are
 * `verbose` (they carry their schema) so messages can list the allowed keys. When that file is missing (tests run from source) or was built from other package versions, the schema is
 * compiled here on first use, with the same options (./schema-options.json, which the build script reads
 * too). Pure: no fs, no network; `require` only.
 */
import type { ErrorObject } from 'ajv';
import { Diagnostic } from '../common/diagnostics';
import { jsonTypeWords } from '../common/json-types';
import { describeType, jsonPointerToPath, YamlPath, YamlSource } from '../common/yaml-source';
// The schema definition and ajv options, shared with scripts/build-devfile-validator.js so the validator
// compiled ahead of time and the one compiled here cannot drift apart.
import SCHEMA_OPTIONS from './schema-options.json';

export const SCHEMA_RULE = 'devfile/schema';
/** The definition of the devfile in `@devfile/api`'s swagger.json that devfiles are checked against. */
export const DEVFILE_SCHEMA_ROOT = SCHEMA_OPTIONS.root;
const ROOT = DEVFILE_SCHEMA_ROOT;

interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

type Definitions = Record<string, Record<string, unknown>>;

let cachedValidator: ValidateFunction | undefined;
let cachedDefinitions: Definitions | undefined;

/** The definitions of the `v2.3.0.Devfile` tree (the DevWorkspace definitions in the same file are left out). */
export function devfileDefinitions(): Definitions {
  if (!cachedDefinitions) {
    const swagger = require('@devfile/api/swagger.json') as { definitions: Definitions };
    cachedDefinitions = Object.fromEntries(
      Object.entries(swagger.definitions).filter(([name]) => name === ROOT || name.startsWith(`${ROOT}.`)),
    );
  }
  return cachedDefinitions;
}

function precompiledValidator(): ValidateFunction | undefined {
  try {
    // Written by scripts/build-devfile-validator.js into dist/lib/devfile/ (absent when running from source).
    const mod = require('./devfile-schema.validator.js') as ValidateFunction & { versions?: { devfileApi: string; ajv: string } };
    const devfileApi = (require('@devfile/api/package.json') as { version: string }).version;
    const ajv = (require('ajv/package.json') as { version: string }).version;
    if (mod.versions?.devfileApi === devfileApi && mod.versions.ajv === ajv) return mod;
  } catch {
    // Not built: compile below.
  }
  return undefined;
}

/** The compiled schema validator (module-level cache; compiled at most once per process). */
export function devfileSchemaValidator(): ValidateFunction {
  if (!cachedValidator) {
    cachedValidator = precompiledValidator();
    if (!cachedValidator) {
      const Ajv = (require('ajv') as typeof import('ajv')).default;
      // The options of scripts/build-devfile-validator.js (./schema-options.json). The v2.3.0.Devfile tree
      // uses no `format` keyword (the `date-time` formats of swagger.json belong to the DevWorkspace
      // definitions, which are filtered out), so no format plugin is needed and ajv's strict mode stays on.
      const ajv = new Ajv({ ...SCHEMA_OPTIONS.ajv });
      cachedValidator = ajv.compile({ $ref: `#/definitions/${ROOT}`, definitions: devfileDefinitions() }) as ValidateFunction;
    }
  }
  return cachedValidator;
}

/** Checks `value` against the devfile schema; every problem becomes one diagnostic. */
export function checkSchema(value: unknown, source: YamlSource): Diagnostic[] {
  const validate = devfileSchemaValidator();
  if (validate(value)) return [];
  return schemaErrorsToDiagnostics(validate.errors ?? [], value, source);
}

/** Turns ajv errors into diagnostics: oneOf noise collapsed, positions from the YAML source. */
export function schemaErrorsToDiagnostics(errors: readonly ErrorObject[], value: unknown, source: YamlSource): Diagnostic[] {
  // Errors inside a failed oneOf's branches ("must have required property 'container'", once per branch)
  // are replaced by the single oneOf message.
  // A set, and each error's own prefixes looked up in it: linear in the number of errors (a devfile with
  // 100k bad list items has several hundred thousand).
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.instancePath}|${e.schemaPath}/`));
  const insideOneOf = (e: ErrorObject): boolean => {
    const at = `${e.instancePath}|${e.schemaPath}`;
    for (let i = at.indexOf('/'); i >= 0; i = at.indexOf('/', i + 1)) if (oneOfPaths.has(at.slice(0, i + 1))) return true;
    return false;
  };
  // A value of the wrong type (a list item that is a string, not a mapping) fails its oneOf too: keep only
  // the type error, which says what is wrong.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const kept = errors.filter((e) => !(oneOfPaths.size > 0 && insideOneOf(e)) && !(e.keyword !== 'type' && wrongType.has(e.instancePath)));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of kept) {
    if (isVersionLeftToRules(e, value)) continue;
    const path = jsonPointerToPath(e.instancePath, value);
    const d = errorToDiagnostic(e, path, value, source);
    const key = `${d.path}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * A schemaVersion that fails the schema's pattern (e.g. 1.0.0: the pattern wants major 2 to 9) is left to
 * each mode's schemaVersion rule, which accepts a subset of what the pattern allows and says which
 * versions it accepts; two messages about one value would be noise.
 */
function isVersionLeftToRules(e: ErrorObject, root: unknown): boolean {
  return e.keyword === 'pattern' && e.instancePath === '/schemaVersion' && typeof valueAt(root, ['schemaVersion']) === 'string';
}

function errorToDiagnostic(e: ErrorObject, path: YamlPath, root: unknown, source: YamlSource): Diagnostic {
  const data = valueAt(root, path);
  const at = (message: string, p: YamlPath = path, preferKey = false) => source.diagnostic('error', SCHEMA_RULE, p, message, preferKey);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const where = describeObject(path, root);
      return at(
        `unknown key ${quoteKey(key)} in ${where}` + (allowed.length ? `; allowed keys are: ${allowed.join(', ')}` : ''),
        [...path, key],
        true,
      );
    }
    case 'required':
      return at(`${describeObject(path, root)} is missing the required key "${String(params.missingProperty)}"`);
    case 'type':
      return at(`${describeValue(path, root)} must be ${jsonTypeWords(String(params.type), { explainMapping: true })}, but it is ${describeType(data)}${scalarSuffix(data)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v)).join(', ');
      return at(`${describeValue(path, root)} is ${JSON.stringify(data)}, which is not an allowed value; use one of: ${allowed}`);
    }
    case 'pattern':
      return at(patternMessage(path, root, data, String(params.pattern)));
    case 'maxLength':
      return at(`${nameSubject(path, root, JSON.stringify(data))} is ${String(data).length} characters long; at most ${String(params.limit)} are allowed`);
    case 'oneOf':
    case 'anyOf':
      return at(oneOfMessage(e, path, root, data));
    case 'uniqueItems':
      return at(`${describeValue(path, root)} has the same item twice (items ${String(params.j)} and ${String(params.i)}); each item may appear only once`);
    default:
      return at(`${describeValue(path, root)} does not match the devfile schema (${e.keyword}: ${e.message ?? 'invalid'})`);
  }
}

const ELEMENT_NOUNS: Record<string, string> = {
  components: 'component', commands: 'command', projects: 'project', starterProjects: 'starter project',
  dependentProjects: 'dependent project', endpoints: 'endpoint', env: 'environment variable', volumeMounts: 'volume mount',
};

/** Lists whose items are elements with a name (or id) that messages can use. */
const OWNER_LISTS = ['components', 'commands', 'projects', 'starterProjects', 'dependentProjects'];

/** `component "web"`, `command "build"`, or `this component` when the element has no usable name. */
function describeItem(path: YamlPath, root: unknown): string {
  const noun = ELEMENT_NOUNS[String(path[path.length - 2])] ?? 'item';
  const item = valueAt(root, path);
  const o = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  const name = typeof o.name === 'string' ? o.name : typeof o.id === 'string' ? o.id : undefined;
  if (name !== undefined && name !== '') return `${noun} ${JSON.stringify(name)}`;
  // An unnamed component or command is still told apart by its kind: `this container component`.
  const kinds = noun === 'component' ? ['container', 'volume', 'kubernetes', 'openshift', 'image'] : noun === 'command' ? ['exec', 'apply', 'composite'] : [];
  const kind = kinds.find((k) => Object.prototype.hasOwnProperty.call(o, k));
  return kind ? `this ${kind} ${noun}` : `this ${noun}`;
}

/** The named element (component, command, project) that `path` lies in, if any: `component "web"`. */
function ownerOf(path: YamlPath, root: unknown): string | undefined {
  for (let k = path.length - 1; k >= 1; k--) {
    if (typeof path[k] === 'number' && OWNER_LISTS.includes(String(path[k - 1]))) return describeItem(path.slice(0, k + 1), root);
  }
  return undefined;
}

/**
 * The object at `path`, in words for messages: `the devfile`, `component "web"`, `the container of
 * component "web"`, `exec command "build"`, `endpoint "http" of component "web"`.
 */
function describeObject(path: YamlPath, root: unknown): string {
  if (path.length === 0) return 'the devfile';
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const item = describeItem(path, root);
    if (OWNER_LISTS.includes(String(path[path.length - 2]))) return item;
    const owner = ownerOf(path.slice(0, -1), root);
    return owner ? `${item} of ${owner}` : item;
  }
  const parent = path.slice(0, -1);
  const parentLast = parent[parent.length - 1];
  const kind = KIND_NOUNS[String(last)];
  if (kind && typeof parentLast === 'number' && OWNER_LISTS.includes(String(parent[parent.length - 2]))) {
    const owner = describeItem(parent, root);
    // `exec command "build"`; `the container of component "web"`.
    if (parent[parent.length - 2] === 'commands') return owner.replace(/^command /, `${String(last)} command `).replace(/^this command$/, `this ${kind}`);
    return `the ${String(last)} of ${owner}`;
  }
  if (kind && parent.length === 0) return `the ${kind}`;
  const owner = ownerOf(path, root);
  return owner ? `"${String(last)}" of ${owner}` : `"${String(last)}"`;
}

/** The value at `path` as the subject of a sentence: `"mountSources" of component "web"`, `variable "a"`. */
function describeValue(path: YamlPath, root: unknown): string {
  if (path.length === 0) return 'the devfile';
  const last = path[path.length - 1];
  const parent = path.slice(0, -1);
  if (parent.length === 1 && parent[0] === 'variables') return `variable ${JSON.stringify(String(last))}`;
  if (parent.length === 1 && parent[0] === 'events' && typeof last === 'string') return `the ${last} event`;
  if (typeof last === 'number') {
    if (ELEMENT_NOUNS[String(parent[parent.length - 1])]) return describeObject(path, root);
    return `entry ${last + 1} of ${describeValue(parent, root)}`;
  }
  if (parent.length === 0) return String(last);
  // `"image" of component "web"` rather than `... of the container of component "web"`.
  const grand = parent.slice(0, -1);
  if (grand[grand.length - 2] === 'components' && typeof grand[grand.length - 1] === 'number' && KIND_NOUNS[String(parent[parent.length - 1])]) {
    return `"${String(last)}" of ${describeItem(grand, root)}`;
  }
  return `"${String(last)}" of ${describeObject(parent, root)}`;
}

/** Keys whose value is one kind of element: `exec` -> `this exec command`. */
const KIND_NOUNS: Record<string, string> = {
  exec: 'exec command', apply: 'apply command', composite: 'composite command', container: 'container',
  volume: 'volume', kubernetes: 'kubernetes component', openshift: 'openshift component', image: 'image component',
  metadata: 'metadata', events: 'events mapping', git: 'git source', zip: 'zip source',
};

function oneOfMessage(e: ErrorObject, path: YamlPath, root: unknown, data: unknown): string {
  // `verbose: true` gives each error its schema: for oneOf, the list of branches.
  const branches = Array.isArray(e.schema) ? (e.schema as Array<{ required?: unknown }>) : undefined;
  const names = (branches ?? []).map((b) => (Array.isArray(b.required) && b.required.length === 1 ? String(b.required[0]) : undefined));
  const last = path[path.length - 1];
  const noun = typeof last === 'number' ? ELEMENT_NOUNS[String(path[path.length - 2])] ?? 'item' : `"${String(last ?? 'devfile')}"`;
  const subject = describeObject(path, root);
  if (names.length === 0 || names.some((n) => n === undefined)) {
    return `${subject} does not match exactly one of the forms the devfile schema allows`;
  }
  const present = names.filter((n) => data !== null && typeof data === 'object' && Object.prototype.hasOwnProperty.call(data, n as string));
  const article = /^[aeiou]/.test(noun) ? 'an' : 'a';
  const rule = `${article} ${noun} must have exactly one of ${names.join(', ')}`;
  return present.length === 0 ? `${subject} has none of ${names.join(', ')}; ${rule}` : `${subject} has ${present.join(' and ')}; ${rule}`;
}

function patternMessage(path: YamlPath, root: unknown, data: unknown, pattern: string): string {
  const last = path[path.length - 1];
  const text = JSON.stringify(data);
  if (last === 'schemaVersion') return `schemaVersion ${text} is not a version number like 2.2.0`;
  if (pattern === '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') {
    return `${nameSubject(path, root, text)} is not valid: use only lowercase letters, digits and "-", starting and ending with a letter or digit (at most 63 characters)`;
  }
  if (last === 'version') return `${describeValue(path, root)} ${text} is not a semantic version like 1.0.0`;
  return `${describeValue(path, root)} ${text} does not match the pattern ${pattern}`;
}

/** `component name "x"`, `endpoint name "y" (in component "x")` for a name or id; else the value's description and text. */
function nameSubject(path: YamlPath, root: unknown, text: string): string {
  const last = path[path.length - 1];
  const parent = path.slice(0, -1);
  const element = (last === 'name' || last === 'id') && typeof parent[parent.length - 1] === 'number'
    ? ELEMENT_NOUNS[String(parent[parent.length - 2])]
    : undefined;
  if (!element) return `${describeValue(path, root)} ${text}`;
  const owner = OWNER_LISTS.includes(String(parent[parent.length - 2])) ? undefined : ownerOf(parent, root);
  return `${element} ${String(last)} ${text}${owner ? ` (in ${owner})` : ''}`;
}

/** A key for a message: quoted, escaped, and cut short when a collection was used as a key. */
function quoteKey(key: string): string {
  const quoted = JSON.stringify(key);
  return quoted.length > 60 ? `${quoted.slice(0, 56)}..."` : quoted;
}

function scalarSuffix(v: unknown): string {
  if (typeof v === 'number') return ` (${String(v)})`;
  return typeof v === 'string' || typeof v === 'boolean' ? ` (${JSON.stringify(v)})` : '';
}


export function valueAt(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

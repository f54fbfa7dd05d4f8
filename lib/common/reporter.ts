/**
 * Checking a parsed YAML file: `parseChecked` (parse, then check the plain value with its source) and
 * `Reporter`, which collects diagnostics while a checker walks the value, locating each one in the
 * YAML source when there is one. Shared by the agent config and workspace identity checkers and the
 * workspace renderer. Pure.
 */
import { isScalar } from 'yaml';
import { closestMatch } from './suggest';
import { capDiagnostics, Diagnostic, hasErrors, Result, Severity } from './diagnostics';
import { describeType, formatPath, parseYaml, ParseYamlOptions, YamlPath, YamlSource } from './yaml-source';

/** Plain scalars that YAML 1.2 reads as strings but YAML 1.1 reads as booleans or numbers. */
const YAML11_NON_STRING = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/;

/** A checked file: the value or its problems, and the parsed source (to locate later diagnostics). */
export type CheckedFile<T> = Result<T> & { readonly source: YamlSource };

/**
 * Parses `text` as YAML and checks the value with `check`, which gets the parsed source to locate its
 * diagnostics. Returns the diagnostics of both steps, parse problems first. Duplicate keys still give a
 * value (first occurrences), so `check` runs and every other problem is reported too; the result is
 * then not ok. Other YAML problems (syntax, size, aliases) stop before `check`.
 */
export function parseChecked<T>(
  text: string,
  options: ParseYamlOptions,
  check: (value: unknown, source: YamlSource) => Result<T>,
): CheckedFile<T> {
  const parsed = parseYaml(text, options);
  const { source } = parsed;
  if (parsed.value === undefined) return { ok: false, diagnostics: parsed.diagnostics, source };
  const checked = check(parsed.value, source);
  // At most MAX_LISTED_DIAGNOSTICS and a line saying how many more (a file with 250k unknown keys).
  const diagnostics = capDiagnostics([...parsed.diagnostics, ...checked.diagnostics], `${options.rulePrefix ?? 'yaml'}/more-problems`);
  if (!checked.ok || hasErrors(parsed.diagnostics)) return { ok: false, diagnostics, source };
  return { ok: true, value: checked.value, diagnostics, source };
}

/**
 * A diagnostic at `path` of `source`; without a parsed source (values built in code, or a file too
 * large to parse) at line 1, column 1 of `file`.
 */
export function diagnosticAt(
  file: string,
  source: YamlSource | undefined,
  severity: Severity,
  rule: string,
  path: YamlPath,
  message: string,
  preferKey = false,
): Diagnostic {
  if (source?.doc) return source.diagnostic(severity, rule, path, message, preferKey);
  return { severity, file: source?.file ?? file, line: 1, column: 1, path: formatPath(path), message, rule };
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    /** Used in diagnostics when there is no YAML source (values built in code). */
    private readonly file: string,
    private readonly source: YamlSource | undefined,
    /** Rule id prefix, e.g. `agent-config`. */
    private readonly rulePrefix: string,
  ) {}

  get hasErrors(): boolean {
    return hasErrors(this.diagnostics);
  }

  error(path: YamlPath, rule: string, message: string, preferKey = false): void {
    this.add('error', path, rule, message, preferKey);
  }

  warning(path: YamlPath, rule: string, message: string, preferKey = false): void {
    this.add('warning', path, rule, message, preferKey);
  }

  private add(severity: Severity, path: YamlPath, rule: string, message: string, preferKey: boolean): void {
    this.diagnostics.push(diagnosticAt(this.file, this.source, severity, `${this.rulePrefix}/${rule}`, path, message, preferKey));
  }

  /**
   * Reports every key of `obj` that is not in `allowed`, at the key, with the allowed keys listed and
   * the closest one suggested. `where` names the mapping in the message (e.g. "`network_policy`").
   */
  unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: YamlPath, where: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const guess = closest(key, allowed);
      const hint = guess ? `did you mean \`${guess}\`? ` : '';
      this.error(
        [...path, key],
        'unknown-key',
        `unknown key \`${key}\` in ${where}; ${hint}allowed keys: ${allowed.join(', ')}`,
        true,
      );
    }
  }

  /**
   * Warns when the string at `path` was written as a plain (unquoted) scalar that a YAML 1.1 parser
   * reads as a boolean or a number (`on`, `yes`, `1:20`...). This checker reads YAML 1.2, where it is
   * a string; Go programs that use YAML 1.1 parsers (such as `sigs.k8s.io/yaml`) would not agree.
   */
  yaml11Ambiguity(path: YamlPath, value: string): void {
    if (!YAML11_NON_STRING.test(value)) return;
    const node = this.source?.node(path);
    if (!isScalar(node) || node.type !== 'PLAIN') return;
    this.warning(path, 'yaml11-ambiguous',
      `unquoted \`${value}\` is a string here, but YAML 1.1 parsers (as in Go's sigs.k8s.io/yaml) read it as a ${/^[-+0-9]/.test(value) ? 'number' : 'boolean'}; quote it: "${value}"`);
  }

  /** Reports a wrong type: "`key` must be <expected>; found <what it is>". */
  wrongType(path: YamlPath, key: string, expected: string, value: unknown): void {
    this.error(path, 'type', `\`${key}\` must be ${expected}; found ${describeValue(value)}`);
  }
}

/** "a string (\"yes\")", "a number (1)", "a list"... for messages. */
export function describeValue(value: unknown): string {
  const t = describeType(value);
  if (typeof value === 'string') return `${t} (${JSON.stringify(truncate(value))})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${t} (${String(value)})`;
  return t;
}

/** The last path element as a key name for messages. */
export function keyName(path: YamlPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return '';
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The allowed key nearest to `key` by edit distance, when it is close enough to be a likely typo. */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  return closestMatch(key, allowed, { ignoreCase: true, maxDistance: (_, best) => Math.max(2, Math.floor(best.length / 4)) });
}

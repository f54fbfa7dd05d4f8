/**
 * Collects diagnostics while a checker walks a plain value, locating each one in the YAML source
 * when there is one. Shared by the agent config and the workspace identity checkers. Pure.
 */
import { isScalar } from 'yaml';
import { closestMatch } from '../common/suggest';
import { Diagnostic, Severity } from '../common/diagnostics';
import { describeType, formatPath, YamlPath, YamlSource } from '../common/yaml-source';

/** Plain scalars that YAML 1.2 reads as strings but YAML 1.1 reads as booleans or numbers. */
const YAML11_NON_STRING = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/;

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
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  error(path: YamlPath, rule: string, message: string, preferKey = false): void {
    this.add('error', path, rule, message, preferKey);
  }

  warning(path: YamlPath, rule: string, message: string, preferKey = false): void {
    this.add('warning', path, rule, message, preferKey);
  }

  private add(severity: Severity, path: YamlPath, rule: string, message: string, preferKey: boolean): void {
    const fullRule = `${this.rulePrefix}/${rule}`;
    if (this.source?.doc) {
      this.diagnostics.push(this.source.diagnostic(severity, fullRule, path, message, preferKey));
    } else {
      this.diagnostics.push({ severity, file: this.file, line: 1, column: 1, path: formatPath(path), message, rule: fullRule });
    }
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

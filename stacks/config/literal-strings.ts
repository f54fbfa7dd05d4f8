/**
 * Every string of the stack config reaches Terraform as a literal. Terraform reads `${...}` and `%{...}` in
 * any string of cdk.tf.json as template syntax: a tag value `${file("/etc/hostname")}` would be evaluated
 * at plan time, so a merge request that edits the config could read files on the runner (or call any
 * other function) into the plan's output. No config value needs them, so they are refused here, in keys
 * and values alike, at their line and column; nothing of the config then needs escaping on its way out.
 * (Devfile strings go through the Workspace construct, which escapes them: devfiles are GitLab's format.)
 */
import { Diagnostic } from '../../lib/common/diagnostics';
import { formatPath, YamlPath, YamlSource } from '../../lib/common/yaml-source';

/** The sequences that open a Terraform template interpolation or directive. */
const TEMPLATE_SYNTAX = /[$%]\{/;

/** Every key and string value of a parsed config that holds Terraform template syntax, with its path. */
export function templateSyntaxFindings(value: unknown): Array<{ path: YamlPath; text: string; isKey: boolean }> {
  const found: Array<{ path: YamlPath; text: string; isKey: boolean }> = [];
  // An explicit stack: a config is at most 1 MiB, but its nesting is the author's.
  const stack: Array<{ value: unknown; path: YamlPath }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (TEMPLATE_SYNTAX.test(v)) found.push({ path, text: v, isKey: false });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (TEMPLATE_SYNTAX.test(key)) found.push({ path: [...path, key], text: key, isKey: true });
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return found;
}

/** A refusal for every key and string value of the parsed config that holds Terraform template syntax. */
export function templateSyntaxDiagnostics(value: unknown, source: YamlSource): Diagnostic[] {
  return templateSyntaxFindings(value).map(({ path, text, isKey }) => {
    const opener = TEMPLATE_SYNTAX.exec(text)![0];
    const what = isKey ? `the key ${JSON.stringify(text)}` : `${JSON.stringify(text)}`;
    return source.diagnostic('error', 'config/template-syntax', path,
      `${what} holds \`${opener}\`, which Terraform reads as ${opener === '${' ? 'an interpolation' : 'a template directive'} `
      + `(\`${formatPath(path) || 'the config'}\` goes into the synthesized Terraform as written, so it would run at plan time): `
      + 'write it without `${` and `%{`', isKey);
  });
}

/**
 * Throws when a config object built in code (not loaded from YAML, so never checked for template syntax)
 * holds `${` or `%{` in a key or string: the stacks take configs from callers too (buildApp, the stack classes).
 */
export function assertNoTemplateSyntax(config: unknown): void {
  const found = templateSyntaxFindings(config);
  if (found.length === 0) return;
  const lines = found.sort((a, b) => formatPath(a.path).localeCompare(formatPath(b.path)))
    .map((f) => `  ${formatPath(f.path) || '(the config)'}: ${f.isKey ? 'the key ' : ''}${JSON.stringify(f.text)}`);
  throw new Error(`The stack config holds Terraform template syntax (\`\${\` or \`%{\`), which Terraform would evaluate at plan time (cdktf tokens included: the stacks need literal values); write these without it:\n${lines.join('\n')}`);
}

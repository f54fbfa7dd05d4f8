/**
 * Reading HCL expressions cdktf writes into synthesized JSON, in tests.
 */

/** The text Terraform gets from `${base64encode("...")}`: the HCL string literal, unescaped. */
export function base64encodeArgument(expression: string): string {
  const m = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(expression);
  if (!m) throw new Error(`not a base64encode of a string: ${expression.slice(0, 60)}`);
  return m[1].replace(/\$\$\{|\\(.)/g, (all, c: string | undefined) => (all === '$${' ? '${' : ({ n: '\n', '\\': '\\', '"': '"' } as Record<string, string>)[c!]));
}

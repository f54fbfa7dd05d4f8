/**
 * Words the YAML layer's problems for agent config authors: the key of a duplicate-key error and where
 * it first appears, one document per file, merge keys that name no mapping. Pure.
 */
import { Diagnostic } from '../common/diagnostics';
import { formatPath, YamlSource } from '../common/yaml-source';
import { badMergeSources, keyAt } from '../devfile/yaml-nodes';

/** The parse diagnostic `d` with a path and a message that names what is wrong and what is allowed. */
export function explainParseDiagnostic(d: Diagnostic, text: string, source: YamlSource): Diagnostic {
  if (d.rule.endsWith('/duplicate-key')) {
    const found = keyAt(source.doc?.contents, offsetOf(text, d.line, d.column));
    if (!found) return d;
    const key = found.path[found.path.length - 1];
    const first = found.firstOffset !== undefined ? source.linePos(found.firstOffset) : undefined;
    return {
      ...d,
      path: formatPath(found.path),
      message: `the key \`${String(key)}\` appears twice in the same mapping` +
        (first ? ` (first on line ${first.line})` : '') + '; each key may appear only once',
    };
  }
  if (d.rule.endsWith('/syntax') && /multiple documents/i.test(d.message)) {
    return {
      ...d,
      message: 'the file holds more than one YAML document (content after a `---` separator); an agent config is a single document',
    };
  }
  if (d.rule.endsWith('/syntax') && /merge sources must be maps/i.test(d.message)) {
    const bad = badMergeSources(source.doc);
    const at = bad?.node.range ? source.linePos(bad.node.range[0]) : undefined;
    return {
      ...d, ...(at ?? {}), ...(bad ? { path: formatPath(bad.path) } : {}),
      message: 'a `<<` merge key must name a mapping (an alias of a mapping, or a list of such aliases)',
    };
  }
  return d;
}

/** 0-based offset of a 1-based line and column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return offset + column - 1;
}

/**
 * Output formats: the YAML stream reads back as exactly the objects (every string a string) with YAML 1.1
 * parsers (kubectl, agentk) and YAML 1.2 parsers alike, and the JSON array is the same data.
 */
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '../../lib/workspace/kubernetes';
import { serializeObjects, toJsonArray, toYamlStream } from '../../lib/workspace/serialize';

/** Strings some YAML version would read as something else when left plain. */
const TRICKY = [
  '0o14', '-0o7', '0x1F', '0755', '08', '1e3', '1_000', '+12', '-0', '1.', '.5', '+.inf', '.NaN',
  'on', 'off', 'y', 'N', 'yes', 'No', 'true', 'False', 'null', 'Null', '~', '', '12:30', '3:25:45',
  '2001-12-14', '=', '<<', ' lead', 'trail ', 'a: b', '- x', '#c', '@x', '`x', '!x', '&x', '*x', '%x',
  'multi\nline', '\nleading newline', 'trailing newlines\n\n', 'tab\there', 'crlf\r\nline', ' ', '\u00e9t\u00e9 \u{1F600}', 'auto:size=65536', '{{.port}}-ws.example.dev', '${GL_TOOLS_DIR}',
];

function configMap(data: Record<string, string>): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n', labels: { a: '0o14' }, annotations: { b: 'on' } },
    data,
  } as KubernetesObject;
}

describe('serializeObjects', () => {
  const objects = [configMap(Object.fromEntries(TRICKY.map((v, i) => [`k${i}`, v]))), configMap({ x: '0o17' })];

  it.each(['1.1', '1.2'] as const)('the YAML stream reads back as the same objects with a YAML %s parser', (version) => {
    const docs = parseAllDocuments(toYamlStream(objects), { version });
    expect(docs.map((d) => d.toJS())).toEqual(objects);
  });

  it('quotes strings YAML 1.2 reads as octal numbers', () => {
    expect(toYamlStream([configMap({ x: '0o17' })])).toContain('x: "0o17"');
  });

  it('the JSON array is the same data, and each format ends with a newline', () => {
    expect(JSON.parse(serializeObjects(objects, 'json'))).toEqual(objects);
    expect(toJsonArray(objects).endsWith(']\n')).toBe(true);
    expect(serializeObjects(objects, 'yaml').startsWith('---\n')).toBe(true);
    expect(serializeObjects(objects, 'yaml').endsWith('\n')).toBe(true);
  });
});

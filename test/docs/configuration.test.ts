/**
 * docs/configuration.md is generated from the stack config's JSON Schema by scripts/build-config-docs.js:
 * the committed file must be what the script writes now, and it must list every key of the schema with
 * its default and allowed values, in tables a Markdown renderer reads as written.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  definitions?: Record<string, SchemaNode>;
  [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/build-config-docs.js') as {
  renderConfigDocs(schema: SchemaNode): string;
  readSchema(): SchemaNode;
  DOC_PATH: string;
};

const ROOT = join(__dirname, '..', '..');
const schema = generator.readSchema();
const rendered = generator.renderConfigDocs(schema);

/** The table cells of a Markdown row, split on the pipes that are not escaped. */
function cells(line: string): string[] {
  return line.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every key path in the schema, walked here independently of the generator. */
function keyPaths(root: SchemaNode): Array<{ path: string; node: SchemaNode }> {
  const deref = (node: SchemaNode): SchemaNode => {
    if (node.$ref === undefined) return node;
    const { $ref, ...local } = node;
    return { ...deref(root.definitions![$ref.replace('#/definitions/', '')]), ...local };
  };
  const out: Array<{ path: string; node: SchemaNode }> = [];
  const walk = (node: SchemaNode, prefix: string) => {
    for (const [key, raw] of Object.entries(deref(node).properties ?? {})) {
      const child = deref(raw);
      out.push({ path: prefix + key, node: child });
      walk(child, `${prefix}${key}.`);
      if (child.items) walk(child.items, `${prefix}${key}[].`);
    }
  };
  walk(root, '');
  return out;
}

describe('docs/configuration.md', () => {
  it('is what scripts/build-config-docs.js writes from the schema', () => {
    const committed = readFileSync(join(ROOT, generator.DOC_PATH), 'utf8');
    if (committed !== rendered) throw new Error('docs/configuration.md is stale: run npm run docs:config');
  });

  it('has a row for every key of the schema, with its default and every allowed value', () => {
    const rows = new Map<string, string[]>();
    for (const line of rendered.split('\n')) {
      if (!line.startsWith('| `')) continue;
      const row = cells(line);
      rows.set(row[0].replace(/^`([^`]+)`.*$/, '$1'), row);
    }
    const paths = keyPaths(schema);
    expect(paths.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const { path, node } of paths) {
      if (!path.includes('.') && node.properties) {
        // A top-level section: a heading with its description, its keys in the table below it.
        if (!rendered.includes(`\n## ${path}\n`)) missing.push(path);
        continue;
      }
      const row = rows.get(path);
      if (!row) { missing.push(path); continue; }
      expect(row).toHaveLength(5);
      if (node.default !== undefined) {
        const value = typeof node.default === 'string' ? node.default : JSON.stringify(node.default);
        expect(row[2]).toBe(`\`${value}\``);
      }
      for (const value of node.enum ?? []) expect(row[3]).toContain(`\`${String(value)}\``);
      if (node.description) expect(row[4]).toContain(node.description.split(/[<>*|]/)[0].trim());
    }
    expect(missing).toEqual([]);
  });

  it('keeps one row per line with five cells, and nothing a renderer would take for HTML', () => {
    const tiny: SchemaNode = {
      properties: {
        section: {
          type: 'object',
          description: 'a section',
          properties: {
            name: { type: 'string', pattern: '^(a|b)$', description: 'the file is <name>.yaml, for *.example.dev; `a|b` in code' },
          },
        },
      },
    };
    const doc = generator.renderConfigDocs(tiny);
    const row = doc.split('\n').find((l) => l.startsWith('| `section.name`'))!;
    expect(cells(row)).toEqual([
      '`section.name`',
      'string',
      '',
      'pattern `^(a\\|b)$`',
      'the file is &lt;name&gt;.yaml, for \\*.example.dev; `a\\|b` in code.',
    ]);
    for (const line of rendered.split('\n').filter((l) => l.startsWith('| `'))) {
      expect(cells(line).length).toBeGreaterThanOrEqual(4);
      expect(line.replace(/`[^`]*`/g, '')).not.toMatch(/<[a-zA-Z]/);
    }
  });
});

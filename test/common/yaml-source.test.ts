import { parseDocument } from 'yaml';
import { formatPath, jsonPointerToPath, parseYaml } from '../../lib/common/yaml-source';

const parse = (text: string, extra: Partial<Parameters<typeof parseYaml>[1]> = {}) =>
  parseYaml(text, { file: 'f.yaml', rulePrefix: 't', ...extra });

describe('parseYaml', () => {
  it('names a duplicate key, its path and its first line, and still gives the value of the first one', () => {
    const r = parse('a:\n  b: 1\n  b: 2\nc: 3\n');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', rule: 't/duplicate-key', line: 3, column: 3, path: 'a.b',
        message: 'the key "b" appears twice in the same mapping (first on line 2); each key may appear only once' }),
    ]);
    expect(r.value).toEqual({ a: { b: 1 }, c: 3 });
  });

  it('finds duplicate keys in linear time: 20k keys cost about what parsing them costs (the package\'s own check: ~5 s)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k7: again', '  k19999: again');
    const text = `m:\n${keys.join('\n')}\n`;
    const t0 = Date.now();
    parseDocument(text, { uniqueKeys: false });
    const plain = Date.now() - t0;
    const t1 = Date.now();
    const r = parse(text);
    // Relative to the parse alone, so a busy machine does not fail it; quadratic checking is ~20x over.
    expect(Date.now() - t1).toBeLessThan(3 * plain + 500);
    expect(r.diagnostics.map((d) => [d.line, d.path, d.message])).toEqual([
      [20_002, 'm.k7', 'the key "k7" appears twice in the same mapping (first on line 9); each key may appear only once'],
      [20_003, 'm.k19999', 'the key "k19999" appears twice in the same mapping (first on line 20001); each key may appear only once'],
    ]);
    expect((r.value as { m: Record<string, unknown> }).m.k7).toBe(7);
  });

  it('lists at most 100 repeated keys, then one line with how many more', () => {
    const r = parse(`a: 0\n${'a: 1\n'.repeat(5000)}`);
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[99]).toMatchObject({ line: 101, message: 'the key "a" appears twice in the same mapping (first on line 1); each key may appear only once' });
    expect(r.diagnostics[100]).toMatchObject({ rule: 't/duplicate-key', line: 101, path: 'a',
      message: 'and 4900 more repeated keys after this one (only the first 100 are listed)' });
    expect(r.value).toEqual({ a: 0 });
  });

  it('compares keys as the yaml package does: 1 and 1.0 are one key, 1 and "1" two, collections never equal', () => {
    expect(parse('1: a\n1.0: b\n').diagnostics).toHaveLength(1);
    expect(parse('1: a\n"1": b\n').diagnostics).toHaveLength(0);
    expect(parse('? [a]\n: 1\n? [a]\n: 2\n').diagnostics).toHaveLength(0);
    expect(parse('{a: 1, b: 2, a: 3}').diagnostics).toEqual([expect.objectContaining({ line: 1, column: 14, path: 'a' })]);
    expect(parse('- x: 1\n  x: 2\n- x: 3\n').diagnostics).toEqual([expect.objectContaining({ line: 2, path: '[0].x' })]);
  });

  it('cuts a long quoted token of a syntax error (e.g. a text file given as YAML) to a short line', () => {
    const paragraph = Array.from({ length: 40 }, (_, i) => `      line ${i} of a "long" paragraph that is not YAML at all`).join('\n');
    const r = parse(`- a\nb: c\n${paragraph}\n`);
    expect(r.value).toBeUndefined();
    const token = r.diagnostics.find((d) => d.message.includes('Unexpected scalar token'));
    expect(token).toMatchObject({ rule: 't/syntax', severity: 'error', line: 2 });
    // The token is cut after 80 characters, without half an escape sequence, and marked with "...".
    expect(token?.message).toMatch(/^YAML syntax error: Unexpected scalar token in YAML stream: "c\\n {6}line 0 of a \\"long\\" .{40,80}\.\.\."$/);
    for (const d of r.diagnostics) {
      expect(d.message.length).toBeLessThan(160);
      expect(d.message).not.toMatch(/\n/);
    }
  });

  it('keeps a short quoted token of a syntax error whole', () => {
    const r = parse('- a\nb: c\n  short text\n');
    expect(r.diagnostics.map((d) => d.message).join('|')).not.toContain('...');
  });

  it('refuses a second document, naming the kind of file', () => {
    const r = parse('a: 1\n---\nb: 2\n', { documentName: 'a devfile' });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ rule: 't/syntax', line: 2, message: expect.stringContaining('a devfile is a single document') });
  });

  it('stops an alias bomb at the alias that multiplies', () => {
    const text = 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n';
    const r = parse(text);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ rule: 't/alias-limit', line: 3, path: 'c[0]', message: expect.stringContaining('*b') })]);
  });

  it('refuses more than 1000 aliases at the first one over, in linear time (the package resolves each by a scan)', () => {
    const n = 20_000;
    const anchors = Array.from({ length: n }, (_, i) => `a${i}: &x${i} v`);
    const aliases = Array.from({ length: n }, (_, i) => `b${i}: *x${i}`);
    // The same document with plain values instead of aliases: what parsing it costs on this machine now.
    const plainText = `${anchors.join('\n')}\n${aliases.map((a) => a.replace('*', '')).join('\n')}\n`;
    const t0 = Date.now();
    parseDocument(plainText);
    const plain = Date.now() - t0;
    const t1 = Date.now();
    const r = parse(`${anchors.join('\n')}\n${aliases.join('\n')}\n`);
    // Relative to the plain parse, so a busy machine does not fail it. Old code: ~14 s on a 2-core machine
    // (20k aliases each scanning up to 40k anchors and aliases), some 40x the plain parse.
    expect(Date.now() - t1).toBeLessThan(4 * plain + 1000);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ rule: 't/alias-limit', line: n + 1001, path: 'b1000',
      message: `the file uses ${n} YAML aliases; at most 1000 are allowed (this is the first one over): write the values out instead` })]);
  });

  it('converts a file with many anchors and up to 1000 aliases, each alias naming the last anchor of its name before it', () => {
    const anchors = Array.from({ length: 20_000 }, (_, i) => `a${i}: &x${i % 30} v${i}`);
    const aliases = Array.from({ length: 998 }, (_, i) => `b${i}: *x${i % 30}`);
    const r = parse(`${anchors.join('\n')}\n${aliases.join('\n')}\nc: [*x0]\nd: &x0 w\ne: *x0\n`);
    expect(r.diagnostics).toEqual([]);
    const v = r.value as Record<string, unknown>;
    expect([v.b0, v.b1, v.b20, v.c, v.e]).toEqual(['v19980', 'v19981', 'v19970', ['v19980'], 'w']);
  });

  it('refuses flow collections nested deeper than 500 levels before parsing them (300k levels took the parser ~6 s)', () => {
    const t0 = Date.now();
    const r = parse(`a: 1\nb: ${'['.repeat(300_000)}${']'.repeat(300_000)}\n`);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.diagnostics).toEqual([expect.objectContaining({ rule: 't/syntax', line: 2, column: 504,
      message: 'the YAML nests "[" and "{" collections more than 500 levels deep here; write it flatter' })]);
    expect(parse(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`).diagnostics).toEqual([]);
  });

  it('points at a merge key that names no mapping', () => {
    const r = parse('base: [1]\nx:\n  <<: *nope\n', { merge: true });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0].severity).toBe('error');
  });

  it('refuses a file over the size cap before parsing it', () => {
    const r = parse('a: 1\n'.repeat(100), { maxBytes: 10 });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ rule: 't/too-large', message: 'the file is 500 bytes; at most 10 bytes are allowed' });
  });

  it('locates paths, and maps JSON pointers to them', () => {
    const r = parse('components:\n  - name: a\n    container: {image: x}\n');
    expect(r.source.position(['components', 0, 'container', 'image'])).toEqual({ line: 3, column: 24 });
    expect(jsonPointerToPath('/components/0/container', r.value)).toEqual(['components', 0, 'container']);
    expect(formatPath(['components', 0, 'container', 'a/b'])).toBe('components[0].container["a/b"]');
  });
});

describe('YamlSource.view', () => {
  const text = 'gitlab:\n  dnsZone: a.example.dev\n  remote_development:\n    enabled: yes\n';
  const { source } = parseYaml(text, { file: 'c.yaml' });

  it('locates paths relative to a subtree and names them by their whole path', () => {
    const view = source.view((p) => ['gitlab', ...p]);
    expect(view.position(['remote_development', 'enabled'])).toEqual({ line: 4, column: 14 });
    expect(view.position(['remote_development', 'enabled'], true)).toEqual({ line: 4, column: 5 });
    expect(view.diagnostic('error', 'r', ['remote_development', 'enabled'], 'm')).toMatchObject({ line: 4, column: 14, path: 'gitlab.remote_development.enabled' });
    // A missing key points at the deepest mapping that exists.
    expect(view.diagnostic('error', 'r', ['remote_development', 'labels', 'x'], 'm')).toMatchObject({ line: 4, column: 5, path: 'gitlab.remote_development.labels.x' });
  });

  it('sends a path to the key a value came from', () => {
    const view = source.view((p) => (p[0] === 'dns_zone' ? ['gitlab', 'dnsZone', ...p.slice(1)] : ['gitlab', 'remote_development', ...p]));
    expect(view.diagnostic('error', 'r', ['dns_zone'], 'm')).toMatchObject({ line: 2, column: 12, path: 'gitlab.dnsZone' });
    expect(view.node(['enabled'])).toBe(source.node(['gitlab', 'remote_development', 'enabled']));
    // Views compose: a view of a view maps through both.
    const inner = source.view((p) => ['gitlab', ...p]).view((p) => ['remote_development', ...p]);
    expect(inner.keyNode(['enabled'])).toBe(source.keyNode(['gitlab', 'remote_development', 'enabled']));
  });
});

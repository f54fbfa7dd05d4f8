/** The loader's API and model: normalization, variables, editor choice, sizes and file reading. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { commandsRunBy, loadDevfile, MAX_DEVFILE_BYTES, readDevfileFile, RULES } from '../../lib/devfile';

const GITLAB_DEVFILE = `schemaVersion: 2.2.0
metadata:
  name: app
components:
  - name: tooling
    attributes:
      gl/inject-editor: true
      overrideCommand: false
    container:
      image: "{{registry}}/tooling:1"
      args: ["{{greeting}}", "{{missing}}"]
      env:
        - name: "{{greeting}}"
          value: "{{greeting}} world"
      endpoints:
        - name: web
          targetPort: 3000
      volumeMounts:
        - name: cache
  - name: cache
    volume:
      size: "{{size}}"
commands:
  - id: install
    exec:
      component: tooling
      commandLine: npm install --registry {{registry}}
events:
  postStart: [install]
variables:
  registry: registry.example.com
  greeting: hello
  size: 2Gi
`;

describe('loadDevfile', () => {
  it('returns the normalized model with variables substituted where the devfile library substitutes them', () => {
    const result = loadDevfile(GITLAB_DEVFILE, { file: 'devfile.yaml' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const d = result.value;
    expect(d.mode).toBe('gitlab');
    expect(d.schemaVersion).toBe('2.2.0');
    expect(d.mainComponentName).toBe('tooling');
    expect(d.metadata).toEqual({ name: 'app' });
    expect(d.variables).toEqual({ registry: 'registry.example.com', greeting: 'hello', size: '2Gi' });
    const [tooling, cache] = d.components;
    expect(tooling).toEqual({
      kind: 'container',
      name: 'tooling',
      attributes: { 'gl/inject-editor': true, overrideCommand: false },
      container: {
        image: 'registry.example.com/tooling:1',
        args: ['hello', '{{missing}}'],
        // Env names are substituted too, as the devfile library does.
        env: [{ name: 'hello', value: 'hello world' }],
        endpoints: [{ name: 'web', targetPort: 3000 }],
        volumeMounts: [{ name: 'cache' }],
      },
    });
    expect(cache).toEqual({ kind: 'volume', name: 'cache', attributes: {}, volume: { size: '2Gi' } });
    expect(d.commands).toEqual([
      { kind: 'exec', id: 'install', attributes: {}, exec: { commandLine: 'npm install --registry registry.example.com', component: 'tooling' } },
    ]);
    expect(d.events).toEqual({ preStart: [], postStart: ['install'], preStop: [], postStop: [] });
    // The unknown variable is a warning at the string that uses it.
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'devfile/unknown-variable', path: 'components[0].container.args[1]', line: 11, column: 30 }),
    ]);
  });

  it('defaults lists and events when the devfile is minimal', () => {
    const result = loadDevfile('schemaVersion: 2.2.0\ncomponents:\n  - name: a\n    attributes: {gl/inject-editor: true}\n    container: {image: alpine}\n', { file: 'f' });
    expect(result.ok && result.value.components[0]).toEqual({
      kind: 'container', name: 'a', attributes: { 'gl/inject-editor': true },
      container: { image: 'alpine', env: [], endpoints: [], volumeMounts: [] },
    });
    expect(result.ok && result.value.commands).toEqual([]);
    expect(result.ok && result.value.events).toEqual({ preStart: [], postStart: [], preStop: [], postStop: [] });
  });

  it('refuses text over 3 MB before parsing it', () => {
    const text = `schemaVersion: 2.2.0\n#${'x'.repeat(MAX_DEVFILE_BYTES)}\n`;
    const result = loadDevfile(text, { file: 'big.yaml' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ rule: 'devfile/too-large', line: 1, column: 1 })]);
  });

  it('reports every problem at once, sorted by position', () => {
    const text = 'schemaVersion: 2.3.0\ncomponents:\n  - name: gl-a\n    container: {image: a, dedicatedPod: true}\n';
    const result = loadDevfile(text, { file: 'f' });
    const rules = result.diagnostics.map((d) => d.rule);
    expect(rules).toEqual(['gitlab/schema-version', 'gitlab/editor-component', 'gitlab/reserved-prefix', 'gitlab/dedicated-pod']);
    const positions = result.diagnostics.map((d) => d.line * 1000 + d.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('gives every rule a stable, unique id and a summary', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^(gitlab|devfile)\/[a-z-]+$/);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.modes.length).toBeGreaterThan(0);
    }
  });
});

describe('a devfile with thousands of problems', () => {
  it('lists the first 100 in file order and one error line with how many more, and stays invalid', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `x${i}: 1`).join('\n');
    const r = loadDevfile(`${GITLAB_DEVFILE}${keys}\n`, { file: 'many.yaml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(101);
    const lines = r.diagnostics.map((d) => d.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(r.diagnostics[100]).toMatchObject({ severity: 'error', rule: 'devfile/more-problems', message: expect.stringMatching(/^and 19\d{3} more problems from here on \(only the first 100 are listed\)$/) });
  });
});

describe('devfile mode', () => {
  const base = `schemaVersion: 2.2.2
components:
  - name: runtime
    container: {image: node:20}
  - name: tools
    container: {image: udi:latest}
commands:
  - id: install
    exec: {component: runtime, commandLine: npm ci, env: [{name: CI, value: "1"}], group: {kind: build}}
  - id: start
    exec: {component: runtime, commandLine: npm start}
  - id: both
    composite: {commands: [install, start]}
  - id: never-run
    exec: {component: nowhere, commandLine: echo}
events:
  postStart: [both]
`;

  it('chooses the first container as the editor component by default', () => {
    const result = loadDevfile(base, { file: 'f', mode: 'devfile' });
    expect(result.ok && result.value.mainComponentName).toBe('runtime');
  });

  it('takes the editor component from the option, and a marked component over the option', () => {
    expect(loadDevfile(base, { file: 'f', mode: 'devfile', editorComponent: 'tools' })).toMatchObject({ ok: true, value: { mainComponentName: 'tools' } });
    const marked = base.replace('  - name: tools\n', '  - name: tools\n    attributes: {gl/inject-editor: true}\n');
    expect(loadDevfile(marked, { file: 'f', mode: 'devfile', editorComponent: 'runtime' })).toMatchObject({ ok: true, value: { mainComponentName: 'tools' } });
  });

  it('keeps the commands events run (composites and their members), with exec env', () => {
    const result = loadDevfile(base, { file: 'f', mode: 'devfile' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.commands.map((c) => c.id)).toEqual(['install', 'start', 'both']);
    expect(commandsRunBy(result.value, 'both').map((c) => c.id)).toEqual(['install', 'start']);
    const install = result.value.commands[0];
    expect(install.kind === 'exec' && install.exec.env).toEqual([{ name: 'CI', value: '1' }]);
  });

  it('refuses the same devfile in gitlab mode', () => {
    const result = loadDevfile(base, { file: 'f', mode: 'gitlab' });
    expect(result.ok).toBe(false);
    expect(new Set(result.diagnostics.map((d) => d.rule))).toEqual(new Set([
      'gitlab/schema-version', 'gitlab/editor-component', 'gitlab/exec-options', 'gitlab/command-type', 'gitlab/event-command-kind', 'devfile/unknown-component',
    ]));
  });
});

describe('readDevfileFile', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'devfile-read-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and loads a file, naming it as given', () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, GITLAB_DEVFILE);
    const result = readDevfileFile(f);
    expect(result.ok).toBe(true);
    expect(result.diagnostics[0].file).toBe(f);
    expect(readDevfileFile(f, { file: 'shown.yaml' }).diagnostics[0].file).toBe('shown.yaml');
  });

  it('refuses a file over 3 MB from its size', () => {
    const f = join(dir, 'big.yaml');
    writeFileSync(f, '');
    truncateSync(f, MAX_DEVFILE_BYTES + 1);
    const result = readDevfileFile(f);
    expect(result).toEqual({
      ok: false,
      diagnostics: [expect.objectContaining({ rule: 'devfile/too-large', message: `the file is ${MAX_DEVFILE_BYTES + 1} bytes; at most ${MAX_DEVFILE_BYTES} bytes (3 MB) are allowed` })],
    });
  });

  it('turns a missing file or a directory into a diagnostic', () => {
    expect(readDevfileFile(join(dir, 'nope.yaml')).diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'devfile/unreadable', message: 'cannot read the file: it does not exist', line: 1, column: 1 }),
    ]);
    mkdirSync(join(dir, 'sub'));
    expect(readDevfileFile(join(dir, 'sub')).diagnostics[0].message).toBe('cannot read the file: it is a directory');
  });
});

/**
 * What `npm publish` would ship: what a consumer and the ready app need, nothing of the repository's own
 * (tests, benchmarks, examples' code), and source maps that point at shipped files. Checked on the tarball
 * import-example.test.ts packs (one `npm pack` for both).
 */
import { readFileSync } from 'fs';
import { dirname, join, normalize } from 'path';
import { DEFAULT_CONFIG_RELATIVE_PATH } from '../../stacks/config/load';
import { Packed, ROOT } from './pack';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  license: string;
};

/** The contents checks, on the files of a packed tarball (`packed()` is called once the tarball exists). */
/**
 * The AWS SDK is no dependency of the package: esbuild puts it into the bundles of the commands that call AWS
 * (dist/cli/preflight.js, dist/cli/doctor.js), which the `gitlab-workspaces` launcher runs. Their unbundled
 * modules in dist/lib (the AWS adapters, reached only from those commands; the package's `exports` expose
 * neither) name it; and the SDK's error message for multi-region signing (which these commands never use) quotes
 * `require("@aws-sdk/signature-v4-crt")`, an optional package it does not load otherwise.
 */
function bundledIntoTheCli(name: string, file: string): boolean {
  if (name === '@aws-sdk/signature-v4-crt') return /^dist\/cli\/(preflight|doctor)\.js$/.test(file);
  return name.startsWith('@aws-sdk/client-') && /^dist\/lib\/(preflight\/sdk-adapter|cli\/doctor-probes)\.js$/.test(file);
}

export function describePackageContents(packed: () => Packed): void {
  let files: Set<string>;
  beforeAll(() => {
    files = new Set(packed().files.map((f) => f.path));
  });

describe('the package', () => {
  it('ships the license, the readme, the CLI and the entry points', () => {
    for (const path of ['LICENSE', 'README.md', 'package.json', manifest.main, manifest.types, ...Object.values(manifest.bin).map(normalize)]) {
      expect({ path, shipped: files.has(path) }).toEqual({ path, shipped: true });
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0');
    expect(manifest.license).toBe('Apache-2.0');
  });

  it('ships every target of its exports map', () => {
    const targets = Object.entries(manifest.exports).flatMap(([key, t]) => (typeof t === 'string' ? (key.includes('*') ? [] : [t]) : [t.types, t.default]));
    for (const t of targets) expect({ t, shipped: files.has(normalize(t)) }).toEqual({ t, shipped: true });
  });

  it('ships the config the ready app reads by default, every example config, and the JSON schemas', () => {
    expect(files.has(DEFAULT_CONFIG_RELATIVE_PATH)).toBe(true);
    expect([...files].filter((f) => /^examples\/[^/]+\/workspaces\.config\.yaml$/.test(f)).length).toBeGreaterThanOrEqual(8);
    expect(files.has('schemas/workspaces.config.schema.json')).toBe(true);
    expect(files.has('schemas/gitlab-devfile.schema.json')).toBe(true);
    // `doctor --smoke` renders it.
    expect(files.has('examples/smoke-workspace/devfile.yaml')).toBe(true);
  });

  it('ships the validators compiled at build time and the CLI\'s bundles', () => {
    expect(files.has('dist/lib/devfile/devfile-schema.validator.js')).toBe(true);
    expect(files.has('dist/stacks/config/workspaces-config.validator.js')).toBe(true);
    // The CLI's bundles and their code caches (the launcher's fast path).
    for (const command of ['validate', 'render', 'convert', 'preflight', 'gitlab', 'doctor']) {
      expect(files.has(`dist/cli/${command}.js`)).toBe(true);
      expect(files.has(`dist/cli/${command}.js.v8cache`)).toBe(true);
    }
  });

  it('ships nothing of the repository\'s own: tests, benchmarks, examples\' code, build info', () => {
    const own = [...files].filter((f) => /^(test|bench|dist\/bench|dist\/test|dist\/examples|examples\/.*\.ts|node_modules|scripts|\.ci)\b|\.tsbuildinfo$|__snapshots__/.test(f));
    expect(own).toEqual([]);
  });

  it('has source maps that point at shipped files', () => {
    const maps = [...files].filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(100);
    const broken: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = normalize(join(dirname(map), source));
        if (!files.has(target)) broken.push(`${map} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('lists cdktf, constructs and the providers as peers (ranges), never as dependencies', () => {
    const peers = Object.keys(manifest.peerDependencies);
    expect(peers.sort()).toEqual(['@cdktf/provider-aws', '@cdktf/provider-gitlab', '@cdktf/provider-helm', '@cdktf/provider-kubernetes', '@cdktf/provider-random', '@cdktf/provider-tls', 'cdktf', 'constructs']);
    for (const peer of peers) {
      expect(manifest.dependencies[peer]).toBeUndefined();
      expect(manifest.peerDependencies[peer]).toMatch(/^\^\d+\.\d+\.\d+$/);
      // Exact in devDependencies, for this repository's lock, and within the peer range's major.
      expect(manifest.devDependencies[peer]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(manifest.devDependencies[peer].split('.')[0]).toBe(manifest.peerDependencies[peer].slice(1).split('.')[0]);
    }
    expect(manifest.peerDependencies.cdktf).toBe('^0.21.0');
    expect(manifest.peerDependencies.constructs).toBe('^10.4.2');
  });

  it('ships the AWS SDK only inside the CLI bundles of the commands that call AWS', () => {
    for (const command of ['preflight', 'doctor']) {
      const bundle = readFileSync(join(ROOT, 'dist', 'cli', `${command}.js`), 'utf8');
      expect(bundle).not.toMatch(/require\("@aws-sdk\/client-/);
      expect(bundle).toContain(command === 'preflight' ? 'DescribeAddonVersionsCommand' : 'DescribeTargetHealthCommand');
    }
  });

  it('has every runtime dependency of the shipped code declared', () => {
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const missing = new Set<string>();
    for (const f of [...files].filter((p) => p.startsWith('dist/') && p.endsWith('.js'))) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
        if (!declared.has(name) && !isBuiltin(name) && !bundledIntoTheCli(name, f)) missing.add(`${name} (${f})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
}

function isBuiltin(name: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('module') as { builtinModules: string[] }).builtinModules.includes(name.replace(/^node:/, ''));
}


/**
 * The cdktf app launcher (cdktf.json's `app`): it rebuilds the compiled app only when a source changed
 * since the last build, so `cdktf synth` does not pay for `tsc` every time.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { upToDate } = require('../../scripts/cdktf-app.js') as { upToDate(root: string): boolean };

describe('the app launcher\'s up-to-date check', () => {
  let root: string;
  const at = (path: string, seconds: number) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, '');
    utimesSync(full, seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'app-launcher-'));
    at('tsconfig.json', 1000);
    at('lib/cluster/vpc.ts', 1000);
    at('stacks/config/load.ts', 1000);
    at('schemas/workspaces.config.schema.json', 1000);
    at('lib/README.md', 5000); // not a source
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('needs a build when there is no compiled app', () => {
    expect(upToDate(root)).toBe(false);
  });

  it('is up to date when the compiled app is newer than every source', () => {
    at('dist/stacks/main.js', 2000);
    expect(upToDate(root)).toBe(true);
  });

  it.each(['lib/cluster/vpc.ts', 'stacks/config/load.ts', 'schemas/workspaces.config.schema.json', 'tsconfig.json', 'lib/devfile/new-rule.ts'])('rebuilds after %s changes', (source) => {
    at('dist/stacks/main.js', 2000);
    at(source, 3000);
    expect(upToDate(root)).toBe(false);
  });
});

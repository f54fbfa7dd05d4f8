#!/usr/bin/env node
'use strict';
/**
 * The cdktf app (cdktf.json's `app`): runs the compiled ready app, dist/stacks/main.js, rebuilding it first
 * only when a source it is built from changed since the last build. Re-running `tsc` on every synth cost
 * more than the synth itself; type safety is kept by the rebuild (a type error stops synth) and by
 * `npm test`, which type-checks everything.
 *
 * Up to date means: dist/stacks/main.js is newer than every .ts and .json under lib/, stacks/ and schemas/,
 * and than tsconfig.json. `npm ci` builds dist/ (the package's prepare script), so a fresh clone starts
 * up to date.
 */
const { spawnSync } = require('child_process');
const { existsSync, readdirSync, statSync } = require('fs');
const { join } = require('path');

const ROOT = join(__dirname, '..');
const SOURCES = ['lib', 'stacks', 'schemas'];

/** The compiled app of a repository root. */
function compiledApp(root) {
  return join(root, 'dist', 'stacks', 'main.js');
}

/** The newest modification time (ms) of the sources the app is built from. */
function newestSource(root) {
  let newest = statSync(join(root, 'tsconfig.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(join(root, dir))) walk(join(root, dir));
  return newest;
}

/** Whether the compiled app is newer than every source it is built from. */
function upToDate(root = ROOT) {
  const main = compiledApp(root);
  return existsSync(main) && statSync(main).mtimeMs >= newestSource(root);
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0;
}

function runApp() {
  if (!upToDate()) {
    process.stdout.write('Sources changed since the last build: compiling the app (tsc -p stacks/tsconfig.json)\n');
    const built = run([require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'stacks', 'tsconfig.json')])
      // The stack config's validator, compiled ahead of time (the loader compiles at run time when it is stale).
      && run([join(ROOT, 'scripts', 'build-config-validator.js')]);
    if (!built) return 1;
  }
  return require(compiledApp(ROOT)).main();
}

module.exports = { newestSource, upToDate };

if (require.main === module) process.exitCode = runApp();

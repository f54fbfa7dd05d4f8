#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the package's `prepare` script), and each
// subcommand bundled into dist/cli/ with a V8 code cache (scripts/build-cli.js) for a fast start.
const { join } = require('path');

let main;
let bundledCommandLoader;
try {
  main = require('../dist/lib/cli/main.js').main;
  bundledCommandLoader = require('../dist/lib/cli/code-cache.js').bundledCommandLoader;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]lib[\\/]cli[\\/](main|code-cache)\.js/.test(String(err.message))) {
    process.stderr.write('gitlab-workspaces: the CLI is not built yet; run `npm ci` or `npm run build` in the repository first\n');
    process.exit(2);
  }
  throw err;
}
main(process.argv.slice(2), { loadCommand: bundledCommandLoader(join(__dirname, '..', 'dist', 'cli')) }).then((code) => {
  process.exitCode = code;
});

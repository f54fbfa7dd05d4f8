#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the package's `prepare` script).
let main;
try {
  main = require('../dist/lib/cli/main.js').main;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/lib/cli/main.js')) {
    process.stderr.write('gitlab-workspaces: the CLI is not built yet; run `npm ci` or `npm run build` in the repository first\n');
    process.exit(2);
  }
  throw err;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

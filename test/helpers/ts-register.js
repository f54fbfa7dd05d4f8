// Lets a child `node` process run the TypeScript sources directly (transpile only), so tests of the
// synth process do not depend on a fresh `dist/` build: node -r ./test/helpers/ts-register.js stacks/main.ts
//
// Each transpiled file is kept in the system temp folder under the hash of everything that makes it
// (TypeScript's version, the options, the path and the source), as jest keeps its transforms: a process
// after the first loads no compiler (transpiling the sources was 60% of a synth process).
const { createHash } = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const compilerOptions = { module: 'commonjs', target: 'es2022', esModuleInterop: true, resolveJsonModule: true };
const cacheDir = path.join(os.tmpdir(), 'gitlab-workspaces-ts-register');
const tsVersion = require('typescript/package.json').version;
let ts;

function transpile(filename, source) {
  ts ??= require('typescript');
  const options = { ...compilerOptions, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
  return ts.transpileModule(source, { fileName: filename, compilerOptions: options }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(JSON.stringify([tsVersion, compilerOptions, filename, source])).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, 'utf8');
  } catch {
    output = transpile(filename, source);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(`${cached}.${process.pid}`, output);
      fs.renameSync(`${cached}.${process.pid}`, cached); // whole or not at all, for a process reading it now
    } catch {
      // A read-only temp folder: transpile every time.
    }
  }
  module._compile(output, filename);
};

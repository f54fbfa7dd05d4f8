// Lets a child `node` process run the TypeScript sources directly (transpile only), so tests of the
// synth process do not depend on a fresh `dist/` build: node -r ./test/helpers/ts-register.js stacks/main.ts
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
  });
  module._compile(outputText, filename);
};

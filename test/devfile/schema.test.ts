/**
 * The schema step: the build's precompiled validator (dist/) and the run-time compiled one agree, and the
 * official schema accepts what the devfile spec allows.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { devfileSchemaValidator } from '../../lib/devfile/schema';

const PRECOMPILED = join(__dirname, '..', '..', 'dist', 'lib', 'devfile', 'devfile-schema.validator.js');
const FIXTURES = join(__dirname, 'fixtures');

function fixtureValues(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const mode of ['gitlab', 'devfile']) {
    for (const f of readdirSync(join(FIXTURES, mode)).filter((n) => n.endsWith('.yaml'))) {
      try {
        out.push([`${mode}/${f}`, parse(readFileSync(join(FIXTURES, mode, f), 'utf8'))]);
      } catch {
        // YAML-level fixtures never reach the schema.
      }
    }
  }
  return out;
}

(existsSync(PRECOMPILED) ? it : it.skip)('the precompiled validator of the build gives the same errors as the compiled schema', () => {
  const precompiled = require(PRECOMPILED) as typeof compiled;
  const compiled = devfileSchemaValidator();
  expect(precompiled).not.toBe(compiled);
  const summary = (v: typeof compiled) => (v.errors ?? []).map((e) => [e.keyword, e.instancePath, e.schemaPath, JSON.stringify(e.params)]);
  for (const [name, value] of fixtureValues()) {
    const a = precompiled(value);
    const b = compiled(value);
    expect({ name, valid: a, errors: a ? [] : summary(precompiled) }).toEqual({ name, valid: b, errors: b ? [] : summary(compiled) });
  }
});

it('compiles the schema once per process', () => {
  expect(devfileSchemaValidator()).toBe(devfileSchemaValidator());
});

/**
 * The stack config validator compiled ahead of time (scripts/build-config-validator.js, run by `npm ci`)
 * gives exactly the errors and defaults of the one compiled at run time, on every example and invalid
 * fixture, and is used only when built from the current schema.
 */
import Ajv, { Options, ValidateFunction } from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import schema from '../../schemas/workspaces.config.schema.json';
import ajvOptions from '../../stacks/config/ajv-options.json';
import { configValidatorStamp } from '../../stacks/config/load';
import { EXAMPLES, ROOT } from './helpers';

const BUILT = join(ROOT, 'dist', 'stacks', 'config', 'workspaces-config.validator.js');
const INVALID = join(__dirname, 'fixtures', 'invalid');

const documents: Array<[string, unknown]> = [
  ...readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'workspaces.config.yaml')))
    .map((d): [string, unknown] => [`examples/${d}`, parse(readFileSync(join(EXAMPLES, d, 'workspaces.config.yaml'), 'utf8'))]),
  ...readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).flatMap((f): Array<[string, unknown]> => {
    try {
      return [[f, parse(readFileSync(join(INVALID, f), 'utf8'))]];
    } catch {
      return []; // not YAML the loader would check with the schema
    }
  }),
];

describe('the precompiled stack config validator', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const built = () => require(BUILT) as ValidateFunction & { stamp: { schemaSha256: string; ajv: string } };
  const options: Options = Object.fromEntries(Object.entries(ajvOptions).filter(([k]) => k !== '//'));
  const runtime = new Ajv({ ...options, code: { optimize: false } }).compile(schema);

  it('is built (npm ci runs the build; `npm run build` otherwise), from this schema and ajv', () => {
    expect(existsSync(BUILT)).toBe(true);
    expect(built().stamp).toEqual(configValidatorStamp());
  });

  it.each(documents)('%s: same verdict, errors and filled-in defaults as the run-time compile', (_name, doc) => {
    const a = structuredClone(doc);
    const b = structuredClone(doc);
    const okBuilt = built()(a);
    const okRuntime = runtime(b);
    expect(okBuilt).toBe(okRuntime);
    const shape = (errors: ValidateFunction['errors']) => (errors ?? []).map((e) => ({ ...e, parentSchema: JSON.stringify(e.parentSchema), schema: JSON.stringify(e.schema) }));
    expect(shape(built().errors)).toEqual(shape(runtime.errors));
    expect(a).toEqual(b);
  });
});

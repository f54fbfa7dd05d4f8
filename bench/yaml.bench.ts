/**
 * Hostile YAML (issue 15): a valid devfile of just under 3 MB whose `variables` mapping has ~240k keys. Checking
 * it (parse, duplicate keys, schema, every rule) against parsing the same text with the `yaml` package
 * and no duplicate-key check, in process, in turns; and the whole `validate` command on it, which must
 * stay under 2 s. The package's own duplicate-key check took 832 s on such a file.
 */
import { join } from 'path';
import { parseDocument } from 'yaml';
import { loadDevfile, MAX_DEVFILE_BYTES } from '../lib/devfile';
import { alternatingMedians, BENCH_DEVFILE, withTempFile } from './devfile.bench';
import type { Report } from './run';

const BIN = join(__dirname, '..', '..', 'bin', 'gitlab-workspaces.js');

/** The 60-line bench devfile (valid), its `variables` mapping grown with `kN: v` keys up to the size cap. */
export function manyKeysDevfile(): { text: string; keys: number } {
  const lines = BENCH_DEVFILE.trimEnd().split('\n');
  if (!lines.includes('variables:')) throw new Error('the bench devfile has no variables mapping');
  let size = lines.join('\n').length + 1;
  let keys = 0;
  for (;;) {
    const line = `  k${keys}: v`;
    if (size + line.length + 1 > MAX_DEVFILE_BYTES) break;
    lines.push(line);
    size += line.length + 1;
    keys++;
  }
  return { text: `${lines.join('\n')}\n`, keys };
}

function ms(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export function run(report: Report): void {
  const { text, keys } = manyKeysDevfile();
  const checked: number[] = [];
  const parsed: number[] = [];
  for (let i = 0; i < 3; i++) {
    parsed.push(ms(() => parseDocument(text, { uniqueKeys: false })));
    checked.push(ms(() => {
      if (!loadDevfile(text, { file: 'bench.yaml' }).ok) throw new Error('the many-keys devfile is invalid');
    }));
  }
  const check = median(checked);
  const parse = median(parsed);
  const label = `${(text.length / 1024 / 1024).toFixed(1)} MB, ${Math.round(keys / 1000)}k keys in one mapping`;
  report({ name: `YAML many keys: devfile check in process (${label}, median of 3)`, value: check, unit: 'ms', target: 1.5 * parse, better: 'lower' });
  report({ name: 'YAML many keys: yaml parseDocument alone, no duplicate-key check (same text, in turns)', value: parse, unit: 'ms', target: parse, better: 'lower' });
  report({ name: 'YAML many keys: devfile check / yaml parse ratio', value: check / parse, unit: 'x', target: 1.5, better: 'lower' });
  const [cli] = withTempFile('devfile.yaml', text, (file) => alternatingMedians([[BIN, 'validate', file]], 3));
  report({ name: `YAML many keys: CLI validate wall time (${label}, median of 3)`, value: cli, unit: 'ms', target: 2000, better: 'lower' });
}

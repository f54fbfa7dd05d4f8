/**
 * `npm run bench`: runs every `bench/*.bench.js` module (compiled) in name order. Each module exports
 * `run(report)` and reports one result per measurement; each result is printed as one JSON line:
 * {"name", "value", "unit", "target", "better"}.
 */
import { readdirSync } from 'fs';
import { join } from 'path';

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: number;
  readonly better: 'lower' | 'higher';
}

export type Report = (result: BenchResult) => void;

/** Four significant digits: benchmark noise is far larger than that. */
function round(n: number): number {
  return Number(n.toPrecision(4));
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only))).sort();
  for (const f of files) {
    const mod = require(join(__dirname, f)) as { run: (report: Report) => Promise<void> | void };
    await mod.run((r) => process.stdout.write(JSON.stringify({ ...r, value: round(r.value), target: round(r.target) }) + '\n'));
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

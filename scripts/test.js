#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the type check (`tsc --noEmit`) and jest, side by side instead of one after the other.
 *
 * Why: tsc runs on one core for ~8 s; run first, it left the second core idle that long while jest
 * waited. Side by side, the machine's cores share the whole load. tsc's report is printed after jest's,
 * so type errors stay together at the end; the exit code is tsc's when it fails, jest's otherwise.
 * Arguments go to jest (`npm test -- test/stacks`).
 */
const { spawn } = require('child_process');

// Colours as tsc would choose them on this terminal (it sees a pipe).
const pretty = process.stdout.isTTY ? ['--pretty'] : [];
const typecheck = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit', ...pretty], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const report = [];
typecheck.stdout.on('data', (chunk) => report.push(chunk));
typecheck.stderr.on('data', (chunk) => report.push(chunk));
const typecheckExit = new Promise((resolve) => typecheck.on('close', (code) => resolve(code ?? 1)));

const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], { stdio: 'inherit' });
jest.on('close', async (code) => {
  const typecheckCode = await typecheckExit;
  process.stdout.write(Buffer.concat(report));
  if (typecheckCode !== 0) process.stderr.write(`\nType check (tsc --noEmit) failed with exit code ${typecheckCode}.\n`);
  process.exit(typecheckCode !== 0 ? typecheckCode : (code ?? 1));
});

/**
 * The default config's header says how many values are marked REPLACE (the ones with no safe default):
 * the count must be the number of markers in the file.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

it('the default config header counts its REPLACE markers right', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', 'default', 'workspaces.config.yaml'), 'utf8');
  const header = text.split('\n').filter((l) => l.startsWith('#')).join(' ');
  const stated = /the (\w+) marked REPLACE/.exec(header);
  expect(stated).not.toBeNull();
  const markers = text.split('\n').filter((l) => /#.*\bREPLACE before deploying\b/.test(l)).length;
  expect(markers).toBeGreaterThan(0);
  expect(NUMBERS.indexOf(stated![1])).toBe(markers);
});

/** docs/cli.md documents every option each command's --help lists. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { CAPACITY_USAGE } from '../../lib/cli/capacity';
import { CONVERT_USAGE } from '../../lib/cli/convert';
import { PREFLIGHT_USAGE } from '../../lib/cli/preflight';
import { ALLOW_AGENT_USAGE } from '../../lib/cli/gitlab';
import { DOCTOR_USAGE } from '../../lib/cli/doctor';
import { RENDER_USAGE } from '../../lib/cli/render';
import { VALIDATE_USAGE } from '../../lib/cli/validate';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');

/** The section of docs/cli.md about one command (from its heading to the next `## `). */
function section(command: string): string {
  const start = doc.indexOf(`## \`${command}\``);
  expect(start).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe.each([
  ['validate', VALIDATE_USAGE],
  ['render', RENDER_USAGE],
  ['convert', CONVERT_USAGE],
  ['preflight', PREFLIGHT_USAGE],
  ['gitlab allow-agent', ALLOW_AGENT_USAGE],
  ['doctor', DOCTOR_USAGE],
  ['capacity', CAPACITY_USAGE],
])('gitlab-workspaces %s', (command, usage) => {
  it('has every option of its --help in its section of docs/cli.md', () => {
    const options = [...new Set([...usage.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b/g)].map((m) => m[1]))];
    expect(options.length).toBeGreaterThan(2);
    const text = section(command);
    expect(options.filter((o) => !text.includes(`\`${o}`))).toEqual([]);
  });

  it('states its exit codes', () => {
    expect(section(command).replace(/\s+/g, ' ')).toMatch(/Exit status: 0 [^.]*, 1 [^.]*, 2 usage error\./);
  });
});

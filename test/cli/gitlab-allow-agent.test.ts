/**
 * `gitlab-workspaces gitlab allow-agent` against a fake GitLab GraphQL API on 127.0.0.1: the calls it makes
 * (GitLab 18's query and mutation names, their input fields, global IDs, the bearer token), idempotence,
 * --remove, and each failure (401, 403, not an Owner, unknown group, project or agent, an older GitLab,
 * no licence, a server that is down) as one line with its fix and exit 1; usage errors exit 2.
 */
import { spawn } from 'child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ALLOW_AGENT_USAGE, runGitlab } from '../../lib/cli/gitlab';
import { main } from '../../lib/cli/main';
import { REQUIRED_CONFIG } from '../stacks/helpers';

const TOKEN = 'glpat-TEST-allow-agent-0001';
const GROUP_ID = 'gid://gitlab/Group/81';
const AGENT_ID = 'gid://gitlab/Clusters::Agent/2';
const NOT_FOUND_OR_FORBIDDEN = "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

interface Call {
  readonly operationName: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly authorization?: string;
}

/** A fake GitLab: one group, one project with one agent, the mappings, and switches for the failures. */
class FakeGitLab {
  server!: Server;
  url = '';
  calls: Call[] = [];
  mapped = new Set<string>();
  /** Agents mapped before ours, to make the list span pages. */
  otherMapped = 0;
  owner = true;
  status?: number;
  licensed = true;
  /** 17: only the field's old name (remoteDevelopmentClusterAgents); no-mapping-query: neither. */
  oldGitLab?: '17' | 'no-mapping-query';
  /** The mapping appears between the read and the mutation (someone else's run). */
  race = false;
  groups: Record<string, string> = { 'acme/developers': GROUP_ID };
  projects: Record<string, { id: string; agents: Record<string, string> }> = {
    'platform/workspaces-agent': { id: 'gid://gitlab/Project/7', agents: { workspaces: AGENT_ID } },
  };

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/api/graphql') return send(404, { message: '404 Not Found' });
      const body = JSON.parse(text) as Call;
      this.calls.push({ ...body, authorization: req.headers.authorization });
      if (this.status === 401) return send(401, { errors: [{ message: 'Invalid token' }] });
      if (this.status !== undefined) return send(this.status, { errors: [{ message: 'API not accessible for user' }] });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { errors: [{ message: 'Invalid token' }] });
      send(200, this.answer(body));
    });
  }

  private answer(call: Call): unknown {
    const v = call.variables;
    switch (call.operationName) {
      case 'allowAgentLookup': {
        const project = this.projects[v.project as string];
        const groupId = this.groups[v.group as string];
        return {
          data: {
            group: groupId ? { id: groupId, fullPath: v.group } : null,
            project: project ? { id: project.id, fullPath: v.project, clusterAgent: project.agents[v.agent as string] ? { id: project.agents[v.agent as string], name: v.agent } : null } : null,
          },
        };
      }
      case 'allowAgentMapped': {
        const field = /workspacesClusterAgents\(/.test(call.query) ? 'workspacesClusterAgents' : 'remoteDevelopmentClusterAgents';
        if (this.oldGitLab === 'no-mapping-query') return { errors: [{ message: `Field '${field}' doesn't exist on type 'Namespace'`, locations: [{ line: 3, column: 5 }] }] };
        if (this.oldGitLab === '17' && field === 'workspacesClusterAgents') return { errors: [{ message: "Field 'workspacesClusterAgents' doesn't exist on type 'Namespace'", locations: [{ line: 3, column: 5 }] }] };
        if (!this.licensed) return { data: { namespace: { workspacesClusterAgents: null } }, errors: [{ message: "'remote_development' licensed feature is not available", path: ['namespace', 'workspacesClusterAgents'] }] };
        const all = [...Array.from({ length: this.otherMapped }, (_, i) => ({ id: `gid://gitlab/Clusters::Agent/${100 + i}` })), ...[...this.mapped].map((id) => ({ id }))];
        const start = v.after ? Number(v.after) : 0;
        const nodes = all.slice(start, start + 100);
        const more = start + 100 < all.length;
        return { data: { namespace: { [field]: { nodes, pageInfo: { hasNextPage: more, endCursor: more ? String(start + 100) : null } } } } };
      }
      case 'allowAgentCreate':
      case 'allowAgentDelete': {
        const field = call.operationName === 'allowAgentCreate' ? 'namespaceCreateRemoteDevelopmentClusterAgentMapping' : 'namespaceDeleteRemoteDevelopmentClusterAgentMapping';
        if (!this.owner) return { data: { [field]: null }, errors: [{ message: NOT_FOUND_OR_FORBIDDEN, locations: [{ line: 2, column: 3 }], path: [field] }] };
        const input = v.input as { namespaceId: string; clusterAgentId: string };
        if (this.race) this.mapped.add(input.clusterAgentId);
        if (call.operationName === 'allowAgentCreate') {
          if (this.mapped.has(input.clusterAgentId)) return { data: { [field]: { errors: ['Namespace cluster agent mapping already exists'] } } };
          this.mapped.add(input.clusterAgentId);
        } else {
          if (!this.mapped.delete(input.clusterAgentId)) return { data: { [field]: { errors: ['Namespace cluster agent mapping not found'] } } };
        }
        return { data: { [field]: { errors: [] } } };
      }
      default:
        return { errors: [{ message: `unknown operation ${call.operationName}` }] };
    }
  }
}

let gitlab: FakeGitLab;
const savedEnv = { ...process.env };

beforeEach(async () => {
  gitlab = new FakeGitLab();
  await gitlab.start();
  process.env.GITLAB_TOKEN = TOKEN;
  delete process.env.WORKSPACES_CONFIG;
});

afterEach(async () => {
  await gitlab.stop();
  process.env = { ...savedEnv };
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runGitlab(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

/** The command with the fake's URL and the agent given by flags (`--flag value` pairs in `extra` replace them). */
function allow(...extra: string[]) {
  const options: Record<string, string> = { '--group': 'acme/developers', '--gitlab-url': gitlab.url, '--agent-project': 'platform/workspaces-agent', '--agent': 'workspaces' };
  const rest: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    if (extra[i] in options) options[extra[i]] = extra[++i];
    else rest.push(extra[i]);
  }
  return run('allow-agent', ...Object.entries(options).flat(), ...rest);
}

describe('gitlab allow-agent', () => {
  it('allows the agent: looks up the global IDs, reads the directly mapped agents, then calls the create mutation with them', async () => {
    expect(await allow()).toEqual({ code: 0, stdout: 'Allowed the agent platform/workspaces-agent/workspaces for workspaces in acme/developers.\n', stderr: '' });
    expect(gitlab.calls.map((c) => c.operationName)).toEqual(['allowAgentLookup', 'allowAgentMapped', 'allowAgentCreate']);
    expect(gitlab.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const [lookup, mapped, create] = gitlab.calls;
    expect(lookup.variables).toEqual({ group: 'acme/developers', project: 'platform/workspaces-agent', agent: 'workspaces' });
    expect(lookup.query).toMatch(/group\(fullPath: \$group\) \{ id/);
    expect(lookup.query).toMatch(/project\(fullPath: \$project\) \{ id fullPath clusterAgent\(name: \$agent\) \{ id/);
    expect(mapped.query).toMatch(/namespace\(fullPath: \$group\) \{\s+workspacesClusterAgents\(filter: DIRECTLY_MAPPED, first: 100, after: \$after\)/);
    expect(create.query).toMatch(/^mutation allowAgentCreate\(\$input: NamespaceCreateRemoteDevelopmentClusterAgentMappingInput!\) \{\s+namespaceCreateRemoteDevelopmentClusterAgentMapping\(input: \$input\) \{ errors \}/);
    expect(create.variables).toEqual({ input: { namespaceId: GROUP_ID, clusterAgentId: AGENT_ID } });
    expect([...gitlab.mapped]).toEqual([AGENT_ID]);
  });

  it('is idempotent: an agent already allowed is left as it is (no mutation, exit 0)', async () => {
    await allow();
    gitlab.calls = [];
    expect(await allow()).toEqual({ code: 0, stdout: 'The agent platform/workspaces-agent/workspaces is already allowed for workspaces in acme/developers: nothing to do.\n', stderr: '' });
    expect(gitlab.calls.map((c) => c.operationName)).toEqual(['allowAgentLookup', 'allowAgentMapped']);
  });

  it('finds the agent on a later page of mapped agents', async () => {
    gitlab.otherMapped = 150;
    gitlab.mapped.add(AGENT_ID);
    expect((await allow()).code).toBe(0);
    expect(gitlab.calls.filter((c) => c.operationName === 'allowAgentMapped').map((c) => c.variables.after)).toEqual([null, '100']);
    expect(gitlab.calls.map((c) => c.operationName)).not.toContain('allowAgentCreate');
  });

  it('asks an instance without workspacesClusterAgents with its old name, remoteDevelopmentClusterAgents', async () => {
    gitlab.oldGitLab = '17';
    expect((await allow()).code).toBe(0);
    const mapped = gitlab.calls.filter((c) => c.operationName === 'allowAgentMapped').map((c) => /(\w+)\(filter: DIRECTLY_MAPPED/.exec(c.query)![1]);
    expect(mapped).toEqual(['workspacesClusterAgents', 'remoteDevelopmentClusterAgents']);
    expect([...gitlab.mapped]).toEqual([AGENT_ID]);
  });

  it('takes "already exists" from a concurrent run as done', async () => {
    gitlab.race = true;
    expect(await allow()).toMatchObject({ code: 0, stdout: expect.stringMatching(/already allowed/) });
  });

  it('--remove deletes the mapping, and says so when there is none', async () => {
    gitlab.mapped.add(AGENT_ID);
    expect(await allow('--remove')).toEqual({ code: 0, stdout: 'The agent platform/workspaces-agent/workspaces is no longer allowed for workspaces in acme/developers.\n', stderr: '' });
    const del = gitlab.calls.find((c) => c.operationName === 'allowAgentDelete')!;
    expect(del.query).toMatch(/namespaceDeleteRemoteDevelopmentClusterAgentMapping\(input: \$input\)/);
    expect(del.variables).toEqual({ input: { namespaceId: GROUP_ID, clusterAgentId: AGENT_ID } });
    expect(gitlab.mapped.size).toBe(0);
    gitlab.calls = [];
    expect(await allow('--remove')).toEqual({ code: 0, stdout: 'The agent platform/workspaces-agent/workspaces is not allowed for workspaces in acme/developers: nothing to remove.\n', stderr: '' });
    expect(gitlab.calls.map((c) => c.operationName)).toEqual(['allowAgentLookup', 'allowAgentMapped']);
  });

  it('--format json reports the group, the agent, the action and the result', async () => {
    const r = await allow('--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ group: 'acme/developers', agent: { project: 'platform/workspaces-agent', name: 'workspaces' }, action: 'allow', result: 'created', allowed: true });
    gitlab.owner = false;
    gitlab.mapped.clear();
    const failed = await allow('--format', 'json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({
      group: 'acme/developers', agent: { project: 'platform/workspaces-agent', name: 'workspaces' }, action: 'allow', result: 'error', allowed: null,
      error: { kind: 'forbidden', message: expect.any(String), fix: expect.stringMatching(/Owner role in acme\/developers/) },
    });
  });

  describe('failures: one line on stderr with the fix, exit 1, no stack trace', () => {
    const oneLine = (r: { stderr: string }) => {
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      return r.stderr;
    };

    it('401: the token is refused', async () => {
      gitlab.status = 401;
      const r = await allow();
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(/^gitlab-workspaces gitlab allow-agent: GitLab refused the token \(HTTP 401 at http:\/\/127\.0\.0\.1:\d+\/api\/graphql\): GITLAB_TOKEN is invalid, expired or revoked: create a personal access token with the api scope/);
    });

    it('403: the token\'s user may not use the API', async () => {
      gitlab.status = 403;
      const r = await allow();
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(/HTTP 403 at .*: API not accessible for user\): the token's user may not use the API \(blocked, deactivated or awaiting approval\) or the token lacks the api scope/);
    });

    it('not an Owner of the group: GitLab\'s errors array on the mutation', async () => {
      gitlab.owner = false;
      const r = await allow();
      expect(r.code).toBe(1);
      expect(oneLine(r)).toBe('gitlab-workspaces gitlab allow-agent: GitLab did not let the token\'s user allow the agent platform/workspaces-agent/workspaces in acme/developers: changing the agents allowed for workspaces needs the Owner role in acme/developers and the Maintainer role (or higher) in platform/workspaces-agent, and a token with the api scope (read_api cannot change anything): use such a user\'s token, or ask an Owner to run this command\n');
      expect(gitlab.mapped.size).toBe(0);
    });

    it('an unknown group, project or agent', async () => {
      const group = await run('allow-agent', '--group', 'acme/nobody', '--gitlab-url', gitlab.url, '--agent-project', 'platform/workspaces-agent');
      expect(group.code).toBe(1);
      expect(oneLine(group)).toMatch(/no group acme\/nobody that the token's user can see: give the group's full path as in its URL/);
      const project = await allow('--agent-project', 'platform/elsewhere');
      expect(oneLine(project)).toMatch(/no project platform\/elsewhere that the token's user can see: give the full path of the project that holds the agent/);
      const agent = await allow('--agent', 'other');
      expect(agent.code).toBe(1);
      expect(oneLine(agent)).toMatch(/the project platform\/workspaces-agent has no agent named other: register it first/);
      expect(gitlab.calls.map((c) => c.operationName)).not.toContain('allowAgentCreate');
    });

    it('no licence, an older GitLab, a server that is not there', async () => {
      gitlab.licensed = false;
      expect(oneLine(await allow())).toMatch(/licensed feature is not available: workspaces need GitLab Premium or Ultimate/);
      gitlab.licensed = true;
      gitlab.oldGitLab = 'no-mapping-query';
      expect(oneLine(await allow())).toMatch(/GitLab does not know this request \(Field 'remoteDevelopmentClusterAgents' doesn't exist on type 'Namespace'\): the instance is older/);
      // A port nothing listens on (taken, then freed without a connection).
      const probe = createServer();
      await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((done) => probe.close(() => done()));
      const down = await allow('--gitlab-url', `http://127.0.0.1:${port}`);
      expect(down.code).toBe(1);
      expect(oneLine(down)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/graphql \(ECONNREFUSED\): check the GitLab URL/);
    });

    it('a URL that is not GitLab\'s GraphQL API', async () => {
      const r = await allow('--gitlab-url', `${gitlab.url}/elsewhere`);
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(/\/elsewhere\/api\/graphql gave HTTP 404: check the GitLab URL/);
    });
  });

  describe('usage errors: exit 2, nothing sent', () => {
    it('no group, no token, a plain-HTTP URL to another machine, no agent project', async () => {
      expect(await run('allow-agent', '--gitlab-url', gitlab.url, '--agent-project', 'a/b')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--group PATH is required/) });
      delete process.env.GITLAB_TOKEN;
      expect(await allow()).toMatchObject({ code: 2, stderr: expect.stringMatching(/no token: set GITLAB_TOKEN to a GitLab access token with the api scope, of a user with the Owner role in acme\/developers/) });
      process.env.GITLAB_TOKEN = TOKEN;
      expect(await allow('--gitlab-url', 'http://gitlab.acme.dev')).toMatchObject({ code: 2, stderr: expect.stringMatching(/plain HTTP: the token would cross the network unencrypted; use https:\/\//) });
      expect(await run('allow-agent', '--group', 'acme/developers', '--gitlab-url', gitlab.url)).toMatchObject({ code: 2, stderr: expect.stringMatching(/no agent project: give --agent-project/) });
      expect(await run('allow-agent', '--group', 'acme/developers')).toMatchObject({ code: 2, stderr: expect.stringMatching(/no GitLab URL: give --gitlab-url, or the stack config with --config \(or WORKSPACES_CONFIG\)/) });
      expect(await allow('--format', 'yaml')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format must be one of: text, json/) });
      expect(await run('allow-agent', '--group', 'acme/developers', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown option '--bogus'/) });
      expect(await run('deny-agent')).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command 'deny-agent'; expected: allow-agent/) });
      expect(gitlab.calls).toEqual([]);
    });

    it('--help and the top-level help', async () => {
      expect(await run('allow-agent', '--help')).toEqual({ code: 0, stdout: ALLOW_AGENT_USAGE, stderr: '' });
      expect((await run('--help')).stdout).toMatch(/allow-agent --group PATH/);
    });
  });

  describe('the stack config', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'allow-agent-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const writeConfig = (gitlabSection: string) => {
      const file = join(dir, 'workspaces.config.yaml');
      writeFileSync(file, `${REQUIRED_CONFIG}${gitlabSection}`);
      return file;
    };

    it('gives the URL, the agent project and the agent name (flags win), from --config or WORKSPACES_CONFIG', async () => {
      const file = writeConfig(`gitlab:\n  url: ${gitlab.url}\n  dnsZone: workspaces.acme.dev\n  oauth: variables\n  agent:\n    name: workspaces\n    project: platform/workspaces-agent\n    branch: main\n`);
      expect(await run('allow-agent', '--group', 'acme/developers', '--config', file)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Allowed the agent platform\/workspaces-agent\/workspaces/) });
      process.env.WORKSPACES_CONFIG = file;
      expect(await run('allow-agent', '--group', 'acme/developers')).toMatchObject({ code: 0, stdout: expect.stringMatching(/already allowed/) });
      expect(await run('allow-agent', '--group', 'acme/developers', '--agent', 'other')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no agent named other/) });
    });

    it('without agent.project asks for --agent-project; a config with errors or no gitlab section is a usage error', async () => {
      const noProject = writeConfig(`gitlab:\n  url: ${gitlab.url}\n  dnsZone: workspaces.acme.dev\n  oauth: variables\n`);
      expect(await run('allow-agent', '--group', 'acme/developers', '--config', noProject)).toMatchObject({ code: 2, stderr: expect.stringMatching(/registers the agent in no project \(gitlab\.agent\.project\): give --agent-project/) });
      const broken = writeConfig('gitlab:\n  dnsZone: workspaces.acme.dev\n  oauth: sometimes\n');
      const r = await run('allow-agent', '--group', 'acme/developers', '--config', broken);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/workspaces\.config\.yaml:\d+:\d+: error: gitlab\.oauth: /);
      expect(r.stderr).toMatch(/has errors \(above\); fix them, or give --gitlab-url, --agent-project and --agent instead/);
      const none = writeConfig('');
      expect(await run('allow-agent', '--group', 'acme/developers', '--config', none)).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no gitlab section/) });
      expect(gitlab.calls).toEqual([]);
    });
  });

  it('is a subcommand of gitlab-workspaces (main dispatches `gitlab`)', async () => {
    const saved = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((t: string) => { out += t; return true; }) as typeof process.stdout.write;
    try {
      expect(await main(['gitlab', 'allow-agent', '--help'])).toBe(0);
    } finally {
      process.stdout.write = saved;
    }
    expect(out).toBe(ALLOW_AGENT_USAGE);
  });
});

const REPO = join(__dirname, '..', '..');

/** The built CLI in a child process (asynchronously: the fake answers from this process). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'gitlab-workspaces.js'), ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('node bin/gitlab-workspaces.js gitlab allow-agent (the bundled command)', () => {
  jest.setTimeout(30_000);

  it('allows the agent, then finds it allowed, with the token from the environment', async () => {
    const env = { PATH: process.env.PATH, GITLAB_TOKEN: TOKEN };
    const args = ['gitlab', 'allow-agent', '--group', 'acme/developers', '--gitlab-url', gitlab.url, '--agent-project', 'platform/workspaces-agent'];
    expect(await cli(args, env)).toEqual({ code: 0, stdout: 'Allowed the agent platform/workspaces-agent/workspaces for workspaces in acme/developers.\n', stderr: '' });
    expect(await cli([...args, '--format', 'json'], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('"result": "unchanged"') });
    expect(await cli(args, { PATH: process.env.PATH })).toMatchObject({ code: 2, stderr: expect.stringMatching(/no token/) });
    expect(gitlab.calls.map((c) => c.operationName)).toEqual(['allowAgentLookup', 'allowAgentMapped', 'allowAgentCreate', 'allowAgentLookup', 'allowAgentMapped']);
  });

  it('reads the stack config without loading cdktf, constructs or a provider (unbundled modules too)', async () => {
    const dir = mkdtempSync(join(REPO, '.allow-agent-'));
    try {
      const file = join(dir, 'workspaces.config.yaml');
      writeFileSync(file, `${REQUIRED_CONFIG}gitlab:\n  url: ${gitlab.url}\n  dnsZone: workspaces.acme.dev\n  oauth: variables\n  agent:\n    project: platform/workspaces-agent\n    branch: main\n`);
      const probe = `require(${JSON.stringify(join(REPO, 'dist', 'lib', 'cli', 'main.js'))}).main(['gitlab', 'allow-agent', '--group', 'acme/developers', '--config', ${JSON.stringify(file)}])
        .then((code) => { const bad = Object.keys(require.cache).filter((m) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(m)); process.stderr.write(code + JSON.stringify(bad)); });`;
      const r = await new Promise<{ stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['-e', probe], { cwd: REPO, env: { PATH: process.env.PATH, GITLAB_TOKEN: TOKEN } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        child.on('close', () => done({ stdout, stderr }));
      });
      expect(r).toEqual({ stdout: 'Allowed the agent platform/workspaces-agent/workspaces for workspaces in acme/developers.\n', stderr: '0[]' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

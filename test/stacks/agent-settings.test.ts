/**
 * One source of truth for the agent's settings: the stack config's `gitlab.remote_development` is checked
 * by lib/agent-config's own rules (a setting the CLI refuses, the stack refuses with the same message, at
 * its own line and column), the stack's values are reported at the keys they came from, and a runtime's
 * settings win over the user's, with an error where they contradict.
 */
import { parseAgentConfig } from '../../lib/agent-config';
import { formatDiagnostic } from '../../lib/common/diagnostics';
import { loadConfigText } from '../../stacks/config/load';
import { INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR } from '../../lib/agent-config';
import { stackAgentSettings, stackDefaultResourcesProblem, STACK_DEFAULT_RESOURCES } from '../../stacks/config/agent-settings';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG, TEST_DAY } from './helpers';

const stackText = (settings: string) => `${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n${settings.replace(/^/gm, '    ')}`;
/** Where the settings start in a stack config built by stackText (line of the first setting). */
const FIRST_SETTING_LINE = REQUIRED_CONFIG.split('\n').length - 1 + GITLAB_CONFIG.split('\n').length - 1 + 2;

describe('the same rules as the CLI', () => {
  it.each([
    ['allow_privilege_escalation: true\n'],
    ['max_active_hours_before_stop: 0\n'],
    ['workspaces_quota: -5\n'],
    ['default_runtime_class: Not_A_Class\n'],
    ['labels:\n  gitlab.com/x: y\n'],
    ['network_policy:\n  egress:\n    - allow: 10.0.0.0/8\n      except: [192.168.0.0/16]\n'],
    ['default_resources_per_workspace_container:\n  requests: {cpu: 1, memory: 1Gi}\n'],
    ['shared_namespace: shared\nmax_resources_per_workspace:\n  requests: {cpu: "1", memory: 1Gi}\n  limits: {cpu: "2", memory: 2Gi}\n'],
    ['max_hours_before_termination_limit: 100\n'],
    ['workspace_quota: 3\n'],
  ])('refuses %j with the message the CLI gives, at its place in the stack config', (settings) => {
    const cli = parseAgentConfig(`remote_development:\n  dns_zone: workspaces.acme.dev\n${settings.replace(/^/gm, '  ')}`, 'config.yaml');
    const stack = loadConfigText(stackText(settings), 'stack.yaml', { today: TEST_DAY });
    const cliErrors = cli.diagnostics.filter((d) => d.severity === 'error');
    const stackErrors = stack.diagnostics.filter((d) => d.severity === 'error');
    expect(cliErrors.length).toBeGreaterThan(0);
    expect(stackErrors.map((d) => [d.rule, d.message])).toEqual(cliErrors.map((d) => [d.rule, d.message]));
    // Same relative position: the CLI file's settings start on line 3, column 3; the stack's on FIRST_SETTING_LINE, column 5.
    expect(stackErrors.map((d) => [d.line - FIRST_SETTING_LINE, d.column - 5, d.path])).toEqual(cliErrors.map((d) => [d.line - 3, d.column - 3, `gitlab.${d.path}`]));
  });
});

describe('what the stack decides', () => {
  it('fills in enabled, dns_zone, the proxy namespace, requests and limits, and the metadata address excepted from egress', () => {
    const r = stackAgentSettings(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  workspacesProxy: {namespace: ws-proxy}\n`));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      enabled: true,
      dnsZone: 'workspaces.acme.dev',
      gitlabWorkspacesProxy: { namespace: 'ws-proxy' },
      defaultResourcesPerWorkspaceContainer: STACK_DEFAULT_RESOURCES,
      networkPolicy: { enabled: true, egress: [{ allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', INSTANCE_METADATA_CIDR, POD_IDENTITY_AGENT_CIDR] }] },
    });
  });

  it('keeps what the user set, and warns when it undoes the stack\'s protection', () => {
    const r = loadConfigText(stackText('enabled: false\ndefault_resources_per_workspace_container: {}\nnetwork_policy:\n  egress:\n    - allow: 0.0.0.0/0\n      except: [10.0.0.0/8]\n'), 'w.yaml', { today: TEST_DAY });
    expect(r.ok).toBe(true);
    // In the file's order.
    expect(r.diagnostics.map((d) => `${d.rule} ${d.path}`)).toEqual([
      'agent-config/disabled gitlab.remote_development.enabled',
      'config/no-default-requests gitlab.remote_development.default_resources_per_workspace_container',
      'config/metadata-egress gitlab.remote_development.network_policy.egress[0].allow',
    ]);
    const settings = stackAgentSettings(r.ok ? r.value : (undefined as never));
    expect(settings.ok && settings.value.defaultResourcesPerWorkspaceContainer).toEqual({});
  });

  describe('default container resources and max_resources_per_workspace', () => {
    const errors = (settings: string) => loadConfigText(stackText(settings), 'w.yaml', { today: TEST_DAY }).diagnostics.filter((d) => d.severity === 'error');

    it('refuses a maximum below the stack\'s defaults, at max_resources_per_workspace, saying what to set', () => {
      const [error, ...others] = errors('max_resources_per_workspace:\n  requests: {cpu: "1", memory: 2Gi}\n  limits: {cpu: "1", memory: 2Gi}\n');
      expect(others).toEqual([]);
      expect(error).toMatchObject({ rule: 'config/default-resources-over-max', path: 'gitlab.remote_development.max_resources_per_workspace' });
      expect(error.message).toContain('(limits.cpu 2 is over 1, limits.memory 4Gi is over 2Gi)');
      expect(error.message).toContain('e.g. {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "1", memory: 2Gi}}');
    });

    it('the defaults it suggests fit the maximum and pass the agent config rules', () => {
      const max = 'max_resources_per_workspace:\n  requests: {cpu: 200m, memory: 512Mi}\n  limits: {cpu: 300m, memory: 768Mi}\n';
      const suggestion = /e\.g\. (\{requests: .*\}\}) \(/.exec(errors(max)[0].message)![1];
      expect(suggestion).toBe('{requests: {cpu: 200m, memory: 512Mi}, limits: {cpu: 300m, memory: 768Mi}}');
      expect(errors(`${max}default_resources_per_workspace_container: ${suggestion}\n`)).toEqual([]);
    });

    it('compares quantities, not texts, and only the keys the maximum sets', () => {
      expect(stackDefaultResourcesProblem({ limits: { cpu: '2000m', memory: '4096Mi' } })).toBeUndefined();
      expect(stackDefaultResourcesProblem({ requests: { cpu: '0.5' } })).toBeUndefined();
      expect(stackDefaultResourcesProblem({ requests: { memory: '1G' } })).toContain('requests.memory 1Gi is over 1G');
      expect(stackDefaultResourcesProblem({})).toBeUndefined();
    });

    it('leaves the user\'s own defaults to the user (GitLab does not compare them either)', () => {
      expect(errors('max_resources_per_workspace:\n  requests: {cpu: 250m, memory: 512Mi}\n  limits: {cpu: "1", memory: 2Gi}\ndefault_resources_per_workspace_container:\n  requests: {cpu: 250m, memory: 512Mi}\n  limits: {cpu: "1", memory: 2Gi}\n')).toEqual([]);
    });
  });

  it('accepts dns_zone and the proxy namespace repeated with the same value', () => {
    expect(loadConfigText(stackText('dns_zone: workspaces.acme.dev\ngitlab_workspaces_proxy: {namespace: gitlab-workspaces}\n'), 'w.yaml', { today: TEST_DAY }).ok).toBe(true);
  });

  it('reports a bad value the stack put in at the key it came from', () => {
    const r = loadConfigText(`${REQUIRED_CONFIG}gitlab:\n  dnsZone: -bad-.acme.dev\n  oauth: variables\n`, 'w.yaml', { today: TEST_DAY });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^w\.yaml:9:12: error: gitlab\.dnsZone: `dns_zone` "-bad-\.acme\.dev" must be a host name/),
    ]);
  });
});

describe('a runtime\'s settings', () => {
  const withRuntime = (runtime: string, settings: string) => `runtime: ${runtime}\n${stackText(settings)}`;
  const withSysboxOnCrio = (settings: string) => `runtime: sysbox\nruntimes:\n  sysbox: {containerRuntime: cri-o}\n${stackText(settings)}`;
  /** stackText's first setting line, one line further down for the `runtime` line (three with `runtimes`). */
  const first = FIRST_SETTING_LINE + 1;

  it('are taken over the user\'s, so a sudo runtime\'s privilege escalation passes the rules', () => {
    const r = loadConfigText(withSysboxOnCrio('annotations: {example.com/team: a}\n'), 'w.yaml', { today: TEST_DAY });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const settings = stackAgentSettings(r.ok ? r.value : (undefined as never));
    expect(settings.ok && settings.value).toMatchObject({
      defaultRuntimeClass: 'sysbox-runc',
      allowPrivilegeEscalation: true,
      annotations: { 'example.com/team': 'a', 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' },
    });
    const userns = stackAgentSettings(configFromText(`runtime: user-namespaces\n${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    expect(userns.ok && userns.value).toMatchObject({ useKubernetesUserNamespaces: true, allowPrivilegeEscalation: true, defaultRuntimeClass: '' });
  });

  it('refuse a user setting that contradicts them, naming the runtime', () => {
    const r = loadConfigText(withRuntime('user-namespaces', 'use_kubernetes_user_namespaces: false\nallow_privilege_escalation: true\n'), 'w.yaml', { today: TEST_DAY });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      `w.yaml:${first}:37: error: gitlab.remote_development.use_kubernetes_user_namespaces: \`use_kubernetes_user_namespaces\` is false, but runtime user-namespaces needs true; remove it (the runtime sets it)`,
    ]);
    const crio = loadConfigText(withSysboxOnCrio('annotations: {io.kubernetes.cri-o.userns-mode: "auto:size=1024"}\n'), 'w.yaml', { today: TEST_DAY });
    expect(crio.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      `w.yaml:${first + 2}:52: error: gitlab.remote_development.annotations["io.kubernetes.cri-o.userns-mode"]: annotations "io.kubernetes.cri-o.userns-mode" is "auto:size=1024", but runtime sysbox needs "auto:size=65536"; remove it (the runtime sets it)`,
    ]);
  });
});

/**
 * The ready app's GitLab side: what the default config synthesizes (the agent and the proxy with their
 * pinned charts, secrets that are never literals nor in plain outputs, the certificate and its validation,
 * the listeners, the DNS records, the rendered agent config), and what the other switches change
 * (`proxy: disabled`, least-privilege RBAC, registration in GitLab, an instance OAuth application, a
 * created hosted zone, a registry Secret).
 */
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { parseAgentConfig } from '../../lib/agent-config';
import { runRender } from '../../lib/cli/render';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { findReferences, unresolvedReferences } from '../helpers/terraform-references';
import { configFromText, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG, ROOT, SynthesizedApp, synthApp } from './helpers';

/** Values a user would set as TF_VAR_...: they must never reach the synthesized JSON. */
const SECRET_VALUES: Record<string, string> = {
  TF_VAR_gitlab_agent_token: 'glagent-TESTSECRET-agent-token-0001',
  TF_VAR_gitlab_oauth_client_id: 'oauth-client-id-TESTSECRET-0002',
  TF_VAR_gitlab_oauth_client_secret: 'gloas-TESTSECRET-client-secret-0003',
  TF_VAR_gitlab_token: 'glpat-TESTSECRET-api-token-0004',
  TF_VAR_registry_dockerconfigjson: '{"auths":{"registry.acme.dev":{"auth":"VEVTVFNFQ1JFVA=="}}}',
};

/** Synthesizes with the secret values in the environment, as `cdktf synth` would run in a deploy job. */
function synthWithSecrets(configText: string): SynthesizedApp {
  const saved = { ...process.env };
  Object.assign(process.env, SECRET_VALUES);
  try {
    return synthApp(configFromText(configText));
  } finally {
    for (const k of Object.keys(SECRET_VALUES)) if (saved[k] === undefined) delete process.env[k];
  }
}

/** References to values that are secret: sensitive variables, generated keys, tokens from GitLab. */
const SECRET_REFERENCE = /^(var\.|random_password\.|tls_private_key\.[^.]+\.private_key|gitlab_cluster_agent_token\.[^.]+\.token|gitlab_application\.[^.]+\.secret)/;

/** Every output that is not marked sensitive holds no secret reference and no secret value. */
function expectNoSecretInPlainOutputs(s: Synthesized): void {
  for (const [name, output] of Object.entries(s.doc.output ?? {}) as Array<[string, { value: unknown; sensitive?: boolean }]>) {
    if (output.sensitive) continue;
    const refs = findReferences({ value: output.value } as object).map((r) => r.text);
    expect({ name, refs: refs.filter((r) => SECRET_REFERENCE.test(r)) }).toEqual({ name, refs: [] });
  }
}

/** No secret value anywhere in the JSON; every variable is sensitive, with no default but null (unset: only a destroy may leave it so). */
function expectNoLiteralSecrets(app: SynthesizedApp): void {
  for (const stack of Object.values(app.stacks)) {
    for (const value of Object.values(SECRET_VALUES)) expect(stack.json).not.toContain(value);
    for (const [name, v] of Object.entries(stack.s.doc.variable ?? {}) as Array<[string, Record<string, unknown>]>) {
      expect({ name, sensitive: v.sensitive, default: v.default ?? null }).toEqual({ name, sensitive: true, default: null });
    }
    expectNoSecretInPlainOutputs(stack.s);
  }
}

/** The kinds of values each key of the proxy's config Secret holds. */
function secretSources(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, /^\$\{\(?([a-z_]+)\./.exec(v)?.[1] ?? `literal ${v}`]));
}

describe('the default config\'s GitLab side', () => {
  let app: SynthesizedApp;
  let p: Synthesized;
  beforeAll(() => {
    app = synthApp(loadExample('default'));
    p = app.platform.s;
  });

  it('resolves every reference to attributes the types have, in both stacks', () => {
    expect(unresolvedReferences(app.platform.json)).toEqual([]);
    expect(unknownAttributes(app.platform.json)).toEqual([]);
    expect(unknownAttributes(app.cluster.json)).toEqual([]);
  });

  it('installs the agent (gitlab-agent 2.26.0 from charts.gitlab.io) with two replicas on the system nodes, its token from a Secret', () => {
    const agent = p.release('workspaces');
    expect(agent).toMatchObject({ chart: 'gitlab-agent', repository: 'https://charts.gitlab.io', version: '2.26.0', namespace: 'gitlab-agent' });
    const values = JSON.parse(agent.values[0]);
    expect(values).toMatchObject({
      replicas: 2,
      config: { kasAddress: 'wss://kas.gitlab.com', secretName: 'workspaces-agent-token' },
      nodeSelector: { 'gitlab-workspaces/pool': 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const token = p.onlyWhere('kubernetes_secret_v1', (x) => x.metadata.name === 'workspaces-agent-token');
    expect(token).toMatchObject({ metadata: { namespace: 'gitlab-agent' }, data: { token: '${(var.gitlab_agent_token == null) ? "" : var.gitlab_agent_token}' } });
    expect(p.doc.variable.gitlab_agent_token).toMatchObject({ sensitive: true, type: 'string' });
  });

  it('installs the proxy (gitlab-workspaces-proxy 0.1.25, at least 0.1.23) on the system nodes, with its config Secret', () => {
    const proxy = p.release('gitlab-workspaces-proxy');
    expect(proxy).toMatchObject({ chart: 'gitlab-workspaces-proxy', version: '0.1.25', namespace: 'gitlab-workspaces' });
    expect(proxy.repository).toBe('https://gitlab.com/api/v4/projects/gitlab-org%2fworkspaces%2fgitlab-workspaces-proxy/packages/helm/devel');
    expect(JSON.parse(proxy.values[0])).toMatchObject({ replicaCount: 2, ingress: { enabled: false }, nodeSelector: { 'gitlab-workspaces/pool': 'system' } });
    const config = p.onlyWhere('kubernetes_secret_v1', (x) => x.metadata.name === 'gitlab-workspaces-proxy-config');
    expect(config.metadata.namespace).toBe('gitlab-workspaces');
    expect(secretSources(config.data)).toEqual({
      'auth.client_id': 'var',
      'auth.client_secret': 'var',
      'auth.host': 'literal https://gitlab.com',
      'auth.redirect_uri': 'literal https://workspaces.example.com/auth/callback',
      'auth.signing_key': 'random_password',
      'ssh.host_key': 'tls_private_key',
    });
  });

  it('has no secret as a literal or in a plain output, and every variable is sensitive', () => {
    const secrets = synthWithSecrets(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {}\n`);
    expectNoLiteralSecrets(secrets);
    expectNoLiteralSecrets(app);
    expect(Object.keys(app.platform.s.doc.variable).sort()).toEqual(['gitlab_agent_token', 'gitlab_oauth_client_id', 'gitlab_oauth_client_secret']);
  });

  it('requests a certificate for the domain and its wildcard, validated with records in the looked-up zone and waited for', () => {
    const cert = p.only('aws_acm_certificate');
    expect(cert).toMatchObject({ domain_name: 'workspaces.example.com', subject_alternative_names: ['*.workspaces.example.com'], validation_method: 'DNS' });
    const validation = p.all('aws_route53_record').find((r) => r.for_each)!;
    expect(validation.for_each).toContain(`${p.addressOf('aws_acm_certificate', cert)}.domain_validation_options`);
    expect(p.only('aws_acm_certificate_validation').certificate_arn).toBe(p.ref('aws_acm_certificate', cert, 'arn'));
    // The zone: looked up by the workspace domain's name in the cluster stack, read through its state.
    const zone = Object.values(app.cluster.s.data('aws_route53_zone'));
    expect(zone).toEqual([expect.objectContaining({ name: 'workspaces.example.com', private_zone: false })]);
    expect(validation.zone_id).toBe('${data.terraform_remote_state.cluster_stack.outputs.hosted_zone_id}');
    expect(app.cluster.s.output('hosted_zone_id').value).toMatch(/^\$\{data\.aws_route53_zone\./);
  });

  it('listens for HTTPS (TLS, the validated certificate) and SSH on one NLB, in front of the system nodes\' NodePorts', () => {
    const lb = p.only('aws_lb');
    expect(lb).toMatchObject({ load_balancer_type: 'network', internal: false, name: 'gitlab-workspaces-workspaces' });
    // The target groups are the cluster stack's (attached there to the system node group), read by name.
    const c = app.cluster.s;
    const targetGroupOf = (ref: string) => c.deref(c.output(/outputs\.([\w-]+)\}$/.exec(ref)![1]).value);
    const listeners = p.all('aws_lb_listener').map((l) => ({ port: l.port, protocol: l.protocol, tg: targetGroupOf(l.default_action[0].target_group_arn).port, cert: l.certificate_arn }));
    expect(listeners.sort((a, b) => a.port - b.port)).toEqual([
      { port: 22, protocol: 'TCP', tg: 32022, cert: undefined },
      { port: 443, protocol: 'TLS', tg: 32080, cert: p.ref('aws_acm_certificate_validation', p.only('aws_acm_certificate_validation'), 'certificate_arn') },
    ]);
    // The target groups follow the system node group's Auto Scaling group, in the cluster stack.
    const system = c.onlyWhere('aws_eks_node_group', (g) => g.node_group_name_prefix === 'system-');
    const expected = `\${${c.addressOf('aws_eks_node_group', system)}.resources[0].autoscaling_groups[0].name}`;
    for (const a of c.all('aws_autoscaling_attachment')) expect(a.autoscaling_group_name).toBe(expected);
    expect(c.all('aws_autoscaling_attachment')).toHaveLength(2);
    expect(p.all('aws_autoscaling_attachment')).toHaveLength(0);
    expect(p.all('aws_lb_target_group')).toHaveLength(0);
    // The NodePorts are the proxy's.
    const svc = p.only('kubernetes_service_v1');
    expect(svc.spec.port.map((x: { node_port: number }) => x.node_port)).toEqual([32080, 32022]);
  });

  it('admits the listener ports from anywhere, and the NodePorts on the nodes from the load balancer only', () => {
    const sg = p.ref('aws_security_group', p.only('aws_security_group'), 'id');
    const rules = p.all('aws_vpc_security_group_ingress_rule');
    expect(rules.filter((r) => r.security_group_id === sg).map((r) => `${r.from_port}-${r.to_port} ${r.cidr_ipv4}`).sort()).toEqual(['22-22 0.0.0.0/0', '443-443 0.0.0.0/0']);
    const nodeRules = rules.filter((r) => r.security_group_id !== sg);
    expect(nodeRules.map((r) => `${r.from_port}-${r.to_port}`).sort()).toEqual(['32022-32022', '32080-32080']);
    for (const r of nodeRules) {
      expect(r.referenced_security_group_id).toBe(sg);
      expect(r.cidr_ipv4).toBeUndefined();
      const output = /outputs\.([\w-]+)\}$/.exec(r.security_group_id)![1];
      expect(app.cluster.s.output(output).value).toMatch(/vpc_config\[0\]\.cluster_security_group_id\}$/);
    }
  });

  it('points the domain, its wildcard and ssh.<domain> at the load balancer', () => {
    const lb = p.only('aws_lb');
    const aliases = p.all('aws_route53_record').filter((r) => r.alias);
    expect(aliases.map((r) => r.name).sort()).toEqual(['*.workspaces.example.com', 'ssh.workspaces.example.com', 'workspaces.example.com']);
    for (const r of aliases) expect(r.alias).toEqual({ name: p.ref('aws_lb', lb, 'dns_name'), zone_id: p.ref('aws_lb', lb, 'zone_id'), evaluate_target_health: true });
  });

  it('renders the agent config: the domain, the proxy namespace, default requests and the metadata address excepted', () => {
    const text = p.output('agent_config').value as string;
    const file = parse(text);
    expect(file.remote_development).toMatchObject({
      enabled: true,
      dns_zone: 'workspaces.example.com',
      gitlab_workspaces_proxy: { namespace: 'gitlab-workspaces' },
      network_policy: { enabled: true, egress: [{ allow: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.169.254/32', '169.254.170.23/32'] }] },
      default_resources_per_workspace_container: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    });
    // The file passes the same checker the CLI uses.
    const checked = parseAgentConfig(text, 'config.yaml');
    expect(checked.ok).toBe(true);
    expect(checked.diagnostics).toEqual([]);
  });

  it('names its outputs for the next action', () => {
    expect(p.output('workspace_url_pattern').value).toBe('https://<port>-<workspace>.workspaces.example.com');
    expect(p.output('ssh_command').value).toBe('ssh <workspace>@ssh.workspaces.example.com');
    expect(p.output('oauth_redirect_uri').value).toBe('https://workspaces.example.com/auth/callback');
    expect(p.output('agent_config_path').value).toBe('.gitlab/agents/workspaces/config.yaml');
    expect(p.output('kas_address').value).toBe('wss://kas.gitlab.com');
    const steps = p.output('manual_steps').value as string[];
    // The group mapping is a command, not "no API".
    expect(steps.join('\n')).toMatch(/gitlab-workspaces gitlab allow-agent --group <group path> --gitlab-url https:\/\/gitlab\.com --agent-project <agent project path> --agent workspaces/);
    expect(steps.join('\n')).not.toMatch(/no Terraform resource exists|no API/);
    expect(steps.join('\n')).toMatch(/Developer role \(or higher\) in the agent's project/);
    expect(steps.join('\n')).toMatch(/OAuth application/);
    expect(steps.join('\n')).toMatch(/TF_VAR_gitlab_agent_token/);
    expect(app.cluster.s.output('hosted_zone_name_servers').value).toMatch(/name_servers\}$/);
  });
});

describe('proxy: disabled (GitLab 18.4+ serving workspaces through its agent server)', () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthApp(configFromText(`${REQUIRED_CONFIG}gitlab:\n  dnsZone: workspaces.acme.dev\n  proxy: disabled\n`));
  });

  it('installs the agent only: no proxy, certificate, load balancer, DNS records or hosted zone', () => {
    const p = app.platform.s;
    expect(p.all('helm_release').map((r) => r.chart).sort()).toEqual(['cluster-autoscaler', 'gitlab-agent']);
    expect(Object.keys(p.doc.resource).filter((t) => /^(aws_|random_|tls_)/.test(t))).toEqual([]);
    expect(app.cluster.s.data('aws_route53_zone')).toEqual({});
    expect(p.doc.output.workspace_url_pattern).toBeUndefined();
    expect(p.doc.provider.aws).toBeUndefined();
    expect((p.output('manual_steps').value as string[]).join('\n')).toMatch(/serves workspaces through its agent server/);
  });

  it('writes gitlab_workspaces_proxy http_enabled and ssh_enabled false into the agent config, with no dns_zone needed', () => {
    const text = app.platform.s.output('agent_config').value as string;
    const file = parse(text).remote_development;
    expect(file.gitlab_workspaces_proxy).toEqual({ namespace: 'gitlab-workspaces', http_enabled: false, ssh_enabled: false });
    expect(file.dns_zone).toBe('workspaces.acme.dev');
    expect(parseAgentConfig(text, 'config.yaml').ok).toBe(true);
    const bare = synthApp(configFromText(`${REQUIRED_CONFIG}gitlab:\n  proxy: disabled\n`)).platform.s;
    const bareFile = parse(bare.output('agent_config').value as string).remote_development;
    expect(bareFile.gitlab_workspaces_proxy).toMatchObject({ http_enabled: false, ssh_enabled: false });
    expect(parseAgentConfig(bare.output('agent_config').value as string, 'config.yaml').ok).toBe(true);
  });
});

describe('gitlab.version', () => {
  it('writes the agent config for that version: no proxy enablement keys before 18.4', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  version: "18.3"\n`)).platform.s;
    const text = p.output('agent_config').value as string;
    expect(parse(text).remote_development.gitlab_workspaces_proxy).toEqual({ namespace: 'gitlab-workspaces' });
    expect(parseAgentConfig(text, 'config.yaml', { gitlabVersion: '18.3' }).ok).toBe(true);
    const newest = parse(synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s.output('agent_config').value as string);
    expect(newest.remote_development.gitlab_workspaces_proxy).toEqual({ namespace: 'gitlab-workspaces', http_enabled: true, ssh_enabled: true });
  });
});

describe('gitlab.agent', () => {
  it('rbac: least-privilege binds a role limited to workspaces instead of cluster-admin', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    rbac: least-privilege\n`)).platform.s;
    expect(JSON.parse(p.release('workspaces').values[0]).rbac).toEqual({ create: false });
    expect(p.only('kubernetes_cluster_role_binding_v1').subject).toEqual([{ kind: 'ServiceAccount', name: 'gitlab-agent', namespace: 'gitlab-agent' }]);
    expect(JSON.stringify(p.only('kubernetes_cluster_role_v1').rule)).not.toContain('"*"');
  });

  it('rbac: least-privilege with shared_namespace: no namespace rights, and the stack creates the shared namespace the agent may not', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    rbac: least-privilege\n  remote_development:\n    shared_namespace: workspaces\n`)).platform.s;
    const rules = p.only('kubernetes_cluster_role_v1').rule as Array<{ resources: string[] }>;
    expect(rules.flatMap((r) => r.resources)).not.toContain('namespaces');
    const shared = p.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'workspaces');
    expect(shared.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    // Workspaces are made there only once it exists.
    expect(p.release('workspaces').depends_on).toContain(p.addressOf('kubernetes_namespace_v1', shared));
  });

  it('creates the shared namespace whatever the RBAC, and none without shared_namespace', () => {
    const admin = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  remote_development:\n    shared_namespace: team-workspaces\n`)).platform.s;
    expect(admin.all('kubernetes_namespace_v1').map((n) => n.metadata.name).sort()).toEqual(['gitlab-agent', 'gitlab-workspaces', 'gitlab-workspaces-warm', 'team-workspaces']);
    const none = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s;
    expect(none.all('kubernetes_namespace_v1').map((n) => n.metadata.name).sort()).toEqual(['gitlab-agent', 'gitlab-workspaces', 'gitlab-workspaces-warm']);
  });

  it('with a project, registers the agent, commits its config and takes the token from GitLab, with an API token variable', () => {
    const app = synthWithSecrets(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    project: platform/workspaces-agent\n    branch: main\n`);
    const p = app.platform.s;
    expect(p.doc.provider.gitlab).toEqual([{ base_url: 'https://gitlab.com/api/v4/', token: '${var.gitlab_token}' }]);
    expect(Object.keys(p.doc.variable).sort()).toEqual(['gitlab_oauth_client_id', 'gitlab_oauth_client_secret', 'gitlab_token']);
    const agent = p.only('gitlab_cluster_agent');
    expect(agent).toMatchObject({ project: 'platform/workspaces-agent', name: 'workspaces' });
    const token = p.only('gitlab_cluster_agent_token');
    expect(p.onlyWhere('kubernetes_secret_v1', (x) => x.metadata.name === 'workspaces-agent-token').data.token).toBe(p.ref('gitlab_cluster_agent_token', token, 'token'));
    const file = p.only('gitlab_repository_file');
    expect(file).toMatchObject({ project: 'platform/workspaces-agent', branch: 'main', file_path: '.gitlab/agents/workspaces/config.yaml', content: p.output('agent_config').value });
    expect((p.output('manual_steps').value as string[]).join('\n')).not.toMatch(/TF_VAR_gitlab_agent_token/);
    expectNoLiteralSecrets(app);
  });

  it('derives the agent server address of a self-managed instance, or takes the one given', () => {
    const own = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  url: https://gitlab.acme.dev\n`)).platform.s;
    expect(JSON.parse(own.release('workspaces').values[0]).config.kasAddress).toBe('wss://gitlab.acme.dev/-/kubernetes-agent/');
    const given = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  url: https://gitlab.acme.dev\n  kasAddress: wss://kas.acme.dev\n`)).platform.s;
    expect(JSON.parse(given.release('workspaces').values[0]).config.kasAddress).toBe('wss://kas.acme.dev');
  });
});

describe('the agent server address of an instance under a relative URL root', () => {
  it('is the same in the stack and in `gitlab-workspaces render --gitlab-url` (one defaultKasAddress)', async () => {
    const url = 'https://gitlab.acme.dev/gitlab';
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  url: ${url}\n`)).platform.s;
    const stack = p.output('kas_address').value;
    expect(stack).toBe('wss://gitlab.acme.dev/gitlab/-/kubernetes-agent/');
    expect(JSON.parse(p.release('workspaces').values[0]).config.kasAddress).toBe(stack);
    let stdout = '';
    const code = await runRender([join(ROOT, 'examples', 'smoke-workspace', 'devfile.yaml'), '--gitlab-url', url], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(0);
    const env = parseAllDocuments(stdout).map((d) => d.toJS()).find((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-env-var'));
    expect(Buffer.from(env.data.GL_GITLAB_AGENT_SERVER_ADDRESS, 'base64').toString()).toBe(stack);
  });
});

describe('gitlab.oauth: instance-application', () => {
  it('creates the OAuth application with the GitLab provider and feeds the proxy\'s Secret from it', () => {
    const app = synthWithSecrets(`${REQUIRED_CONFIG}gitlab:\n  url: https://gitlab.acme.dev\n  dnsZone: workspaces.acme.dev\n  oauth: instance-application\n`);
    const p = app.platform.s;
    const application = p.only('gitlab_application');
    expect(application).toMatchObject({ redirect_url: 'https://workspaces.acme.dev/auth/callback', confidential: true, scopes: ['api', 'read_user', 'openid', 'profile'] });
    const config = p.onlyWhere('kubernetes_secret_v1', (x) => x.metadata.name === 'gitlab-workspaces-proxy-config');
    expect(config.data['auth.client_id']).toBe(p.ref('gitlab_application', application, 'application_id'));
    expect(config.data['auth.client_secret']).toBe(p.ref('gitlab_application', application, 'secret'));
    expect(Object.keys(p.doc.variable).sort()).toEqual(['gitlab_agent_token', 'gitlab_token']);
    expect((p.output('manual_steps').value as string[]).join('\n')).not.toMatch(/Create the OAuth application/);
    expectNoLiteralSecrets(app);
  });

  it('says to mark the application Trusted, which the provider cannot (and says nothing of it with oauth: variables)', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}gitlab:\n  url: https://gitlab.acme.dev\n  dnsZone: workspaces.acme.dev\n  oauth: instance-application\n`)).platform.s;
    const steps = p.output('manual_steps').value as string[];
    expect(steps.filter((x) => /Trusted/.test(x))).toEqual([
      expect.stringMatching(/^Mark the stack's OAuth application "GitLab workspaces \(workspaces\.acme\.dev\)" Trusted \(Admin area > Applications > Edit > Trusted\): the GitLab provider cannot set it/),
    ]);
    expect(p.only('gitlab_application').name).toBe('GitLab workspaces (workspaces.acme.dev)');
    expect(p.only('gitlab_application')).not.toHaveProperty('trusted');
    const variables = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s;
    expect((variables.output('manual_steps').value as string[]).join('\n')).not.toMatch(/Trusted/);
  });
});

describe('a sudo runtime', () => {
  it('puts its settings into the agent config, and the agent waits for its RuntimeClass', () => {
    const p = synthApp(configFromText(`runtime: sysbox\n${REQUIRED_CONFIG}${GITLAB_CONFIG}`)).platform.s;
    const file = parse(p.output('agent_config').value as string).remote_development;
    // Sysbox's default container runtime is CRI-O: its user-namespace annotation instead of hostUsers.
    expect(file).toMatchObject({
      default_runtime_class: 'sysbox-runc', allow_privilege_escalation: true, use_kubernetes_user_namespaces: false,
      annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto:size=65536' },
    });
    const runtimeClass = p.onlyWhere('kubernetes_manifest', (m) => m.manifest.kind === 'RuntimeClass');
    expect(p.release('workspaces').depends_on).toContain(p.addressOf('kubernetes_manifest', runtimeClass));
    expect(parseAgentConfig(p.output('agent_config').value as string, 'config.yaml').ok).toBe(true);
  });
});

describe('gitlab.hostedZone.create', () => {
  it('creates the zone in the cluster stack and outputs its name servers to delegate to', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {create: true}\n`));
    const zone = app.cluster.s.only('aws_route53_zone');
    expect(zone.name).toBe('workspaces.acme.dev');
    expect(app.cluster.s.output('hosted_zone_name_servers')).toMatchObject({ value: app.cluster.s.ref('aws_route53_zone', zone, 'name_servers'), description: expect.stringMatching(/^Delegate workspaces\.acme\.dev/) });
    expect((app.platform.s.output('manual_steps').value as string[])[0]).toMatch(/^Delegate workspaces\.acme\.dev/);
  });
});

describe('gitlab.hostedZone.parentZoneName / parentZoneId', () => {
  it('delegates the created zone in the parent zone (NS record in the cluster stack), and the manual delegation step goes', () => {
    for (const [key, value, lookup] of [['parentZoneName', 'acme.dev', { name: 'acme.dev' }], ['parentZoneId', 'Z0PARENT0123', { zone_id: 'Z0PARENT0123' }]] as const) {
      const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {create: true, ${key}: ${value}}\n`));
      const c = app.cluster.s;
      const zone = c.only('aws_route53_zone');
      const [parentKey, parent] = Object.entries(c.data('aws_route53_zone'))[0];
      expect(parent).toMatchObject({ ...lookup, private_zone: false });
      expect(c.only('aws_route53_record')).toMatchObject({
        zone_id: `\${data.aws_route53_zone.${parentKey}.zone_id}`, name: 'workspaces.acme.dev', type: 'NS', records: c.ref('aws_route53_zone', zone, 'name_servers'),
      });
      expect(c.output('hosted_zone_name_servers').description).toBe(`The name servers of the created zone, delegated by this stack in the parent zone ${value} (NS record workspaces.acme.dev)`);
      const steps = app.platform.s.output('manual_steps').value as string[];
      expect(steps.filter((x) => /Delegate|delegat/.test(x))).toEqual([]);
      expect(unknownAttributes(app.cluster.json)).toEqual([]);
    }
  });

  it('without a parent zone, the delegation stays a manual step that names the keys which automate it', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {create: true}\n`));
    expect(app.cluster.s.all('aws_route53_record')).toEqual([]);
    expect((app.platform.s.output('manual_steps').value as string[])[0]).toMatch(/parentZoneName or parentZoneId/);
  });
});

describe('gitlab.agent.shareWithGroups', () => {
  it('shares the agent\'s project with the groups (Developer by default) and says who else needs the role', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    project: platform/workspaces-agent\n    branch: main\n    shareWithGroups:\n      - group: acme/developers\n      - {group: acme/platform, accessLevel: maintainer}\n`)).platform.s;
    const groups = p.data('gitlab_group');
    expect(Object.values(groups).map((g) => g.full_path).sort()).toEqual(['acme/developers', 'acme/platform']);
    expect(p.all('gitlab_project_share_group').map((x) => [x.project, groups[/data\.gitlab_group\.([^.]+)\./.exec(x.group_id)![1]].full_path, x.access_level])).toEqual([
      ['platform/workspaces-agent', 'acme/developers', 'developer'],
      ['platform/workspaces-agent', 'acme/platform', 'maintainer'],
    ]);
    const steps = (p.output('manual_steps').value as string[]).join('\n');
    expect(steps).toMatch(/need the Developer role \(or higher\) in the agent's project platform\/workspaces-agent: the stack shares it with acme\/developers \(developer\), acme\/platform \(maintainer\)/);
    expect(steps).toMatch(/--agent-project platform\/workspaces-agent --agent workspaces/);
  });

  it('without it, a registered agent\'s project is shared with no one and the step offers the key', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    project: platform/workspaces-agent\n    branch: main\n`)).platform.s;
    expect(p.all('gitlab_project_share_group')).toEqual([]);
    expect((p.output('manual_steps').value as string[]).join('\n')).toMatch(/Developer role \(or higher\) in the agent's project platform\/workspaces-agent .*set gitlab\.agent\.shareWithGroups/);
  });
});

describe('gitlab.hostedZone.id', () => {
  it('looks the zone up by id in the cluster stack, and plan stops unless it is the workspace domain\'s or a parent\'s', () => {
    const app = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  hostedZone: {id: Z0123456789ABCDEFGHIJ}\n`));
    const [zone] = Object.values(app.cluster.s.data('aws_route53_zone'));
    expect(zone).toMatchObject({ zone_id: 'Z0123456789ABCDEFGHIJ', private_zone: false });
    expect(zone.lifecycle.postcondition).toEqual([{
      condition: '${contains(["workspaces.acme.dev","acme.dev","dev"], lower(trimsuffix(self.name, ".")))}',
      error_message: expect.stringContaining('neither workspaces.acme.dev nor a parent domain of it'),
    }]);
  });
});

describe('gitlab.imagePullSecret', () => {
  it('creates a dockerconfigjson Secret from a sensitive variable and lists it in image_pull_secrets', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {name: acme-registry}\n`)).platform.s;
    const secret = p.onlyWhere('kubernetes_secret_v1', (x) => x.type === 'kubernetes.io/dockerconfigjson');
    expect(secret).toMatchObject({ metadata: { name: 'acme-registry', namespace: 'gitlab-workspace-registry' }, data: { '.dockerconfigjson': '${(var.registry_dockerconfigjson == null) ? "" : var.registry_dockerconfigjson}' } });
    expect(p.doc.variable.registry_dockerconfigjson).toMatchObject({ sensitive: true });
    expect(parse(p.output('agent_config').value).remote_development.image_pull_secrets).toEqual([{ name: 'acme-registry', namespace: 'gitlab-workspace-registry' }]);
    expect(p.release('workspaces').depends_on).toContain(p.addressOf('kubernetes_secret_v1', secret));
  });

  it('goes into the shared namespace when workspaces share one', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {}\n  remote_development:\n    shared_namespace: workspaces\n`)).platform.s;
    expect(parse(p.output('agent_config').value).remote_development.image_pull_secrets).toEqual([{ name: 'workspace-registry', namespace: 'workspaces' }]);
    // One namespace, the shared one, which the Secret waits for.
    const shared = p.onlyWhere('kubernetes_namespace_v1', (n) => n.metadata.name === 'workspaces');
    const secret = p.onlyWhere('kubernetes_secret_v1', (x) => x.type === 'kubernetes.io/dockerconfigjson');
    expect(secret.depends_on).toEqual([p.addressOf('kubernetes_namespace_v1', shared), p.addressOf('terraform_data', p.onlyWhere('terraform_data', (d) => d.lifecycle?.precondition && !d.provisioner))]);
  });

  it('creates its own namespace otherwise, with the baseline Pod Security label like the agent\'s and the proxy\'s', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {}\n`)).platform.s;
    const labels = Object.fromEntries(p.all('kubernetes_namespace_v1').map((n) => [n.metadata.name, n.metadata.labels]));
    const baseline = { 'pod-security.kubernetes.io/enforce': 'baseline' };
    // The warm namespace (the image pre-puller, on by default) is restricted.
    expect(labels).toEqual({
      'gitlab-agent': baseline, 'gitlab-workspaces': baseline, 'gitlab-workspace-registry': baseline,
      'gitlab-workspaces-warm': { 'app.kubernetes.io/part-of': 'gitlab-workspaces', 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });
});

describe('no gitlab section', () => {
  it('builds the cluster and its platform without the GitLab side', () => {
    const app = synthApp(configFromText(REQUIRED_CONFIG));
    expect(app.platform.s.all('helm_release').map((r) => r.chart)).toEqual(['cluster-autoscaler']);
    expect(app.platform.s.doc.variable).toBeUndefined();
    expect(app.cluster.s.data('aws_route53_zone')).toEqual({});
  });
});

describe('example self-managed-gitlab', () => {
  let app: SynthesizedApp;
  let p: Synthesized;
  beforeAll(() => {
    app = synthApp(loadExample('self-managed-gitlab'));
    p = app.platform.s;
  });

  it('reaches workspaces through an internal load balancer in the private subnets, from the VPN only', () => {
    const lb = p.only('aws_lb');
    expect(lb.internal).toBe(true);
    // The existing VPC's private subnets, through the cluster stack's named outputs.
    expect(lb.subnets).toBe('${data.terraform_remote_state.cluster_stack.outputs.private_subnet_ids}');
    expect([...app.cluster.s.output('private_subnet_ids').value].sort()).toEqual(['subnet-0a1a1a1a1a1a1a1a1', 'subnet-0b2b2b2b2b2b2b2b2', 'subnet-0c3c3c3c3c3c3c3c3']);
    const sg = p.ref('aws_security_group', p.only('aws_security_group'), 'id');
    expect(p.all('aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === sg).map((r) => r.cidr_ipv4)).toEqual(['172.16.0.0/16', '172.16.0.0/16']);
    expect(p.all('aws_route53_record').filter((r) => r.alias).map((r) => r.name).sort()).toEqual(['*.workspaces.internal.acme.dev', 'ssh-workspaces.internal.acme.dev', 'workspaces.internal.acme.dev']);
    expect(Object.values(app.cluster.s.data('aws_route53_zone'))[0]).toMatchObject({ name: 'internal.acme.dev' });
  });

  it('registers the agent, creates the OAuth application, binds least privilege and lists the registry Secret', () => {
    expect(p.doc.provider.gitlab).toEqual([{ base_url: 'https://gitlab.internal.acme.dev/api/v4/', token: '${var.gitlab_token}' }]);
    expect(p.only('gitlab_cluster_agent').project).toBe('platform/workspaces-agent');
    expect(p.only('gitlab_application').redirect_url).toBe('https://workspaces.internal.acme.dev/auth/callback');
    expect(p.all('kubernetes_cluster_role_v1')).toHaveLength(1);
    expect(Object.keys(p.doc.variable).sort()).toEqual(['gitlab_token', 'registry_dockerconfigjson']);
    const config = parse(p.onlyWhere('gitlab_repository_file', (f) => f.file_path === '.gitlab/agents/workspaces/config.yaml').content).remote_development;
    expect(config).toMatchObject({
      dns_zone: 'workspaces.internal.acme.dev',
      image_pull_secrets: [{ name: 'acme-registry', namespace: 'gitlab-workspace-registry' }],
      labels: { 'acme.dev/cost-center': 'platform' },
      workspaces_per_user_quota: 3,
    });
    // GitLab 18.8 reads the proxy enablement keys; the proxy serves both.
    expect(config.gitlab_workspaces_proxy).toEqual({ namespace: 'gitlab-workspaces', http_enabled: true, ssh_enabled: true });
    expect(JSON.parse(p.release('workspaces').values[0]).config.kasAddress).toBe('wss://gitlab.internal.acme.dev/-/kubernetes-agent/');
  });
});

describe('example proxy-disabled', () => {
  it('installs the agent only, for workspaces served by GitLab\'s agent server in a shared namespace', () => {
    const app = synthApp(loadExample('proxy-disabled'));
    const p = app.platform.s;
    expect(p.all('helm_release').map((r) => r.name).sort()).toEqual(['cluster-autoscaler', 'kas-workspaces']);
    expect(JSON.parse(p.release('kas-workspaces').values[0]).replicas).toBe(3);
    const config = parse(p.output('agent_config').value as string).remote_development;
    expect(config).toMatchObject({ shared_namespace: 'workspaces', workspaces_quota: 50, gitlab_workspaces_proxy: { http_enabled: false, ssh_enabled: false } });
    expect(p.output('agent_config_path').value).toBe('.gitlab/agents/kas-workspaces/config.yaml');
    // No workspace domain: the key is left out rather than written empty.
    expect(config).not.toHaveProperty('dns_zone');
    expect(p.output('agent_config').value).not.toContain('dns_zone');
  });
});

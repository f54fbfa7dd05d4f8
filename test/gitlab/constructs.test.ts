/**
 * The GitLab-side constructs on their own, each in a stack of its own: what a platform team importing
 * them gets (charts and values, secrets that are never literals, the certificate and its validation,
 * listeners, target groups, security group rules, records).
 */
import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { Service } from 'kubernetes-models/v1/Service';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { SYSTEM_SCHEDULING } from '../../lib/cluster/scheduling';
import {
  GitLabAgent,
  GitLabAgentProps,
  GitLabAgentRegistration,
  RegistryPullSecret,
  WorkspacesEntryPoint,
  WorkspacesEntryPointProps,
  WorkspacesTargetGroups,
  WorkspacesHostedZone,
  WorkspacesOAuthApplication,
  WorkspacesProxy,
  WorkspacesProxyProps,
} from '../../lib/gitlab';
import { join } from 'path';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';
import { INSTANCE_METADATA_CIDR, parseAgentConfig, SECURE_DEFAULT_EGRESS, SECURE_DEFAULT_RESOURCES, withSecureAgentDefaults } from '../../lib/agent-config';
import { stackAgentSettings } from '../../stacks/config/agent-settings';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG } from '../stacks/helpers';

Testing.setupJest();

/** Synthesizes what `build` adds to a stack with the providers the constructs need. */
function synth(build: (stack: TerraformStack, p: { kubernetes: KubernetesProvider; helm: HelmProvider; gitlab: GitlabProvider }) => void): { json: string; s: Synthesized } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const kubernetes = new KubernetesProvider(stack, 'kubernetes', {});
  const helm = new HelmProvider(stack, 'helm', {});
  const gitlab = new GitlabProvider(stack, 'gitlab', {});
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new RandomProvider(stack, 'random');
  new TlsProvider(stack, 'tls');
  build(stack, { kubernetes, helm, gitlab });
  const json = Testing.synth(stack, true);
  expect(unresolvedReferences(json)).toEqual([]);
  expect(unknownAttributes(json)).toEqual([]);
  return { json, s: new Synthesized(json) };
}

const secret = (scope: Construct, name: string) => new TerraformVariable(scope, name, { type: 'string', sensitive: true }).stringValue;

describe('GitLabAgent', () => {
  const agent = (props: Partial<GitLabAgentProps> = {}) => synth((stack, p) => new GitLabAgent(stack, 'agent', {
    kubernetesProvider: p.kubernetes,
    helmProvider: p.helm,
    agentName: 'workspaces',
    token: secret(stack, 'agent_token'),
    kasAddress: 'wss://kas.gitlab.com',
    scheduling: SYSTEM_SCHEDULING,
    ...props,
  }));

  it('installs the pinned gitlab-agent chart with two replicas on the system nodes, its token from a Secret', () => {
    const { s } = agent({ rbac: 'cluster-admin' });
    const release = s.only('helm_release');
    expect(release).toMatchObject({ name: 'workspaces', namespace: 'gitlab-agent', repository: 'https://charts.gitlab.io', chart: 'gitlab-agent', version: '2.26.0', atomic: true, wait: true });
    const values = JSON.parse(release.values[0]);
    expect(values).toMatchObject({
      replicas: 2,
      config: { kasAddress: 'wss://kas.gitlab.com', secretName: 'workspaces-agent-token' },
      rbac: { create: true },
      nodeSelector: { 'gitlab-workspaces/pool': 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(values.config.token).toBeUndefined();
    expect(release.values[0]).not.toContain('var.');
    const tokenSecret = s.only('kubernetes_secret_v1');
    expect(tokenSecret).toMatchObject({ metadata: { name: 'workspaces-agent-token', namespace: 'gitlab-agent' }, data: { token: '${var.agent_token}' } });
    expect(release.depends_on).toEqual(expect.arrayContaining([s.addressOf('kubernetes_secret_v1', tokenSecret), s.addressOf('kubernetes_namespace_v1', s.only('kubernetes_namespace_v1'))]));
    expect(s.all('kubernetes_cluster_role_v1')).toEqual([]);
  });

  it('with least-privilege, binds its service account to what workspaces need instead of cluster-admin', () => {
    const { s } = agent({ rbac: 'least-privilege' });
    const values = JSON.parse(s.only('helm_release').values[0]);
    expect(values.rbac).toEqual({ create: false });
    expect(values.serviceAccount).toEqual({ create: true, name: 'gitlab-agent' });
    const role = s.only('kubernetes_cluster_role_v1');
    const rules = role.rule.map((r: { api_groups: string[]; resources: string[]; verbs: string[] }) => ({ apiGroups: r.api_groups, resources: r.resources, verbs: r.verbs }));
    new ClusterRole({ metadata: { name: role.metadata.name }, rules }).validate();
    const granted = rules.flatMap((r: { apiGroups: string[]; resources: string[] }) => r.resources.map((res) => `${r.apiGroups[0] || 'core'}/${res}`)).sort();
    expect(granted).toEqual([
      'apps/deployments', 'core/configmaps', 'core/namespaces', 'core/persistentvolumeclaims', 'core/resourcequotas',
      'core/secrets', 'core/serviceaccounts', 'core/services', 'networking.k8s.io/networkpolicies',
    ]);
    // Nothing cluster-admin-like: no wildcards, no RBAC, no impersonation, no escalation.
    const flat = JSON.stringify(rules);
    for (const word of ['*', 'clusterroles', 'rolebindings', 'impersonate', 'escalate', 'bind', 'nodes']) expect(flat).not.toContain(`"${word}"`);
    const binding = s.only('kubernetes_cluster_role_binding_v1');
    expect(binding.role_ref).toMatchObject({ kind: 'ClusterRole', name: `\${${s.addressOf('kubernetes_cluster_role_v1', role)}.metadata[0].name}` });
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'gitlab-agent', namespace: 'gitlab-agent' }]);
    const own = s.only('kubernetes_role_v1');
    new Role({ metadata: { name: 'gitlab-agent', namespace: 'gitlab-agent' }, rules: own.rule.map((r: { api_groups: string[]; resources: string[]; verbs: string[] }) => ({ apiGroups: r.api_groups, resources: r.resources, verbs: r.verbs })) }).validate();
    expect(own.rule.map((r: { resources: string[] }) => r.resources[0]).sort()).toEqual(['events', 'leases']);
    expect(s.only('helm_release').depends_on).toEqual(expect.arrayContaining([s.addressOf('kubernetes_cluster_role_binding_v1', binding), s.addressOf('kubernetes_role_binding_v1', s.only('kubernetes_role_binding_v1'))]));
  });

  it('least privilege as agentk needs it: namespaces only get, create and delete; no pod reads; in its own namespace leases and events, no Secrets', () => {
    const { s } = agent({ rbac: 'least-privilege' });
    type R = { api_groups: string[]; resources: string[]; verbs: string[] };
    const cluster: R[] = s.only('kubernetes_cluster_role_v1').rule;
    const verbsOf = (rules: R[], resource: string) => rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs).sort();
    expect(verbsOf(cluster, 'namespaces')).toEqual(['create', 'delete', 'get']);
    expect(verbsOf(cluster, 'pods')).toEqual([]);
    const own: R[] = s.only('kubernetes_role_v1').rule;
    expect(verbsOf(own, 'secrets')).toEqual([]);
    expect(verbsOf(own, 'pods')).toEqual([]);
    expect(verbsOf(own, 'leases')).toEqual(['create', 'get', 'update']);
    expect(verbsOf(own, 'events')).toEqual(['create', 'patch']);
  });

  it('restarts its pods when the token Secret changes (a pod annotation from the Secret\'s version: the chart adds none with config.secretName)', () => {
    const { s } = agent();
    const release = s.only('helm_release');
    const tokenSecret = s.only('kubernetes_secret_v1');
    const values = JSON.parse(release.values[0]);
    expect(values.podAnnotations).toEqual({ 'checksum/token': `\${${s.addressOf('kubernetes_secret_v1', tokenSecret)}.metadata[0].resource_version}` });
    expect(release.values[0]).not.toContain('var.agent_token');
  });

  it('runs the agent image it is given (image.tag), else the chart\'s', () => {
    expect(JSON.parse(agent({ imageTag: 'v18.9.2' }).s.only('helm_release').values[0]).image).toEqual({ tag: 'v18.9.2' });
    expect(JSON.parse(agent().s.only('helm_release').values[0]).image).toBeUndefined();
  });

  it('spreads its replicas over nodes and zones, with a PodDisruptionBudget so a node roll never takes both', () => {
    const { s } = agent();
    const values = JSON.parse(s.only('helm_release').values[0]);
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'gitlab-agent', 'app.kubernetes.io/instance': 'workspaces' } };
    expect(values.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ]);
    expect(values.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual({ topologyKey: 'kubernetes.io/hostname', labelSelector: selector });
    const pdb = s.only('kubernetes_pod_disruption_budget_v1');
    expect(pdb).toMatchObject({ metadata: { name: 'workspaces', namespace: 'gitlab-agent' }, spec: { max_unavailable: '1', selector: { match_labels: selector.matchLabels } } });
    expect(agent({ highAvailability: false }).s.all('kubernetes_pod_disruption_budget_v1')).toEqual([]);
  });

  it('with least-privilege and a shared namespace, may not create or delete namespaces', () => {
    const { s } = agent({ rbac: 'least-privilege', sharedNamespace: 'workspaces' });
    expect(JSON.stringify(s.only('kubernetes_cluster_role_v1').rule)).not.toContain('"namespaces"');
  });

  it('with a shared namespace, may read no Secret and no pod outside it: not its own token, not in its own namespace', () => {
    const { s } = agent({ rbac: 'least-privilege', sharedNamespace: 'workspaces' });
    const outside = [s.only('kubernetes_cluster_role_v1'), s.onlyWhere('kubernetes_role_v1', (r) => r.metadata.namespace === 'gitlab-agent')];
    for (const role of outside) {
      const resources = role.rule.flatMap((r: { resources: string[] }) => r.resources);
      expect(resources).not.toContain('secrets');
      expect(resources).not.toContain('pods');
    }
  });
});

describe('WorkspacesProxy', () => {
  const proxy = (props: Partial<WorkspacesProxyProps> = {}) => synth((stack, p) => new WorkspacesProxy(stack, 'proxy', {
    kubernetesProvider: p.kubernetes,
    helmProvider: p.helm,
    gitlabUrl: 'https://gitlab.example.com/',
    dnsZone: 'ws.example.dev',
    oauthClientId: secret(stack, 'client_id'),
    oauthClientSecret: secret(stack, 'client_secret'),
    scheduling: SYSTEM_SCHEDULING,
    nodePorts: { http: 32080, ssh: 32022 },
    ...props,
  }));

  it('writes the config Secret from variables and generated keys, never literals', () => {
    const { s } = proxy();
    const config = s.only('kubernetes_secret_v1');
    expect(config.metadata).toEqual({ name: 'gitlab-workspaces-proxy-config', namespace: 'gitlab-workspaces' });
    expect(config.data).toEqual({
      'auth.client_id': '${var.client_id}',
      'auth.client_secret': '${var.client_secret}',
      'auth.host': 'https://gitlab.example.com',
      'auth.redirect_uri': 'https://ws.example.dev/auth/callback',
      'auth.signing_key': `\${${s.addressOf('random_password', s.only('random_password'))}.result}`,
      'ssh.host_key': `\${${s.addressOf('tls_private_key', s.only('tls_private_key'))}.private_key_openssh}`,
    });
    expect(s.only('random_password').length).toBeGreaterThanOrEqual(32);
    expect(s.only('tls_private_key')).toMatchObject({ algorithm: 'RSA', rsa_bits: 4096 });
  });

  it('installs the pinned proxy chart (0.1.23 or newer) without its Ingress or a LoadBalancer Service, on the system nodes', () => {
    const { s } = proxy();
    const release = s.only('helm_release');
    expect(release).toMatchObject({
      name: 'gitlab-workspaces-proxy',
      namespace: 'gitlab-workspaces',
      repository: 'https://gitlab.com/api/v4/projects/gitlab-org%2fworkspaces%2fgitlab-workspaces-proxy/packages/helm/devel',
      chart: 'gitlab-workspaces-proxy',
      version: '0.1.25',
    });
    const values = JSON.parse(release.values[0]);
    expect(values).toMatchObject({
      replicaCount: 2,
      ingress: { enabled: false },
      sshService: { type: 'ClusterIP' },
      nodeSelector: { 'gitlab-workspaces/pool': 'system' },
    });
    expect(release.values[0]).not.toMatch(/var\.|random_password|tls_private_key/);
    expect(release.depends_on).toContain(s.addressOf('kubernetes_secret_v1', s.only('kubernetes_secret_v1')));
  });

  it('writes the SSH Service as sshService.* only: service.* is the HTTP Service since chart 0.1.16, and service.ssh.* is ignored', () => {
    const values = JSON.parse(proxy().s.only('helm_release').values[0]);
    expect(values.sshService).toEqual({ type: 'ClusterIP' });
    expect(values.service).toBeUndefined();
  });

  it('spreads its replicas over nodes and zones, with a PodDisruptionBudget so a node roll never takes both', () => {
    const { s } = proxy();
    const values = JSON.parse(s.only('helm_release').values[0]);
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'gitlab-workspaces-proxy', 'app.kubernetes.io/instance': 'gitlab-workspaces-proxy' } };
    expect(values.topologySpreadConstraints.map((c: { topologyKey: string; labelSelector: unknown }) => [c.topologyKey, c.labelSelector])).toEqual([
      ['kubernetes.io/hostname', selector], ['topology.kubernetes.io/zone', selector],
    ]);
    expect(s.only('kubernetes_pod_disruption_budget_v1')).toMatchObject({
      metadata: { name: 'gitlab-workspaces-proxy', namespace: 'gitlab-workspaces' },
      spec: { max_unavailable: '1', selector: { match_labels: selector.matchLabels } },
    });
  });

  it('exposes the proxy\'s HTTP and SSH ports on fixed NodePorts, selecting the proxy\'s pods', () => {
    const { s } = proxy();
    const svc = s.only('kubernetes_service_v1');
    expect(svc.spec).toMatchObject({
      type: 'NodePort',
      external_traffic_policy: 'Cluster',
      selector: { 'app.kubernetes.io/name': 'gitlab-workspaces-proxy', 'app.kubernetes.io/instance': 'gitlab-workspaces-proxy' },
    });
    const ports = svc.spec.port.map((p: { name: string; port: number; target_port: string; node_port: number }) => ({ name: p.name, port: p.port, targetPort: Number(p.target_port), nodePort: p.node_port }));
    expect(ports).toEqual([{ name: 'http', port: 80, targetPort: 9876, nodePort: 32080 }, { name: 'ssh', port: 22, targetPort: 22, nodePort: 32022 }]);
    new Service({ metadata: { name: svc.metadata.name }, spec: { type: 'NodePort', selector: svc.spec.selector, ports: ports.map((p: { name: string; port: number; targetPort: number; nodePort: number }) => ({ ...p, protocol: 'TCP' })) } }).validate();
  });

  it('can generate an ECDSA host key, and has no NodePorts unless asked', () => {
    const { s } = proxy({ sshHostKeyAlgorithm: 'ECDSA', nodePorts: undefined });
    expect(s.only('tls_private_key')).toMatchObject({ algorithm: 'ECDSA', ecdsa_curve: 'P256' });
    expect(s.all('kubernetes_service_v1')).toEqual([]);
  });

  it('refuses a chart older than 0.1.23', () => {
    expect(() => proxy({ chartVersion: '0.1.22' })).toThrow(/0\.1\.22 is older than 0\.1\.23/);
  });
});

describe('WorkspacesEntryPoint', () => {
  const props = (stack: Construct): WorkspacesEntryPointProps => ({
    name: 'acme-workspaces',
    dnsZone: 'ws.acme.dev',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b'],
    targetAutoScalingGroupNames: [secret(stack, 'asg')],
    nodeSecurityGroupId: 'sg-0123456789abcdef0',
    httpNodePort: 32080,
    sshNodePort: 32022,
  });
  let s: Synthesized;
  beforeAll(() => {
    s = synth((stack) => new WorkspacesEntryPoint(stack, 'entry', props(stack))).s;
  });

  it('requests a certificate for the domain and its wildcard, validated in Route 53 and waited for', () => {
    const cert = s.only('aws_acm_certificate');
    expect(cert).toMatchObject({ domain_name: 'ws.acme.dev', subject_alternative_names: ['*.ws.acme.dev'], validation_method: 'DNS' });
    const records = s.resources('aws_route53_record');
    const [validationName, validation] = Object.entries(records).find(([, r]) => r.for_each)!;
    expect(validation.for_each).toContain(`${s.addressOf('aws_acm_certificate', cert)}.domain_validation_options`);
    expect(validation).toMatchObject({ zone_id: 'Z0123456789ABCDEFGHIJ', allow_overwrite: true, name: '${each.value.resource_record_name}' });
    const wait = s.only('aws_acm_certificate_validation');
    expect(wait.certificate_arn).toBe(s.ref('aws_acm_certificate', cert, 'arn'));
    expect(wait.validation_record_fqdns).toContain(`aws_route53_record.${validationName}`);
  });

  it('listens for HTTPS with the validated certificate and for SSH, forwarding to the NodePorts of the system nodes', () => {
    const lb = s.only('aws_lb');
    expect(lb).toMatchObject({ name: 'acme-workspaces', load_balancer_type: 'network', internal: false, subnets: props(new TerraformStack(Testing.app(), 'x')).subnetIds });
    const listeners = s.all('aws_lb_listener');
    const https = listeners.find((l) => l.port === 443)!;
    expect(https).toMatchObject({ protocol: 'TLS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', certificate_arn: s.ref('aws_acm_certificate_validation', s.only('aws_acm_certificate_validation'), 'certificate_arn') });
    const ssh = listeners.find((l) => l.port === 22)!;
    expect(ssh).toMatchObject({ protocol: 'TCP', tcp_idle_timeout_seconds: 3600 });
    const tg = (listener: Record<string, any>) => s.deref(listener.default_action[0].target_group_arn); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(tg(https)).toMatchObject({ port: 32080, protocol: 'TCP', target_type: 'instance', vpc_id: 'vpc-0123456789abcdef0' });
    expect(tg(ssh)).toMatchObject({ port: 32022, protocol: 'TCP', target_type: 'instance' });
    const attached = s.all('aws_autoscaling_attachment').map((a) => [a.autoscaling_group_name, s.deref(a.lb_target_group_arn).port]);
    expect(attached.sort()).toEqual([['${var.asg}', 32022], ['${var.asg}', 32080]]);
  });

  it('admits only the listener ports, and on the nodes only the load balancer on the NodePorts', () => {
    const sg = s.ref('aws_security_group', s.only('aws_security_group'), 'id');
    const ingress = s.all('aws_vpc_security_group_ingress_rule');
    expect(ingress.filter((r) => r.security_group_id === sg).map((r) => [r.from_port, r.to_port, r.cidr_ipv4]).sort()).toEqual([[22, 22, '0.0.0.0/0'], [443, 443, '0.0.0.0/0']]);
    expect(ingress.filter((r) => r.security_group_id === 'sg-0123456789abcdef0').map((r) => [r.from_port, r.referenced_security_group_id]).sort()).toEqual([[32022, sg], [32080, sg]]);
    expect(s.all('aws_vpc_security_group_egress_rule').map((r) => [r.from_port, r.referenced_security_group_id]).sort()).toEqual([[32022, 'sg-0123456789abcdef0'], [32080, 'sg-0123456789abcdef0']]);
    expect(s.only('aws_lb').security_groups).toEqual([sg]);
  });

  it('points the domain, its wildcard and the SSH host at the load balancer', () => {
    const lb = s.only('aws_lb');
    const aliases = s.all('aws_route53_record').filter((r) => r.alias);
    expect(aliases.map((r) => r.name).sort()).toEqual(['*.ws.acme.dev', 'ssh.ws.acme.dev', 'ws.acme.dev']);
    for (const r of aliases) {
      expect(r).toMatchObject({ type: 'A', zone_id: 'Z0123456789ABCDEFGHIJ', alias: { name: s.ref('aws_lb', lb, 'dns_name'), zone_id: s.ref('aws_lb', lb, 'zone_id'), evaluate_target_health: true } });
    }
  });

  it('can be internal, with its own SSH host, port, allowed networks and idle timeout', () => {
    const { s: t } = synth((stack) => new WorkspacesEntryPoint(stack, 'entry', {
      ...props(stack), scheme: 'internal', sshHostName: 'git-ssh.acme.dev', sshPort: 2222, allowedCidrs: ['10.0.0.0/8', '172.16.0.0/12'], sshIdleTimeoutSeconds: 600,
    }));
    expect(t.only('aws_lb').internal).toBe(true);
    expect(t.all('aws_lb_listener').find((l) => l.port === 2222)).toMatchObject({ protocol: 'TCP', tcp_idle_timeout_seconds: 600 });
    expect(t.all('aws_route53_record').filter((r) => r.alias).map((r) => r.name)).toContain('git-ssh.acme.dev');
    expect(t.all('aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4).map((r) => `${r.from_port} ${r.cidr_ipv4}`).sort()).toEqual(['2222 10.0.0.0/8', '2222 172.16.0.0/12', '443 10.0.0.0/8', '443 172.16.0.0/12']);
  });

  it('refuses a load balancer name AWS would refuse', () => {
    expect(() => synth((stack) => new WorkspacesEntryPoint(stack, 'entry', { ...props(stack), name: 'x'.repeat(33) }))).toThrow(/not a load balancer name/);
  });

  it('attaches its target groups create_before_destroy, so a replaced node group keeps the load balancer\'s targets', () => {
    for (const a of s.all('aws_autoscaling_attachment')) expect(a.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('forwards to target groups made with the node group (WorkspacesTargetGroups), making none of its own', () => {
    const { s: t } = synth((stack) => {
      const { targetAutoScalingGroupNames: asgs, ...rest } = props(stack);
      const groups = new WorkspacesTargetGroups(stack, 'targets', { vpcId: 'vpc-0123456789abcdef0', httpNodePort: 32080, sshNodePort: 32022, autoScalingGroupNames: asgs! });
      new WorkspacesEntryPoint(stack, 'entry', { ...rest, targetGroupArns: { http: groups.httpTargetGroup.arn, ssh: groups.sshTargetGroup.arn } });
    });
    expect(t.all('aws_lb_target_group')).toHaveLength(2);
    expect(t.all('aws_autoscaling_attachment').map((a) => [a.autoscaling_group_name, t.deref(a.lb_target_group_arn).port, a.lifecycle]).sort()).toEqual([
      ['${var.asg}', 32022, { create_before_destroy: true }], ['${var.asg}', 32080, { create_before_destroy: true }],
    ]);
    const ports = t.all('aws_lb_listener').map((l) => [l.port, t.deref(l.default_action[0].target_group_arn).port]).sort();
    expect(ports).toEqual([[22, 32022], [443, 32080]]);
  });

  it('takes either Auto Scaling groups or target groups, not both or neither', () => {
    expect(() => synth((stack) => new WorkspacesEntryPoint(stack, 'entry', { ...props(stack), targetGroupArns: { http: 'a', ssh: 'b' } }))).toThrow(/either targetAutoScalingGroupNames .* or targetGroupArns/);
    expect(() => synth((stack) => new WorkspacesEntryPoint(stack, 'entry', { ...props(stack), targetAutoScalingGroupNames: undefined }))).toThrow(/either/);
  });

  it('waits for the certificate as long as asked', () => {
    expect(s.only('aws_acm_certificate_validation').timeouts).toBeUndefined();
    const { s: t } = synth((stack) => new WorkspacesEntryPoint(stack, 'entry', { ...props(stack), certificateValidationTimeout: '20m' }));
    expect(t.only('aws_acm_certificate_validation').timeouts).toEqual({ create: '20m' });
  });
});

describe('GitLabAgentRegistration', () => {
  it('registers the agent, creates its token and commits its config on the project\'s default branch', () => {
    const { s } = synth((stack, p) => {
      const reg = new GitLabAgentRegistration(stack, 'reg', { gitlabProvider: p.gitlab, project: 'platform/agents', agentName: 'workspaces', agentConfig: 'remote_development:\n  enabled: true\n' });
      new GitLabAgent(stack, 'agent', { kubernetesProvider: p.kubernetes, helmProvider: p.helm, agentName: 'workspaces', token: reg.token, kasAddress: 'wss://kas.gitlab.com' });
    });
    const agent = s.only('gitlab_cluster_agent');
    expect(agent).toMatchObject({ project: 'platform/agents', name: 'workspaces' });
    const token = s.only('gitlab_cluster_agent_token');
    expect(token).toMatchObject({ project: 'platform/agents', agent_id: s.ref('gitlab_cluster_agent', agent, 'agent_id') });
    const file = s.only('gitlab_repository_file');
    const [projectData] = Object.keys(s.data('gitlab_project'));
    expect(file).toMatchObject({ project: 'platform/agents', file_path: '.gitlab/agents/workspaces/config.yaml', encoding: 'text', content: 'remote_development:\n  enabled: true\n', branch: `\${data.gitlab_project.${projectData}.default_branch}` });
    expect(s.only('kubernetes_secret_v1').data.token).toBe(s.ref('gitlab_cluster_agent_token', token, 'token'));
  });

  it('commits to the branch it is given', () => {
    const { s } = synth((stack, p) => new GitLabAgentRegistration(stack, 'reg', { gitlabProvider: p.gitlab, project: 'a/b', agentName: 'ws', agentConfig: 'x', branch: 'agents' }));
    expect(s.only('gitlab_repository_file').branch).toBe('agents');
    expect(s.data('gitlab_project')).toEqual({});
  });

  it('shares the project with each group it is given (group id read by full path), as Developer unless told', () => {
    const { s, json } = synth((stack, p) => new GitLabAgentRegistration(stack, 'reg', {
      gitlabProvider: p.gitlab, project: 'platform/agents', agentName: 'ws', agentConfig: 'x', branch: 'main',
      shareWithGroups: [{ group: 'acme/developers' }, { group: 'acme/platform', accessLevel: 'maintainer' }],
    }));
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
    const groups = s.data('gitlab_group');
    expect(Object.values(groups).map((g) => g.full_path).sort()).toEqual(['acme/developers', 'acme/platform']);
    const groupRef = (path: string) => `\${data.gitlab_group.${Object.keys(groups).find((k) => groups[k].full_path === path)}.group_id}`;
    expect(s.all('gitlab_project_share_group').map((x) => ({ project: x.project, group_id: x.group_id, access_level: x.access_level, group_access: x.group_access }))).toEqual([
      { project: 'platform/agents', group_id: groupRef('acme/developers'), access_level: 'developer', group_access: undefined },
      { project: 'platform/agents', group_id: groupRef('acme/platform'), access_level: 'maintainer', group_access: undefined },
    ]);
  });

  it('shares nothing unless told', () => {
    const { s } = synth((stack, p) => new GitLabAgentRegistration(stack, 'reg', { gitlabProvider: p.gitlab, project: 'a/b', agentName: 'ws', agentConfig: 'x', branch: 'agents' }));
    expect(s.all('gitlab_project_share_group')).toEqual([]);
    expect(s.data('gitlab_group')).toEqual({});
  });
});

describe('WorkspacesOAuthApplication', () => {
  it('creates a confidential instance application with the proxy\'s redirect URI and scopes', () => {
    const { s } = synth((stack, p) => new WorkspacesOAuthApplication(stack, 'oauth', { gitlabProvider: p.gitlab, dnsZone: 'ws.acme.dev' }));
    expect(s.only('gitlab_application')).toMatchObject({ redirect_url: 'https://ws.acme.dev/auth/callback', scopes: ['api', 'read_user', 'openid', 'profile'], confidential: true });
  });
});

describe('WorkspacesHostedZone', () => {
  it('looks an existing public zone up by name (default: the workspace domain) or id, or creates one', () => {
    const byName = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev' })).s;
    expect(Object.values(byName.data('aws_route53_zone'))).toEqual([expect.objectContaining({ name: 'ws.acme.dev', private_zone: false })]);
    const parent = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', zoneName: 'acme.dev' })).s;
    expect(Object.values(parent.data('aws_route53_zone'))[0].name).toBe('acme.dev');
    const byId = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', zoneId: 'Z0123' })).s;
    expect(Object.values(byId.data('aws_route53_zone'))[0].zone_id).toBe('Z0123');
    const created = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true })).s;
    expect(created.only('aws_route53_zone').name).toBe('ws.acme.dev');
    expect(() => synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true, zoneId: 'Z1' }))).toThrow(/not several/);
  });

  it('checks that a zone looked up by id is the workspace domain\'s or a parent\'s (a postcondition on its name)', () => {
    const { s, json } = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'Ws.Acme.dev', zoneId: 'Z0123' }));
    expect(unresolvedReferences(json)).toEqual([]);
    const [postcondition] = Object.values(s.data('aws_route53_zone'))[0].lifecycle.postcondition;
    expect(postcondition.error_message).toBe('The Route 53 zone Z0123 is "${self.name}", neither Ws.Acme.dev nor a parent domain of it, so the workspace records and the certificate validation cannot go there: give the id of the zone of Ws.Acme.dev or of a parent domain.');
    // The condition, `contains([...], lower(trimsuffix(self.name, ".")))`, evaluated for zone names Route 53 may return.
    const m = /^\$\{contains\((\[.*\]), lower\(trimsuffix\(self\.name, "\."\)\)\)\}$/.exec(postcondition.condition);
    expect(m).not.toBeNull();
    const names: string[] = JSON.parse(m![1]);
    const holds = (zoneName: string) => names.includes(zoneName.replace(/\.$/, '').toLowerCase());
    for (const ok of ['ws.acme.dev', 'acme.dev', 'acme.dev.', 'ACME.DEV', 'dev']) expect([ok, holds(ok)]).toEqual([ok, true]);
    for (const bad of ['cme.dev', 'other.dev', 'ws.acme.dev.evil', 'x.ws.acme.dev', 'acme']) expect([bad, holds(bad)]).toEqual([bad, false]);
    // A zone found by name is compared with the domain at synth instead.
    const byName = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', zoneName: 'acme.dev' })).s;
    expect(Object.values(byName.data('aws_route53_zone'))[0].lifecycle).toBeUndefined();
  });

  it('with parentZone, delegates the created zone: an NS record in the parent zone holding its name servers', () => {
    for (const parentZone of [{ zoneName: 'acme.dev' }, { zoneId: 'Z0PARENT' }]) {
      const { s, json } = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true, parentZone }));
      expect(unresolvedReferences(json)).toEqual([]);
      expect(unknownAttributes(json)).toEqual([]);
      const zone = s.only('aws_route53_zone');
      const [parentKey, parent] = Object.entries(s.data('aws_route53_zone'))[0];
      expect(parent).toMatchObject({ private_zone: false, ...(parentZone.zoneName ? { name: 'acme.dev' } : { zone_id: 'Z0PARENT' }) });
      expect(s.only('aws_route53_record')).toEqual(expect.objectContaining({
        zone_id: `\${data.aws_route53_zone.${parentKey}.zone_id}`,
        name: 'ws.acme.dev',
        type: 'NS',
        ttl: 172800,
        records: s.ref('aws_route53_zone', zone, 'name_servers'),
      }));
    }
    // Without a parent zone, nothing is delegated (the name servers are for the user to delegate to).
    const alone = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true })).s;
    expect(alone.all('aws_route53_record')).toEqual([]);
    expect(() => synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', parentZone: { zoneName: 'acme.dev' } }))).toThrow(/needs create/);
    expect(() => synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true, parentZone: {} }))).toThrow(/one of them/);
  });

  it('checks that a parent zone looked up by id is a proper parent domain of the workspace domain', () => {
    const { s } = synth((stack) => new WorkspacesHostedZone(stack, 'z', { dnsZone: 'ws.acme.dev', create: true, parentZone: { zoneId: 'Z0PARENT' } }));
    const [postcondition] = Object.values(s.data('aws_route53_zone'))[0].lifecycle.postcondition;
    expect(postcondition.condition).toBe('${contains(["acme.dev","dev"], lower(trimsuffix(self.name, ".")))}');
    expect(postcondition.error_message).toMatch(/^The Route 53 zone Z0PARENT is "\$\{self.name\}", not a parent domain of ws\.acme\.dev, so it cannot delegate ws\.acme\.dev: give the id of the zone of acme\.dev/);
  });
});

describe('RegistryPullSecret', () => {
  it('makes a dockerconfigjson Secret from a sensitive variable, in its own namespace', () => {
    const { s } = synth((stack, p) => new RegistryPullSecret(stack, 'pull', { kubernetesProvider: p.kubernetes, name: 'registry', namespace: 'ws-secrets', dockerConfigJson: secret(stack, 'dockerconfig') }));
    expect(s.only('kubernetes_secret_v1')).toMatchObject({ type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'registry', namespace: 'ws-secrets' }, data: { '.dockerconfigjson': '${var.dockerconfig}' } });
    expect(s.only('kubernetes_namespace_v1').metadata.name).toBe('ws-secrets');
  });
});

describe('example gitlab-on-existing-cluster (the constructs in an app of their own)', () => {
  it('installs the agent, the proxy and their way in on a cluster read with data sources, every reference resolving', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildGitLabOnExistingClusterApp } = require('../../examples/gitlab-on-existing-cluster/main') as typeof import('../../examples/gitlab-on-existing-cluster/main');
    const { stack } = buildGitLabOnExistingClusterApp(join(__dirname, 'unused-outdir'));
    const json = Testing.synth(stack, true);
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
    const s = new Synthesized(json);
    expect(s.all('helm_release').map((r) => r.chart).sort()).toEqual(['gitlab-agent', 'gitlab-workspaces-proxy']);
    expect(s.all('aws_eks_cluster')).toEqual([]);
    const [nodes] = Object.keys(s.data('aws_eks_node_group'));
    for (const a of s.all('aws_autoscaling_attachment')) expect(a.autoscaling_group_name).toBe(`\${data.aws_eks_node_group.${nodes}.resources[0].autoscaling_groups[0].name}`);
    expect(s.output('agent_config').value).toContain('dns_zone: "workspaces.acme.dev"');
  });

  it('writes an agent config with the ready app\'s hardening: instance metadata out of egress, default requests and limits', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildGitLabOnExistingClusterApp } = require('../../examples/gitlab-on-existing-cluster/main') as typeof import('../../examples/gitlab-on-existing-cluster/main');
    const { stack } = buildGitLabOnExistingClusterApp(join(__dirname, 'unused-outdir'));
    const written = parseAgentConfig(new Synthesized(Testing.synth(stack)).output('agent_config').value, 'agent_config');
    if (!written.ok) throw new Error(JSON.stringify(written.diagnostics));
    expect(written.value.networkPolicy.egress).toEqual(SECURE_DEFAULT_EGRESS);
    expect(written.value.networkPolicy.egress[0].except).toContain(INSTANCE_METADATA_CIDR);
    expect(written.value.defaultResourcesPerWorkspaceContainer).toEqual(SECURE_DEFAULT_RESOURCES);
  });

  it('holds workspace pods and nodes with the ready app\'s admission policies, enforced before the agent starts', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildGitLabOnExistingClusterApp } = require('../../examples/gitlab-on-existing-cluster/main') as typeof import('../../examples/gitlab-on-existing-cluster/main');
    const { stack } = buildGitLabOnExistingClusterApp(join(__dirname, 'unused-outdir'));
    const s = new Synthesized(Testing.synth(stack));
    const manifests = s.all('kubernetes_manifest');
    const policies = manifests.filter((m) => m.manifest.kind === 'ValidatingAdmissionPolicy').map((m) => m.manifest.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['gitlab-workspace-pods', 'gitlab-workspaces-node-guard']));
    const bindings = manifests.filter((m) => m.manifest.kind === 'ValidatingAdmissionPolicyBinding' && ['gitlab-workspace-pods', 'gitlab-workspaces-node-guard'].includes(m.manifest.spec.policyName));
    expect(bindings).toHaveLength(2);
    for (const b of bindings) expect(s.release('workspaces').depends_on).toContain(s.addressOf('kubernetes_manifest', b));
  });
});

describe('withSecureAgentDefaults', () => {
  it('fills in egress and default resources, keeping what the settings say', () => {
    expect(withSecureAgentDefaults({ dns_zone: 'x.dev' })).toEqual({
      dns_zone: 'x.dev',
      network_policy: { egress: SECURE_DEFAULT_EGRESS.map((r) => ({ allow: r.allow, except: [...r.except!] })) },
      default_resources_per_workspace_container: SECURE_DEFAULT_RESOURCES,
    });
    const own = { network_policy: { enabled: true, egress: [{ allow: '0.0.0.0/0' }] }, default_resources_per_workspace_container: {} };
    expect(withSecureAgentDefaults(own)).toEqual(own);
    // A policy without egress keeps its other keys and gets the default egress.
    expect(withSecureAgentDefaults({ network_policy: { enabled: false } }).network_policy).toEqual({ enabled: false, egress: expect.any(Array) });
  });

  it('is what the ready stack applies', () => {
    const defaults = stackAgentSettings(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}`));
    if (!defaults.ok) throw new Error('config');
    expect(defaults.value.networkPolicy.egress).toEqual(SECURE_DEFAULT_EGRESS);
    expect(defaults.value.defaultResourcesPerWorkspaceContainer).toEqual(SECURE_DEFAULT_RESOURCES);
  });
});

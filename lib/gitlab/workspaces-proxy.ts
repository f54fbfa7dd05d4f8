import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Scheduling, schedulingValues } from '../cluster/scheduling';
import { HELM_RELEASE_SETTINGS } from '../cluster/helm-release';
import { baselineNamespace } from './namespace';
import { disruptionBudget, spreadValues } from './availability';
import { oauthRedirectUri } from '../common/gitlab-urls';
import { PROXY_POD_LABELS as CONTRACT_PROXY_POD_LABELS } from '../common/gitlab-contract';
import { DEFAULT_PROXY_CHART_VERSION, MIN_PROXY_CHART_VERSION, PROXY_CHART, PROXY_CHART_REPOSITORY, versionAtLeast } from './versions';

/** The Secret the proxy chart reads its settings from (it creates none itself since chart 0.1.16). */
export const PROXY_CONFIG_SECRET = 'gitlab-workspaces-proxy-config';
import { PROXY_RELEASE_NAME } from '../common/deployed-names';
/** The Helm release name (lib/common/deployed-names.ts, where `doctor` reads it too). */
export { PROXY_RELEASE_NAME };
/** The port the proxy serves plain HTTP on in its pod (chart value `http.port`), behind whatever terminates TLS. */
export const PROXY_HTTP_PORT = 9876;
/** The port the proxy serves SSH on in its pod (chart value `ssh.port`). */
export const PROXY_SSH_PORT = 22;
/**
 * The proxy's pod labels: the one GitLab's workspace NetworkPolicies admit traffic from (with the proxy's
 * namespace; lib/common/gitlab-contract.ts), and the release's.
 */
export const PROXY_POD_LABELS: Readonly<Record<string, string>> = {
  ...CONTRACT_PROXY_POD_LABELS,
  'app.kubernetes.io/instance': PROXY_RELEASE_NAME,
};

export interface WorkspacesProxyProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /** The GitLab instance's URL (`auth.host`). */
  readonly gitlabUrl: string;
  /** The workspace domain; the OAuth redirect URI is `https://<dnsZone>/auth/callback`. */
  readonly dnsZone: string;
  /** The OAuth application's client id: a sensitive variable, or WorkspacesOAuthApplication's. */
  readonly oauthClientId: string;
  /** The OAuth application's client secret: a sensitive variable, or WorkspacesOAuthApplication's. */
  readonly oauthClientSecret: string;
  /**
   * The namespace the stack creates for the proxy: the agent config's `gitlab_workspaces_proxy.namespace`.
   * @default 'gitlab-workspaces'
   */
  readonly namespace?: string;
  /**
   * The gitlab-workspaces-proxy chart version, at least MIN_PROXY_CHART_VERSION.
   * @default DEFAULT_PROXY_CHART_VERSION
   */
  readonly chartVersion?: string;
  /**
   * Proxy pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Spread the replicas over nodes and zones, and a PodDisruptionBudget (`maxUnavailable: 1`) so that a
   * node roll never takes both.
   * @default true
   */
  readonly highAvailability?: boolean;
  /**
   * The generated SSH host key: RSA (4096 bits) or ECDSA (P-256).
   * @default 'RSA'
   */
  readonly sshHostKeyAlgorithm?: 'RSA' | 'ECDSA';
  /**
   * Expose the proxy on these NodePorts of every node (a Service of type NodePort), for a load balancer
   * with instance targets (see WorkspacesEntryPoint).
   * @default none: only the chart's ClusterIP Services
   */
  readonly nodePorts?: { readonly http: number; readonly ssh: number };
  /** Where the proxy runs (the system nodes). @default anywhere */
  readonly scheduling?: Scheduling;
  /** Resources the release waits for. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * GitLab's workspaces proxy from its Helm chart, in its own namespace, with the Secret it reads: the
 * OAuth client (`auth.client_id`, `auth.client_secret`), `auth.host`, `auth.redirect_uri`, a generated
 * signing key (`auth.signing_key`, random) and a generated SSH host key (`ssh.host_key`, tls). No secret is
 * a value in the chart's values or the synthesized configuration; Terraform state holds them (keep it
 * encrypted). The chart's Ingress is off: TLS ends at a load balancer in front of `nodePorts`. Needs the
 * random and tls providers in its stack.
 */
export class WorkspacesProxy extends Construct {
  readonly namespace: NamespaceV1;
  readonly signingKey: Password;
  readonly sshHostKey: PrivateKey;
  readonly configSecret: SecretV1;
  readonly release: Release;
  /** The NodePort Service (with `nodePorts`). */
  readonly nodePortService?: ServiceV1;
  /** One proxy pod evicted at a time (with `highAvailability`, the default). */
  readonly disruptionBudget?: PodDisruptionBudgetV1;

  constructor(scope: Construct, id: string, props: WorkspacesProxyProps) {
    super(scope, id);
    const provider = props.kubernetesProvider;
    const ns = props.namespace ?? 'gitlab-workspaces';
    const chartVersion = props.chartVersion ?? DEFAULT_PROXY_CHART_VERSION;
    if (!versionAtLeast(chartVersion, MIN_PROXY_CHART_VERSION)) {
      throw new Error(`WorkspacesProxy: chart ${chartVersion} is older than ${MIN_PROXY_CHART_VERSION} (older versions leak secrets in process arguments or set cookies on the wildcard domain)`);
    }

    this.namespace = baselineNamespace(this, 'namespace', provider, ns);
    this.signingKey = new Password(this, 'signing-key', { length: 64, special: false });
    this.sshHostKey = (props.sshHostKeyAlgorithm ?? 'RSA') === 'RSA'
      ? new PrivateKey(this, 'ssh-host-key', { algorithm: 'RSA', rsaBits: 4096 })
      : new PrivateKey(this, 'ssh-host-key', { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
    this.configSecret = new SecretV1(this, 'config', {
      provider,
      metadata: { name: PROXY_CONFIG_SECRET, namespace: ns },
      type: 'Opaque',
      data: {
        'auth.client_id': props.oauthClientId,
        'auth.client_secret': props.oauthClientSecret,
        'auth.host': props.gitlabUrl.replace(/\/+$/, ''),
        'auth.redirect_uri': oauthRedirectUri(props.dnsZone),
        'auth.signing_key': this.signingKey.result,
        'ssh.host_key': this.sshHostKey.privateKeyOpenssh,
      },
      dependsOn: [this.namespace],
    });

    const highAvailability = props.highAvailability ?? true;
    const values = {
      replicaCount: props.replicas ?? 2,
      ingress: { enabled: false },
      // The chart's SSH Service is a LoadBalancer by default: on EKS the in-tree controller would create a
      // Classic Load Balancer outside Terraform. Since chart 0.1.16 `sshService.*` is the SSH Service and
      // `service.*` the HTTP one (`service.ssh.*`, 0.1.12's spelling, is ignored and not written).
      sshService: { type: 'ClusterIP' },
      // A changed config Secret (a new OAuth secret) restarts the pods.
      podAnnotations: { 'checksum/config': this.configSecret.metadata.resourceVersion },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      ...schedulingValues(props.scheduling),
      ...(highAvailability && spreadValues(PROXY_POD_LABELS)),
    };
    if (highAvailability) {
      this.disruptionBudget = disruptionBudget(this, 'disruption-budget', {
        provider, name: PROXY_RELEASE_NAME, namespace: ns, labels: PROXY_POD_LABELS, dependsOn: [this.namespace],
      });
    }
    this.release = new Release(this, 'release', {
      provider: props.helmProvider,
      name: PROXY_RELEASE_NAME,
      namespace: ns,
      repository: PROXY_CHART_REPOSITORY,
      chart: PROXY_CHART,
      version: chartVersion,
      values: [JSON.stringify(values)],
      ...HELM_RELEASE_SETTINGS,
      dependsOn: [this.namespace, this.configSecret, ...(props.dependsOn ?? [])],
    });

    if (props.nodePorts) {
      this.nodePortService = new ServiceV1(this, 'node-ports', {
        provider,
        metadata: { name: `${PROXY_RELEASE_NAME}-node-ports`, namespace: ns },
        spec: {
          type: 'NodePort',
          // Any node forwards to a proxy pod; the load balancer's targets need not run one.
          externalTrafficPolicy: 'Cluster',
          selector: { ...PROXY_POD_LABELS },
          port: [
            { name: 'http', protocol: 'TCP', port: 80, targetPort: String(PROXY_HTTP_PORT), nodePort: props.nodePorts.http },
            { name: 'ssh', protocol: 'TCP', port: 22, targetPort: String(PROXY_SSH_PORT), nodePort: props.nodePorts.ssh },
          ],
        },
        waitForLoadBalancer: false,
        dependsOn: [this.namespace],
      });
    }
  }
}

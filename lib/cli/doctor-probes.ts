/**
 * The real probes behind `doctor`'s checks: TLS and HTTPS (node:tls/https), DNS (node:dns), SSH
 * (./doctor-ssh.ts), GitLab's GraphQL API (fetch), and the load balancer's target health through the AWS
 * SDK (elbv2, bundled into dist/cli/doctor.js and loaded only when that check runs).
 */
import { promises as dns } from 'dns';
import { request } from 'https';
import type { TLSSocket } from 'tls';
import type { GitLabApi, LoadBalancerHealth, TlsAnswer } from './doctor-checks';
import { GitLabGraphQL } from './gitlab-graphql';
import { certificateDnsNames } from './doctor-checks';

export interface TlsProbeOptions {
  /** Where to connect (default: the server name). */
  readonly host?: string;
  readonly port: number;
  readonly servername: string;
  /** Trusted CAs (default: Node's; given, they replace Node's). */
  readonly ca?: Buffer | ReadonlyArray<string | Buffer>;
  readonly timeoutMs?: number;
}

/** A TLS handshake with SNI `servername` and `GET /` on it: the certificate it served and the HTTP status. */
export function tlsProbe(options: TlsProbeOptions): Promise<TlsAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<TlsAnswer>((resolve, reject) => {
    let answer: Omit<TlsAnswer, 'httpStatus' | 'httpError'> | undefined;
    const req = request({
      host: options.host ?? options.servername,
      port: options.port,
      servername: options.servername,
      path: '/',
      method: 'GET',
      headers: { host: options.servername, 'user-agent': 'gitlab-workspaces-doctor' },
      // Verified below, so an untrusted or wrong certificate is reported rather than only refused.
      rejectUnauthorized: false,
      ...(options.ca && { ca: options.ca as Buffer | Array<string | Buffer> }),
      agent: false,
      timeout: timeoutMs,
    });
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        const tls = socket as TLSSocket;
        const cert = tls.getPeerCertificate();
        answer = {
          dnsNames: certificateDnsNames(cert),
          validFrom: new Date(cert.valid_from),
          validTo: new Date(cert.valid_to),
          authorized: tls.authorized,
          ...(!tls.authorized && { authorizationError: String(tls.authorizationError) }),
        };
      });
    });
    req.on('response', (res) => {
      res.resume();
      if (answer) resolve({ ...answer, httpStatus: res.statusCode });
      else reject(new Error('no certificate'));
      req.destroy();
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs / 1000}s`)));
    req.on('error', (err) => {
      if (answer) resolve({ ...answer, httpError: err.message });
      else reject(err);
    });
    req.end();
  });
}

/** IPv4 and IPv6 addresses of a name; [] when it has none. */
export async function resolveAddresses(name: string): Promise<string[]> {
  const [v4, v6] = await Promise.all([dns.resolve4(name).catch(() => [] as string[]), dns.resolve6(name).catch(() => [] as string[])]);
  return [...v4, ...v6];
}

/**
 * GitLab's GraphQL endpoint with a token (a personal, group or project access token as a Bearer token),
 * through the CLI's one GitLab client (./gitlab-graphql.ts: its refusals come back as one-line errors).
 */
export function gitlabApi(url: string, token: string, timeoutMs = 15_000): GitLabApi {
  const client = new GitLabGraphQL({ gitlabUrl: url, token, timeoutMs });
  return {
    url,
    async graphql(query, variables) {
      // GitLab runs the operation the request names: the query's own name.
      const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'doctor';
      const { data, errors } = await client.request<Record<string, unknown>>(operationName, query, variables);
      return { data, errors };
    },
  };
}

/** The target groups of the load balancer with this DNS name, and how many targets each has healthy. */
export async function loadBalancerHealth(region: string, dnsName: string): Promise<LoadBalancerHealth> {
  // As preflight: the bundled SDK is fixed at build time, so its Node 20 notice about later releases says nothing here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const elb = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  const client = new elb.ElasticLoadBalancingV2Client({ region });
  const lbs = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new elb.DescribeLoadBalancersCommand({ ...(marker && { Marker: marker }) }));
    lbs.push(...(page.LoadBalancers ?? []));
    marker = page.NextMarker;
  } while (marker);
  const lb = lbs.find((l) => l.DNSName?.toLowerCase() === dnsName.toLowerCase());
  if (!lb?.LoadBalancerArn) throw new Error(`no load balancer with DNS name ${dnsName} in ${region}`);
  const groups = (await client.send(new elb.DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).TargetGroups ?? [];
  const targetGroups = await Promise.all(groups.map(async (g) => {
    const health = (await client.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn }))).TargetHealthDescriptions ?? [];
    return {
      name: g.TargetGroupName ?? g.TargetGroupArn ?? 'target group',
      ...(g.Port !== undefined && { port: g.Port }),
      healthy: health.filter((h) => h.TargetHealth?.State === 'healthy').length,
      total: health.length,
      reasons: [...new Set(health.filter((h) => h.TargetHealth?.State !== 'healthy').map((h) => h.TargetHealth?.Reason ?? h.TargetHealth?.State ?? 'unknown'))],
    };
  }));
  return { targetGroups };
}

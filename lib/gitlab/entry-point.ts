import { TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { AutoscalingAttachment } from '@cdktf/provider-aws/lib/autoscaling-attachment';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';

/**
 * The TLS policy of the HTTPS listener: TLS 1.3 and 1.2 only, with restricted ciphers and hybrid
 * post-quantum key exchange (ML-KEM) for clients that offer it: the policy AWS recommends for Network Load
 * Balancers ("Security policies for your Network Load Balancer", 2025) and its console's default.
 */
export const ENTRY_POINT_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';
/** Longest load balancer name AWS accepts. */
export const LOAD_BALANCER_NAME_MAX = 32;

export interface WorkspacesEntryPointProps {
  /** The load balancer's name: at most 32 letters, digits and hyphens. */
  readonly name: string;
  /** The workspace domain: the certificate covers it and `*.<dnsZone>`, and both get alias records. */
  readonly dnsZone: string;
  /** The public Route 53 zone the validation and alias records go into (see WorkspacesHostedZone). */
  readonly hostedZoneId: string;
  /**
   * The host name users SSH to (an alias record of its own).
   * @default `ssh.<dnsZone>`
   */
  readonly sshHostName?: string;
  /**
   * The SSH listener's port.
   * @default 22
   */
  readonly sshPort?: number;
  /** The VPC of the nodes. */
  readonly vpcId: string;
  /** Subnets for the load balancer: public ones for `internet-facing`, private ones for `internal`. */
  readonly subnetIds: string[];
  /**
   * `internet-facing` (public subnets), or `internal` (private subnets, for users on a VPN).
   * @default 'internet-facing'
   */
  readonly scheme?: 'internet-facing' | 'internal';
  /** The Auto Scaling groups of the nodes that take the traffic (the system node group's). */
  readonly targetAutoScalingGroupNames: string[];
  /** The security group of those nodes: it admits the load balancer on the two NodePorts. */
  readonly nodeSecurityGroupId: string;
  /** The NodePort of the proxy's HTTP port on every node (see WorkspacesProxy `nodePorts`). */
  readonly httpNodePort: number;
  /** The NodePort of the proxy's SSH port on every node. */
  readonly sshNodePort: number;
  /**
   * The networks that may reach the listeners.
   * @default ['0.0.0.0/0']
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * How long an idle SSH connection stays open, 60 to 6000 seconds (the TLS listener's 350 seconds is
   * fixed by AWS).
   * @default 3600
   */
  readonly sshIdleTimeoutSeconds?: number;
  /**
   * The HTTPS listener's TLS security policy.
   * @default ENTRY_POINT_TLS_POLICY
   */
  readonly tlsPolicy?: string;
  /**
   * Access logs of the HTTPS listener's connections (NLBs log TLS listeners only), into this bucket (same
   * region; its policy must let `delivery.logs.amazonaws.com` write: see LoadBalancerLogBucket).
   * @default none
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix?: string };
}

/**
 * How workspaces are reached, all owned by Terraform so DNS can point at it in the same apply:
 * - an ACM certificate for `<dnsZone>` and `*.<dnsZone>`, validated with Route 53 records and waited for;
 * - a Network Load Balancer: TLS on 443 with that certificate (TLS 1.3 and 1.2, post-quantum key exchange
 *   offered: ENTRY_POINT_TLS_POLICY) in front of the proxy's plain-HTTP NodePort (WebSockets pass through a
 *   TLS listener), and TCP on the SSH port in front of its SSH NodePort; access logs when asked;
 *   instance target groups attached to the nodes' Auto Scaling groups, so new nodes register themselves;
 * - security groups that admit only the listener ports (from `allowedCidrs`) and, on the nodes, only the
 *   load balancer on the NodePorts (instance targets see the client's address, so the node rule names
 *   the load balancer's security group);
 * - alias records for `<dnsZone>`, `*.<dnsZone>` and the SSH host name.
 */
export class WorkspacesEntryPoint extends Construct {
  readonly certificate: AcmCertificate;
  readonly certificateValidation: AcmCertificateValidation;
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly httpsListener: LbListener;
  readonly sshListener: LbListener;
  readonly httpTargetGroup: LbTargetGroup;
  readonly sshTargetGroup: LbTargetGroup;
  readonly records: Route53Record[];
  /** The SSH host name. */
  readonly sshHostName: string;

  constructor(scope: Construct, id: string, props: WorkspacesEntryPointProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(props.name) || props.name.length > LOAD_BALANCER_NAME_MAX) {
      throw new Error(`WorkspacesEntryPoint: ${JSON.stringify(props.name)} is not a load balancer name (at most ${LOAD_BALANCER_NAME_MAX} letters, digits and hyphens)`);
    }
    const sshPort = props.sshPort ?? 22;
    if (sshPort === 443) throw new Error('WorkspacesEntryPoint: sshPort 443 is the HTTPS listener');
    this.sshHostName = props.sshHostName ?? `ssh.${props.dnsZone}`;
    const wildcard = `*.${props.dnsZone}`;

    // Certificate: DNS-validated; the zone apex and the wildcard share one validation record.
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.dnsZone,
      subjectAlternativeNames: [wildcard],
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      tags: { Name: props.dnsZone },
      lifecycle: { createBeforeDestroy: true },
    });
    const validationOptions = TerraformIterator.fromComplexList(this.certificate.domainValidationOptions, 'domain_name');
    const validationRecords = new Route53Record(this, 'certificate-validation-record', {
      forEach: validationOptions,
      zoneId: props.hostedZoneId,
      name: validationOptions.getString('resource_record_name'),
      type: validationOptions.getString('resource_record_type'),
      records: [validationOptions.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    });
    this.certificateValidation = new AcmCertificateValidation(this, 'certificate-validation', {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(validationRecords).pluckProperty('fqdn')),
    });

    // Security groups: the listener ports from the allowed networks; the NodePorts from the load balancer only.
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      namePrefix: `${props.name}-`,
      description: `Load balancer of ${props.dnsZone}: HTTPS and SSH in, the proxy's NodePorts out`,
      vpcId: props.vpcId,
      tags: { Name: props.name },
      lifecycle: { createBeforeDestroy: true },
    });
    const listeners = [{ id: 'https', port: 443 }, { id: 'ssh', port: sshPort }];
    (props.allowedCidrs ?? ['0.0.0.0/0']).forEach((cidr, i) => {
      for (const l of listeners) {
        new VpcSecurityGroupIngressRule(this, `in-${l.id}-${i}`, {
          securityGroupId: this.securityGroup.id, ipProtocol: 'tcp', fromPort: l.port, toPort: l.port, cidrIpv4: cidr,
          description: `${l.id} from ${cidr}`,
        });
      }
    });
    const nodePorts = [{ id: 'http', port: props.httpNodePort }, { id: 'ssh', port: props.sshNodePort }];
    for (const p of nodePorts) {
      new VpcSecurityGroupEgressRule(this, `out-${p.id}`, {
        securityGroupId: this.securityGroup.id, ipProtocol: 'tcp', fromPort: p.port, toPort: p.port,
        referencedSecurityGroupId: props.nodeSecurityGroupId, description: `the proxy's ${p.id} NodePort on the nodes`,
      });
      new VpcSecurityGroupIngressRule(this, `node-in-${p.id}`, {
        securityGroupId: props.nodeSecurityGroupId, ipProtocol: 'tcp', fromPort: p.port, toPort: p.port,
        referencedSecurityGroupId: this.securityGroup.id, description: `the workspaces proxy's ${p.id} NodePort, from its load balancer`,
      });
    }

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: props.name,
      loadBalancerType: 'network',
      internal: (props.scheme ?? 'internet-facing') === 'internal',
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      ipAddressType: 'ipv4',
      // Every zone's load balancer node reaches every system node, whichever zones they are in.
      enableCrossZoneLoadBalancing: true,
      accessLogs: props.accessLogs ? { enabled: true, bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix } : undefined,
      tags: { Name: props.name },
    });

    const targetGroup = (tgId: string, prefix: string, port: number) => new LbTargetGroup(this, tgId, {
      namePrefix: prefix,
      port,
      protocol: 'TCP',
      targetType: 'instance',
      vpcId: props.vpcId,
      // A node leaving (scale-in, replacement) drains for 30 s rather than the default 300.
      deregistrationDelay: '30',
      healthCheck: { protocol: 'TCP', port: 'traffic-port', interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
      lifecycle: { createBeforeDestroy: true },
    });
    this.httpTargetGroup = targetGroup('http-target-group', 'wsweb-', props.httpNodePort);
    this.sshTargetGroup = targetGroup('ssh-target-group', 'wsssh-', props.sshNodePort);
    props.targetAutoScalingGroupNames.forEach((asg, i) => {
      for (const [tgId, tg] of [['http', this.httpTargetGroup], ['ssh', this.sshTargetGroup]] as const) {
        new AutoscalingAttachment(this, `${tgId}-targets-${i}`, { autoscalingGroupName: asg, lbTargetGroupArn: tg.arn });
      }
    });

    this.httpsListener = new LbListener(this, 'https-listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'TLS',
      // The validated certificate: the listener waits until ACM has issued it.
      certificateArn: this.certificateValidation.certificateArn,
      sslPolicy: props.tlsPolicy ?? ENTRY_POINT_TLS_POLICY,
      defaultAction: [{ type: 'forward', targetGroupArn: this.httpTargetGroup.arn }],
    });
    this.sshListener = new LbListener(this, 'ssh-listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: sshPort,
      protocol: 'TCP',
      tcpIdleTimeoutSeconds: props.sshIdleTimeoutSeconds ?? 3600,
      defaultAction: [{ type: 'forward', targetGroupArn: this.sshTargetGroup.arn }],
    });

    const names = [...new Set([props.dnsZone, wildcard, this.sshHostName])];
    this.records = names.map((name, i) => new Route53Record(this, `record-${i}`, {
      zoneId: props.hostedZoneId,
      name,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    }));
  }
}

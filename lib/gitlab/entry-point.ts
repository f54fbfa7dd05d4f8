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
  /**
   * The Auto Scaling groups of the nodes that take the traffic (the system node group's): the entry point
   * creates its target groups and attaches them. Only for node groups in the same stack: an attachment
   * must be replaced in the same apply as the group it names (see WorkspacesTargetGroups). Give either
   * this or `targetGroupArns`.
   */
  readonly targetAutoScalingGroupNames?: string[];
  /**
   * Target groups made elsewhere (WorkspacesTargetGroups, in the stack of the nodes' group): the listeners
   * forward to them. Give either this or `targetAutoScalingGroupNames`.
   */
  readonly targetGroupArns?: { readonly http: string; readonly ssh: string };
  /**
   * How long the apply waits for ACM to issue the certificate (Terraform duration: `30m`, `2h`). The
   * validation needs the zone's name servers to answer for the domain (NS delegation from the parent).
   * @default '75m' (the AWS provider's)
   */
  readonly certificateValidationTimeout?: string;
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
 *   instance target groups attached to the nodes' Auto Scaling groups, so new nodes register themselves
 *   (made here, or with the node group by WorkspacesTargetGroups);
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
  /** The HTTP target group, when the entry point made it (`targetAutoScalingGroupNames`). */
  readonly httpTargetGroup?: LbTargetGroup;
  /** The SSH target group, when the entry point made it. */
  readonly sshTargetGroup?: LbTargetGroup;
  /** The target group the HTTPS listener forwards to. */
  readonly httpTargetGroupArn: string;
  /** The target group the SSH listener forwards to. */
  readonly sshTargetGroupArn: string;
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
      ...(props.certificateValidationTimeout !== undefined && { timeouts: { create: props.certificateValidationTimeout } }),
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

    if ((props.targetAutoScalingGroupNames === undefined) === (props.targetGroupArns === undefined)) {
      throw new Error('WorkspacesEntryPoint: give either targetAutoScalingGroupNames (the entry point makes its target groups) or targetGroupArns (WorkspacesTargetGroups made with the node group)');
    }
    if (props.targetAutoScalingGroupNames) {
      const made = addTargetGroups(this, {
        vpcId: props.vpcId, httpNodePort: props.httpNodePort, sshNodePort: props.sshNodePort, autoScalingGroupNames: props.targetAutoScalingGroupNames,
      });
      this.httpTargetGroup = made.http;
      this.sshTargetGroup = made.ssh;
      this.httpTargetGroupArn = made.http.arn;
      this.sshTargetGroupArn = made.ssh.arn;
    } else {
      this.httpTargetGroupArn = props.targetGroupArns!.http;
      this.sshTargetGroupArn = props.targetGroupArns!.ssh;
    }

    this.httpsListener = new LbListener(this, 'https-listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'TLS',
      // The validated certificate: the listener waits until ACM has issued it.
      certificateArn: this.certificateValidation.certificateArn,
      sslPolicy: props.tlsPolicy ?? ENTRY_POINT_TLS_POLICY,
      defaultAction: [{ type: 'forward', targetGroupArn: this.httpTargetGroupArn }],
    });
    this.sshListener = new LbListener(this, 'ssh-listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: sshPort,
      protocol: 'TCP',
      tcpIdleTimeoutSeconds: props.sshIdleTimeoutSeconds ?? 3600,
      defaultAction: [{ type: 'forward', targetGroupArn: this.sshTargetGroupArn }],
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

export interface WorkspacesTargetGroupsProps {
  /** The VPC of the nodes. */
  readonly vpcId: string;
  /** The NodePort of the proxy's HTTP port on every node (see WorkspacesProxy `nodePorts`). */
  readonly httpNodePort: number;
  /** The NodePort of the proxy's SSH port on every node. */
  readonly sshNodePort: number;
  /** The Auto Scaling groups of the nodes that take the traffic (the system node group's), in this stack. */
  readonly autoScalingGroupNames: string[];
}

/** The target groups and their attachments (see WorkspacesTargetGroups). */
interface TargetGroups {
  readonly http: LbTargetGroup;
  readonly ssh: LbTargetGroup;
  readonly attachments: AutoscalingAttachment[];
}

/**
 * The entry point's instance target groups (the proxy's two NodePorts), attached to Auto Scaling groups.
 * Each attachment is `create_before_destroy`: when the group it names is replaced (a new EKS managed node
 * group: instance type, AMI type, capacity type or subnets changed), Terraform creates the new group, then
 * the new group's attachment, and only then removes the old attachment and the old group, so the load
 * balancer always has registered nodes. (Terraform extends create_before_destroy to the attachment's
 * dependencies, the node group and the target groups, which have it already.)
 */
function addTargetGroups(scope: Construct, props: WorkspacesTargetGroupsProps): TargetGroups {
  const targetGroup = (tgId: string, prefix: string, port: number) => new LbTargetGroup(scope, tgId, {
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
  const http = targetGroup('http-target-group', 'wsweb-', props.httpNodePort);
  const ssh = targetGroup('ssh-target-group', 'wsssh-', props.sshNodePort);
  const attachments: AutoscalingAttachment[] = [];
  props.autoScalingGroupNames.forEach((asg, i) => {
    for (const [tgId, tg] of [['http', http], ['ssh', ssh]] as const) {
      attachments.push(new AutoscalingAttachment(scope, `${tgId}-targets-${i}`, {
        autoscalingGroupName: asg,
        lbTargetGroupArn: tg.arn,
        lifecycle: { createBeforeDestroy: true },
      }));
    }
  });
  return { http, ssh, attachments };
}

/**
 * The workspaces entry point's target groups, made in the stack of the node group that takes the traffic
 * and attached to its Auto Scaling group there: the attachment follows the group's lifecycle in the same
 * apply (a replaced group gets its attachment before the old group goes), where an attachment in another
 * stack, reading the group's name from remote state, would leave the load balancer without targets until
 * that stack is applied again. Pass the ARNs to WorkspacesEntryPoint `targetGroupArns`.
 *
 * Why instance targets on the group and not IP targets (the proxy pods): IP targets need something in the
 * cluster that registers pods as they move (the AWS Load Balancer Controller's TargetGroupBinding), one
 * more controller with IAM rights on the load balancer; the node group's own Auto Scaling group registers
 * every node it starts, with nothing running in the cluster.
 */
export class WorkspacesTargetGroups extends Construct {
  readonly httpTargetGroup: LbTargetGroup;
  readonly sshTargetGroup: LbTargetGroup;
  /** One per Auto Scaling group and target group, each `create_before_destroy`. */
  readonly attachments: AutoscalingAttachment[];

  constructor(scope: Construct, id: string, props: WorkspacesTargetGroupsProps) {
    super(scope, id);
    const made = addTargetGroups(this, props);
    this.httpTargetGroup = made.http;
    this.sshTargetGroup = made.ssh;
    this.attachments = made.attachments;
  }
}

import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';

export interface WorkspacesHostedZoneProps {
  /** The workspace domain (the agent config's `dns_zone`): the name of a created zone. */
  readonly dnsZone: string;
  /**
   * Create a public zone named `dnsZone`. Until the parent domain delegates to its name servers
   * (`nameServers`), nothing can validate a certificate in it.
   * @default false: look an existing zone up
   */
  readonly create?: boolean;
  /**
   * Look up an existing public zone by id; plan fails unless its name is `dnsZone` or a parent domain of
   * it (checked when `dnsZone` is known at synth time).
   * @default look it up by name
   */
  readonly zoneId?: string;
  /**
   * Look up an existing public zone by name: `dnsZone` or a parent domain of it.
   * @default dnsZone
   */
  readonly zoneName?: string;
  /**
   * With `create`: Terraform's `prevent_destroy` on the zone. A new zone gets new name servers, and the
   * parent domain's delegation (and every certificate validation through it) breaks until it is updated.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * The public Route 53 zone that holds the workspace records: an existing one (by name or id), or one
 * created for the workspace domain, whose name servers the parent domain must then delegate to. Apart
 * from the records (WorkspacesEntryPoint) because a created zone should outlive them: its name servers
 * are what the delegation points at.
 */
export class WorkspacesHostedZone extends Construct {
  readonly zoneId: string;
  /** The zone's name as Route 53 has it. */
  readonly zoneName: string;
  /** The name servers the domain must be delegated to. */
  readonly nameServers: string[];
  /** The created zone (with `create`). */
  readonly zone?: Route53Zone;

  constructor(scope: Construct, id: string, props: WorkspacesHostedZoneProps) {
    super(scope, id);
    if (props.create && (props.zoneId !== undefined || props.zoneName !== undefined)) {
      throw new Error('WorkspacesHostedZone: give create, zoneId or zoneName, not several');
    }
    if (props.create) {
      this.zone = new Route53Zone(this, 'zone', {
        name: props.dnsZone,
        comment: `GitLab workspaces: ${props.dnsZone} and *.${props.dnsZone}`,
        lifecycle: { preventDestroy: props.preventDestroy ?? true },
      });
      this.zoneId = this.zone.zoneId;
      this.zoneName = this.zone.name;
      this.nameServers = this.zone.nameServers;
      return;
    }
    const found = new DataAwsRoute53Zone(this, 'zone', props.zoneId !== undefined
      ? { zoneId: props.zoneId, privateZone: false, lifecycle: { postcondition: zoneNameCondition(props.zoneId, props.dnsZone) } }
      : { name: props.zoneName ?? props.dnsZone, privateZone: false });
    this.zoneId = found.zoneId;
    this.zoneName = found.name;
    this.nameServers = found.nameServers;
  }
}

/**
 * A zone looked up by id must be the one of `dnsZone` or of a parent domain: its name, trailing dot and
 * case aside, is one of `dnsZone`'s suffixes. (A zone found by name needs no check: the config check
 * compares the names at synth.)
 */
function zoneNameCondition(zoneId: string, dnsZone: string): Array<{ condition: string; errorMessage: string }> | undefined {
  if (Token.isUnresolved(dnsZone)) return undefined;
  const labels = dnsZone.toLowerCase().replace(/\.$/, '').split('.');
  const suffixes = labels.map((_, i) => labels.slice(i).join('.'));
  return [{
    condition: `\${contains(${JSON.stringify(suffixes)}, lower(trimsuffix(self.name, ".")))}`,
    errorMessage: `The Route 53 zone ${zoneId} is "\${self.name}", neither ${dnsZone} nor a parent domain of it, so the workspace records and the certificate validation cannot go there: give the id of the zone of ${dnsZone} or of a parent domain.`,
  }];
}

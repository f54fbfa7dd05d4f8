import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';

/** The TTL of the delegation's NS record: two days, as Route 53 gives a zone's own NS record. */
export const DELEGATION_TTL_SECONDS = 172800;

/**
 * The parent domain's public Route 53 zone, in the account the stack deploys to, by id or by name: with
 * it, a created zone is delegated by the stack (an NS record in the parent zone) instead of by hand.
 */
export interface ParentZone {
  /** The parent zone's id; plan fails unless its name is a parent domain of `dnsZone`. */
  readonly zoneId?: string;
  /** The parent zone's name: a parent domain of `dnsZone`, such as `example.dev`. */
  readonly zoneName?: string;
}

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
  /**
   * With `create`: delegate the created zone from its parent zone (in Route 53, same account): an NS
   * record named `dnsZone` in the parent zone holding the created zone's name servers. A delegation that
   * already exists there (made by hand) must be imported or removed first: Route 53 refuses a second NS
   * record of the same name.
   * @default none: delegate by hand to `nameServers`
   */
  readonly parentZone?: ParentZone;
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
  /** With `parentZone`: the NS record in the parent zone that delegates the created zone. */
  readonly delegation?: Route53Record;

  constructor(scope: Construct, id: string, props: WorkspacesHostedZoneProps) {
    super(scope, id);
    if (props.create && (props.zoneId !== undefined || props.zoneName !== undefined)) {
      throw new Error('WorkspacesHostedZone: give create, zoneId or zoneName, not several');
    }
    if (props.parentZone !== undefined) {
      if (!props.create) throw new Error('WorkspacesHostedZone: parentZone delegates a created zone: it needs create');
      if ((props.parentZone.zoneId === undefined) === (props.parentZone.zoneName === undefined)) {
        throw new Error('WorkspacesHostedZone: give the parent zone\'s zoneId or its zoneName, one of them');
      }
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
      if (props.parentZone) this.delegation = this.delegate(props.dnsZone, props.parentZone);
      return;
    }
    const found = new DataAwsRoute53Zone(this, 'zone', props.zoneId !== undefined
      ? { zoneId: props.zoneId, privateZone: false, lifecycle: { postcondition: zoneNameCondition(props.zoneId, props.dnsZone) } }
      : { name: props.zoneName ?? props.dnsZone, privateZone: false });
    this.zoneId = found.zoneId;
    this.zoneName = found.name;
    this.nameServers = found.nameServers;
  }

  /** The NS record in the parent zone that points `dnsZone` at the created zone's name servers. */
  private delegate(dnsZone: string, parentZone: ParentZone): Route53Record {
    const parent = new DataAwsRoute53Zone(this, 'parent-zone', parentZone.zoneId !== undefined
      ? { zoneId: parentZone.zoneId, privateZone: false, lifecycle: { postcondition: parentNameCondition(parentZone.zoneId, dnsZone) } }
      : { name: parentZone.zoneName!, privateZone: false });
    return new Route53Record(this, 'delegation', {
      zoneId: parent.zoneId,
      name: dnsZone,
      type: 'NS',
      ttl: DELEGATION_TTL_SECONDS,
      records: this.nameServers,
    });
  }
}

/**
 * The domains a zone may be for: `dnsZone`'s suffixes (trailing dot and case aside), with `dnsZone` itself
 * unless only a proper parent will do.
 */
function domainSuffixes(dnsZone: string, properParentsOnly: boolean): string[] {
  const labels = dnsZone.toLowerCase().replace(/\.$/, '').split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).slice(properParentsOnly ? 1 : 0);
}

/** A plan-time check that the zone `self` (looked up by id) is for one of `domains`. */
function zoneIsOneOf(domains: readonly string[], errorMessage: string): Array<{ condition: string; errorMessage: string }> {
  return [{ condition: `\${contains(${JSON.stringify(domains)}, lower(trimsuffix(self.name, ".")))}`, errorMessage }];
}

/**
 * A parent zone looked up by id must be the zone of a proper parent domain of `dnsZone` (an NS record for
 * `dnsZone` in the zone of `dnsZone` itself delegates nothing).
 */
function parentNameCondition(zoneId: string, dnsZone: string): Array<{ condition: string; errorMessage: string }> | undefined {
  if (Token.isUnresolved(dnsZone)) return undefined;
  const parents = domainSuffixes(dnsZone, true);
  return zoneIsOneOf(parents, `The Route 53 zone ${zoneId} is "\${self.name}", not a parent domain of ${dnsZone}, so it cannot delegate ${dnsZone}: give the id of the zone of ${parents[0] ?? 'its parent domain'} (or another parent domain), in the account the stack deploys to.`);
}

/**
 * A zone looked up by id must be the one of `dnsZone` or of a parent domain. (A zone found by name needs no
 * check: the config check compares the names at synth.)
 */
function zoneNameCondition(zoneId: string, dnsZone: string): Array<{ condition: string; errorMessage: string }> | undefined {
  if (Token.isUnresolved(dnsZone)) return undefined;
  return zoneIsOneOf(domainSuffixes(dnsZone, false), `The Route 53 zone ${zoneId} is "\${self.name}", neither ${dnsZone} nor a parent domain of it, so the workspace records and the certificate validation cannot go there: give the id of the zone of ${dnsZone} or of a parent domain.`);
}

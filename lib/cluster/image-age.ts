/**
 * Plan-time warnings about node images that fell behind: a Terraform `check` block (Terraform 1.5+) per
 * check, whose failed assertions are warnings that never stop a plan or apply
 * (https://developer.hashicorp.com/terraform/language/block/check). cdktf 0.21 has no construct for
 * `check`, so it is written into the stack's JSON with `addOverride`, in Terraform's JSON syntax (a block
 * type maps to an object keyed by its labels; `assert`, a block without labels, to an array of objects:
 * https://developer.hashicorp.com/terraform/language/syntax/json).
 */
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';

/** One assertion of a check block: an HCL expression (without `${}`) and the warning when it is false. */
export interface CheckAssertion {
  readonly condition: string;
  readonly message: string;
}

/**
 * Adds a Terraform `check` block named `name` (letters, digits, `_` and `-`) with its assertions to the
 * stack that holds `scope`.
 */
export function addCheckBlock(scope: Construct, name: string, assertions: readonly CheckAssertion[]): void {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`addCheckBlock: ${JSON.stringify(name)} is not a Terraform block label (letters, digits, _ and -)`);
  if (assertions.length === 0) return;
  TerraformStack.of(scope).addOverride(`check.${name}`, {
    assert: assertions.map((a) => ({ condition: `\${${a.condition}}`, error_message: a.message })),
  });
}

/**
 * The day an EKS-optimized Amazon Linux AMI release was built, as an RFC 3339 timestamp (HCL): its release
 * versions end with the build date (`1.35.0-20261120`). Fails (so `try` falls back) for a release without one.
 */
export function releaseDateExpression(release: string): string {
  return `format("%s-%s-%sT00:00:00Z", regex("-([0-9]{4})([0-9]{2})([0-9]{2})$", ${release})...)`;
}

/**
 * True unless the release `running` (an HCL expression) was built more than `maxAgeDays` days before
 * `recommended`; true as well when either has no date (not an Amazon Linux release) or is unknown yet.
 */
export function imageAgeCondition(running: string, recommended: string, maxAgeDays: number): string {
  if (!Number.isInteger(maxAgeDays) || maxAgeDays < 1) throw new Error(`imageAgeCondition: maxAgeDays must be a whole number of days, at least 1 (got ${maxAgeDays})`);
  return `try(timecmp(timeadd(${releaseDateExpression(running)}, "${maxAgeDays * 24}h"), ${releaseDateExpression(recommended)}) >= 0, true)`;
}

/** The HCL address of an attribute of a resource or data source in the same stack. */
export function attributeAddress(element: EksNodeGroup | DataAwsSsmParameter, attribute: string): string {
  const prefix = element instanceof DataAwsSsmParameter ? 'data.' : '';
  return `${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}.${attribute}`;
}

/** A node group whose image age a check watches. */
export interface WatchedNodeGroup {
  readonly nodeGroup: EksNodeGroup;
  /** The SSM parameter of the release AWS recommends for the group's AMI type and Kubernetes version. */
  readonly recommended: DataAwsSsmParameter;
  /** The warning, given the running and recommended releases as HCL templates (`${...}`). */
  readonly message: (running: string, recommended: string) => string;
}

/**
 * A plan-time warning (a `check` block) for each node group whose AMI release is more than `maxAgeDays`
 * older than the one AWS recommends now.
 */
export function addImageAgeCheck(scope: Construct, name: string, maxAgeDays: number, groups: readonly WatchedNodeGroup[]): void {
  addCheckBlock(scope, name, groups.map((g) => {
    const running = attributeAddress(g.nodeGroup, 'release_version');
    const recommended = attributeAddress(g.recommended, 'insecure_value');
    return { condition: imageAgeCondition(running, recommended, maxAgeDays), message: g.message(`\${${running}}`, `\${${recommended}}`) };
  }));
}

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
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
export { bottlerocketImageIdParameter } from './versions';

/** One assertion of a check block: an HCL expression (without `${}`) and the warning when it is false. */
export interface CheckAssertion {
  readonly condition: string;
  readonly message: string;
}

/**
 * A check block's scoped data source (at most one per block): read at every plan like any data source, but
 * its errors (an AMI deregistered since, a missing permission) are warnings too, and only the block's
 * assertions may reference it. Its label shares the module's namespace of `data.<type>.<label>` addresses.
 */
export interface ScopedDataSource {
  readonly type: string;
  readonly label: string;
  /** Its arguments in Terraform JSON syntax (nested blocks as arrays of objects). */
  readonly config: Record<string, unknown>;
}

const BLOCK_LABEL = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Adds a Terraform `check` block named `name` (letters, digits, `_` and `-`) with its assertions, and
 * optionally one scoped data source, to the stack that holds `scope`.
 */
export function addCheckBlock(scope: Construct, name: string, assertions: readonly CheckAssertion[], data?: ScopedDataSource): void {
  for (const label of [name, ...(data ? [data.type, data.label] : [])]) {
    if (!BLOCK_LABEL.test(label)) throw new Error(`addCheckBlock: ${JSON.stringify(label)} is not a Terraform block label (letters, digits, _ and -)`);
  }
  if (assertions.length === 0) return;
  TerraformStack.of(scope).addOverride(`check.${name}`, {
    ...(data && { data: { [data.type]: { [data.label]: data.config } } }),
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
  return dateAgeCondition(releaseDateExpression(running), releaseDateExpression(recommended), maxAgeDays);
}

/**
 * True unless the RFC 3339 timestamp `running` (an HCL expression) is more than `maxAgeDays` days before
 * `recommended`; true as well when either is not a timestamp (or the lookup behind it failed).
 */
export function dateAgeCondition(running: string, recommended: string, maxAgeDays: number): string {
  if (!Number.isInteger(maxAgeDays) || maxAgeDays < 1) throw new Error(`imageAgeCondition: maxAgeDays must be a whole number of days, at least 1 (got ${maxAgeDays})`);
  return `try(timecmp(timeadd(${running}, "${maxAgeDays * 24}h"), ${recommended}) >= 0, true)`;
}

/** The HCL address of an attribute of a resource or data source in the same stack. */
export function attributeAddress(element: EksNodeGroup | DataAwsSsmParameter | DataAwsAmi, attribute: string): string {
  const prefix = element instanceof DataAwsSsmParameter || element instanceof DataAwsAmi ? 'data.' : '';
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

/**
 * The AMI an SSM parameter of a recommended image names (`.../image_id`, `.../ami-id`), looked up by its id
 * at every plan for its `creation_date`. A plain data source (a failure stops the plan): the image is the
 * one AWS or Canonical publishes now, so it exists whenever the parameter does.
 */
export function recommendedImage(scope: Construct, id: string, imageIdParameter: DataAwsSsmParameter): DataAwsAmi {
  return new DataAwsAmi(scope, id, {
    filter: [{ name: 'image-id', values: [imageIdParameter.insecureValue] }],
    includeDeprecated: true,
  });
}


/** The image a group's nodes run, as the filters of an EC2 DescribeImages call (values are HCL expressions). */
export interface RunningImageLookup {
  /** Filter name (`image-id`, `name`) -> an HCL expression of its one value. */
  readonly filters: Readonly<Record<string, string>>;
  /** An HCL expression of the owner account, when the filters do not name the image by id. */
  readonly owner?: string;
}

/** The AMI of a custom-AMI group (Canonical's Ubuntu): EKS reports its `release_version` as an AMI id. */
export function customAmiLookup(nodeGroup: EksNodeGroup): RunningImageLookup {
  // For a group launched from a template with a custom AMI, EKS's Nodegroup.releaseVersion is that template's
  // AMI id, not an EKS release (EKS API reference, Nodegroup, releaseVersion).
  return { filters: { 'image-id': attributeAddress(nodeGroup, 'release_version') } };
}

/**
 * A Bottlerocket group's AMI from its `release_version` (Bottlerocket's image version, `1.47.0-6154605b`, as in
 * aws-controllers-k8s/community#2644; the stack passes `.../latest/image_version` as the release):
 * its name is the recommended image's name (`bottlerocket-aws-k8s-1.35-x86_64-v<version>`, Bottlerocket's
 * publishing tool names images `bottlerocket-<variant>-<arch>-v<image_version>` and publishes
 * `<variant>/<arch>/<image_version>/image_id`: bottlerocket-os/bottlerocket tools/pubsys/policies/ssm) with the running group's
 * Kubernetes minor and version in place of the recommended one's; its owner the recommended image's owner.
 */
export function bottlerocketLookup(nodeGroup: EksNodeGroup, recommended: DataAwsAmi, recommendedVersion: DataAwsSsmParameter, kubernetesVersion: string): RunningImageLookup {
  const name = `replace(replace(${attributeAddress(recommended, 'name')}, format("-v%s", ${attributeAddress(recommendedVersion, 'insecure_value')}), format("-v%s", ${attributeAddress(nodeGroup, 'release_version')})), "aws-k8s-${kubernetesVersion}-", format("aws-k8s-%s-", ${attributeAddress(nodeGroup, 'version')}))`;
  return { filters: { name }, owner: attributeAddress(recommended, 'owner_id') };
}

/** A node group whose image age a check compares by the AMIs' creation dates. */
export interface WatchedImage {
  readonly nodeGroup: EksNodeGroup;
  readonly running: RunningImageLookup;
  readonly recommended: DataAwsAmi;
  /**
   * The warning, given HCL templates (`${...}`) of the running image's name and creation date and the
   * recommended image's.
   */
  readonly message: (running: { name: string; created: string }, recommended: { name: string; created: string }) => string;
}

/**
 * A plan-time warning (a `check` block named `name`, with a scoped `aws_ami` data source of the same label)
 * when the AMI the group's nodes run was created more than `maxAgeDays` before the recommended one. For
 * images whose release names no date (Bottlerocket, custom AMIs such as Canonical's Ubuntu): the running
 * AMI is found from what EKS reports for the group (`release_version`, read from AWS at refresh), so a
 * group that ignores its launch template is judged by what its nodes were built from. A lookup that fails
 * (the AMI deregistered since) is a warning as well, and the assertion then passes.
 */
export function addAmiAgeCheck(scope: Construct, name: string, maxAgeDays: number, watched: WatchedImage): void {
  const running = `data.aws_ami.${name}`;
  const recommended = attributeAddress(watched.recommended, 'creation_date');
  addCheckBlock(scope, name, [{
    condition: dateAgeCondition(`${running}.creation_date`, recommended, maxAgeDays),
    message: watched.message(
      { name: `\${${running}.name} (\${${running}.id})`, created: `\${${running}.creation_date}` },
      { name: `\${${attributeAddress(watched.recommended, 'name')}} (\${${attributeAddress(watched.recommended, 'id')}})`, created: `\${${recommended}}` },
    ),
  }], {
    type: 'aws_ami',
    label: name,
    config: {
      filter: Object.entries(watched.running.filters).map(([filter, value]) => ({ name: filter, values: [`\${${value}}`] })),
      include_deprecated: true,
      ...(watched.running.owner !== undefined && { owners: [`\${${watched.running.owner}}`] }),
    },
  });
}

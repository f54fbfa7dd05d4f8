/**
 * The `terraform` block settings every stack of the ready app carries, so Terraform and OpenTofu resolve
 * the same thing:
 * - `required_version >= 1.10`: the S3 backend's native lock file (`use_lockfile`) needs Terraform 1.10
 *   (OpenTofu 1.10 too), and the stacks use `terraform_data` (1.4) and conditions (1.2); an older binary
 *   stops at init with a clear message instead of mis-planning.
 * - fully qualified provider sources (`hashicorp/aws`, not `aws`): cdktf's prebuilt providers write the
 *   bare type name for some providers, which Terraform expands to `registry.terraform.io/hashicorp/<name>`
 *   and OpenTofu to `registry.opentofu.org/hashicorp/<name>`; naming the namespace makes the provider the
 *   same one on both, in the lock file and in a provider mirror.
 */
import { IAspect, TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/** The Terraform (or OpenTofu) versions the stacks accept. */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10';

/**
 * The full source of each provider the stacks (or the library's constructs) use, by local name. A bare
 * source not listed here is qualified as Terraform itself reads it: `hashicorp/<name>`.
 */
export const PROVIDER_SOURCES: Readonly<Record<string, string>> = {
  aws: 'hashicorp/aws',
  kubernetes: 'hashicorp/kubernetes',
  helm: 'hashicorp/helm',
  random: 'hashicorp/random',
  tls: 'hashicorp/tls',
  gitlab: 'gitlabhq/gitlab',
};

/**
 * The fully qualified source of a provider (`namespace/type`, or with a registry host) from cdktf's: kept
 * when it has a namespace; else from PROVIDER_SOURCES, or `hashicorp/<type>`, which is what Terraform and
 * OpenTofu assume for a bare type (each in its own registry), so the provider resolved does not change.
 */
export function qualifiedProviderSource(localName: string, source: string | undefined): string {
  if (source && source.includes('/')) return source;
  const type = source ?? localName;
  return PROVIDER_SOURCES[type] ?? `hashicorp/${type}`;
}

/**
 * Sets `required_version` and qualifies every provider source of a stack. Called from the stacks'
 * `prepareStack` (at synth, once every construct, including a caller's own, is in the stack).
 */
export function applyTerraformSettings(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
  const providers = stack.node.findAll().filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c));
  for (const provider of providers) {
    // The key cdktf gives the provider in required_providers.
    const localName = provider.terraformResourceType;
    if (provider.terraformProviderSource?.includes('/')) continue;
    stack.addOverride(`terraform.required_providers.${localName}.source`, qualifiedProviderSource(localName, provider.terraformProviderSource));
  }
}

/**
 * The same settings for a stack of your own (the ready stacks apply them themselves):
 * `Aspects.of(stack).add(new TerraformSettings())`. Applied at synth, once every provider is in the stack.
 */
export class TerraformSettings implements IAspect {
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) applyTerraformSettings(node);
  }
}

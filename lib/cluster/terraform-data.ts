/**
 * Terraform's built-in `terraform_data` resource, without the check cdktf's own `DataResource` adds: that
 * one registers a validation which runs `terraform version` during `app.synth()`, so synth fails on a
 * machine with no Terraform binary (a CI job that only synthesizes and snapshot-tests, a laptop with only
 * Node.js). Terraform itself enforces the version when it plans: `terraform_data` needs 1.4 or later, and
 * the stacks need more than that anyway (S3's native lock file, 1.10).
 */
import { anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformMetaArguments, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

export interface TerraformDataConfig extends TerraformMetaArguments {
  /** A value kept in state and reflected in `output` after apply (read by provisioners as `self.input`). */
  readonly input?: Record<string, unknown>;
  /** Values whose change replaces the resource. */
  readonly triggersReplace?: Record<string, unknown>;
}

export class TerraformData extends TerraformResource {
  static readonly tfResourceType = 'terraform_data';
  private readonly inputValue?: Record<string, unknown>;
  private readonly triggersReplaceValue?: Record<string, unknown>;

  constructor(scope: Construct, id: string, config: TerraformDataConfig = {}) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      terraformGeneratorMetadata: { providerName: 'terraform' },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.inputValue = config.input;
    this.triggersReplaceValue = config.triggersReplace;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapper(anyToTerraform)(this.inputValue),
      triggers_replace: hashMapper(anyToTerraform)(this.triggersReplaceValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this.inputValue),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggersReplaceValue),
    };
  }
}

/**
 * Where each stack keeps its Terraform state, from the config's `state` section: a local file next to
 * cdktf.json (the default), or one object per stack in an S3 bucket. Cross-stack references read the
 * other stack's state through the same backend (cdktf generates the `terraform_remote_state`).
 */
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { StateConfig } from './config/types';

/** The state object key of a stack in the bucket. */
export function stateKey(state: StateConfig, stackId: string): string {
  return `${state.keyPrefix.replace(/\/+$/, '')}/${stackId}.tfstate`;
}

/** The local state file of a stack, relative to the stack's working directory `cdktf.out/stacks/<id>/`. */
export function localStatePath(stackId: string): string {
  // Terraform runs in cdktf.out/stacks/<stack>/: this is the repository root, whatever the checkout path.
  return `../../../terraform.${stackId}.tfstate`;
}

export function configureStateBackend(stack: TerraformStack, stackId: string, state: StateConfig, awsRegion: string): void {
  if (state.backend === 'local') {
    new LocalBackend(stack, { path: localStatePath(stackId) });
    return;
  }
  new S3Backend(stack, {
    bucket: state.bucket as string, // required by the schema for backend s3
    key: stateKey(state, stackId),
    region: state.region ?? awsRegion,
    encrypt: true,
    kmsKeyId: state.kmsKeyId,
  });
  // S3's native lock file (Terraform 1.10+), which cdktf 0.21's S3Backend does not know yet.
  if (state.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}

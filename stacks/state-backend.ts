/**
 * Where each stack keeps its Terraform state. By default from the config's `state` section: a local file
 * next to cdktf.json, or one object per stack in an S3 bucket. A caller that adds the stacks to its own app
 * may pass a `StackBackendFactory` instead (buildApp's `backend` option), which wins over `state`.
 * Cross-stack references read the other stack's state through whatever backend that stack has (cdktf
 * generates the `terraform_remote_state` from it), so the platform stack follows either choice.
 *
 * The platform stack's state holds the GitLab side's secrets. When the config's state section puts it in a
 * local file, the stack says so at synth (a warning annotation: the cdktf CLI prints it, and so does the
 * ready app run directly); synth goes on, since CI synthesizes for snapshot tests. A caller's own backend
 * does not use the state section, and gets no such warning.
 */
import { LocalBackend, S3Backend, TerraformBackend, TerraformStack } from 'cdktf';
import { StateConfig, WorkspacesConfig } from './config/types';

/**
 * Makes a stack's backend: called once per stack with the stack (the backend's scope: create it there)
 * and the stack's id (a good state key: `${stackId}.tfstate`).
 */
export type StackBackendFactory = (stack: TerraformStack, stackId: string) => TerraformBackend;

/** The state object key of a stack in the bucket. */
export function stateKey(state: StateConfig, stackId: string): string {
  return `${state.keyPrefix.replace(/\/+$/, '')}/${stackId}.tfstate`;
}

/** The local state file of a stack, relative to the stack's working directory `cdktf.out/stacks/<id>/`. */
export function localStatePath(stackId: string): string {
  // Terraform runs in cdktf.out/stacks/<stack>/: this is the repository root, whatever the checkout path.
  return `../../../terraform.${stackId}.tfstate`;
}

/** The backend the config's `state` section describes. */
export function configStateBackend(state: StateConfig, awsRegion: string): StackBackendFactory {
  return (stack, stackId) => {
    if (state.backend === 'local') return new LocalBackend(stack, { path: localStatePath(stackId) });
    const backend = new S3Backend(stack, {
      bucket: state.bucket as string, // required by the schema for backend s3
      key: stateKey(state, stackId),
      region: state.region ?? awsRegion,
      encrypt: true,
      kmsKeyId: state.kmsKeyId,
    });
    // S3's native lock file (Terraform 1.10+), which cdktf 0.21's S3Backend does not know yet.
    if (state.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
    return backend;
  };
}

/**
 * Gives a stack its backend: the caller's factory when there is one, else the config's `state`. A factory
 * must create the backend in the stack it is given (a backend elsewhere would leave this stack on local
 * state while cross-stack reads looked in the wrong place): anything else is a programming error, thrown.
 */
export function configureStateBackend(stack: TerraformStack, stackId: string, factory: StackBackendFactory): TerraformBackend {
  const backend = factory(stack, stackId);
  if (!TerraformBackend.isBackend(backend)) {
    throw new TypeError(`the backend factory returned ${backend === undefined ? 'undefined' : typeof backend} for stack ${stackId}; it must return a cdktf TerraformBackend (S3Backend, LocalBackend, ...) created in the stack it is given`);
  }
  if (backend.node.scope !== stack) {
    throw new TypeError(`the backend factory created the backend of stack ${stackId} in ${backend.node.scope?.node.path || 'the app'}; create it in the stack it is given: (stack, id) => new S3Backend(stack, {...})`);
  }
  return backend;
}

/**
 * The secrets the platform stack's Terraform state holds for a config (in resource attributes: the
 * Kubernetes Secrets' data, the Helm values, the generated keys, the tokens GitLab returns).
 */
export function platformStateSecrets(config: WorkspacesConfig): string[] {
  const gitlab = config.gitlab;
  if (!gitlab) return [];
  const proxy = gitlab.proxy === 'enabled';
  return [
    'the GitLab agent\'s token',
    ...(proxy ? ['the proxy\'s OAuth client secret', 'its cookie signing key', 'its SSH host key'] : []),
    ...(gitlab.imagePullSecret ? ['the registry credentials (imagePullSecret)'] : []),
  ];
}

/**
 * The warning for a platform stack whose state the config keeps in a local file while it holds secrets,
 * or undefined (S3 state, or no `gitlab` section).
 */
export function localStateWarning(config: WorkspacesConfig, stackId: string): string | undefined {
  const secrets = platformStateSecrets(config);
  if (config.state.backend !== 'local' || secrets.length === 0) return undefined;
  const list = secrets.length === 1 ? secrets[0] : `${secrets.slice(0, -1).join(', ')} and ${secrets[secrets.length - 1]}`;
  return `state.backend: local state keeps stack ${stackId} in terraform.${stackId}.tfstate in the repository root, and it holds ${list} in plaintext: `
    + 'whoever reads that file, a backup of it or a CI artifact that contains it has them. '
    + 'Keep the state in S3 under a customer-managed KMS key (state.backend: s3, state.bucket, state.kmsKeyId; docs/deploy.md#state); '
    + 'local state is fine for a synth or a throwaway cluster';
}

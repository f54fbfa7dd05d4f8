import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { baselineNamespace } from './namespace';

export interface RegistryPullSecretProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The Secret's name (listed in the agent config's `image_pull_secrets`). */
  readonly name: string;
  /** The Secret's namespace (listed with it). */
  readonly namespace: string;
  /**
   * Create the namespace too (enforcing the baseline Pod Security Standard); false when another construct
   * creates it (the agent's, the proxy's, the workspaces' shared namespace): pass that in `dependsOn`.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The `.dockerconfigjson` content (`{"auths": {"<registry>": {"auth": "<base64 user:token>"}}}`): a
   * sensitive Terraform variable, never a literal.
   */
  readonly dockerConfigJson: string;
  /** Resources the Secret waits for (the namespace, when another construct creates it). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A `kubernetes.io/dockerconfigjson` Secret for workspace images from a private registry other than the
 * account's ECR (ECR images pull with the node role). GitLab lists it on every workspace's service
 * account when the agent config's `image_pull_secrets` names it.
 */
export class RegistryPullSecret extends Construct {
  readonly secret: SecretV1;
  readonly namespace?: NamespaceV1;

  constructor(scope: Construct, id: string, props: RegistryPullSecretProps) {
    super(scope, id);
    const provider = props.kubernetesProvider;
    if (props.createNamespace ?? true) {
      this.namespace = baselineNamespace(this, 'namespace', provider, props.namespace);
    }
    this.secret = new SecretV1(this, 'secret', {
      provider,
      metadata: { name: props.name, namespace: props.namespace },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': props.dockerConfigJson },
      dependsOn: [...(this.namespace ? [this.namespace] : []), ...(props.dependsOn ?? [])],
    });
  }
}

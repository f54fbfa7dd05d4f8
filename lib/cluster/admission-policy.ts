import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { AdmissionPolicyDefinition, validatingAdmissionPolicyBindingObject, validatingAdmissionPolicyObject } from '../common/admission-policy';

export interface AdmissionPolicyProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The policy: `agentAdmissionPolicy(...)` or `workspacePodPolicy(...)` (admission-policies.ts), or your own. */
  readonly definition: AdmissionPolicyDefinition;
  /** Resources the policy waits for. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA since Kubernetes 1.30) and the binding
 * that enforces it (`validationActions: [Deny]`) in every namespace, as two `kubernetes_manifest`s (the
 * kubernetes provider 2.38 has no typed resource for them): the CEL is exactly the definition's, which the
 * tests evaluate. Plans against the cluster's API, like the rest of the platform stack.
 */
export class AdmissionPolicy extends Construct {
  readonly policy: Manifest;
  readonly binding: Manifest;
  readonly name: string;

  constructor(scope: Construct, id: string, props: AdmissionPolicyProps) {
    super(scope, id);
    this.name = props.definition.name;
    this.policy = new Manifest(this, 'policy', {
      provider: props.kubernetesProvider,
      manifest: validatingAdmissionPolicyObject(props.definition),
      dependsOn: props.dependsOn,
    });
    this.binding = new Manifest(this, 'binding', {
      provider: props.kubernetesProvider,
      manifest: validatingAdmissionPolicyBindingObject(props.definition),
      dependsOn: [this.policy],
    });
  }

  /** What must wait for the policy to be in force: the policy and its binding. */
  get dependables(): ITerraformDependable[] {
    return [this.policy, this.binding];
  }
}

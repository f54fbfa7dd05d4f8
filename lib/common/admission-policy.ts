/**
 * ValidatingAdmissionPolicies as data (pure: no cdktf): the shape every policy of the project is written in
 * (the GitLab agent's writes and workspace pods, lib/gitlab/admission-policies.ts; the node guard,
 * lib/cluster/node-guard.ts; the Sysbox installer's scope, lib/runtimes/sysbox-installer.ts), the two
 * Kubernetes objects each becomes, and helpers for the CEL they hold. The tests evaluate exactly these
 * expressions with a CEL evaluator; lib/cluster/admission-policy.ts applies them.
 * ValidatingAdmissionPolicy is GA since Kubernetes 1.30 (admissionregistration.k8s.io/v1).
 */

/** One `spec.validations` entry. */
export interface AdmissionValidation {
  readonly expression: string;
  readonly message: string;
  readonly reason: 'Forbidden' | 'Invalid';
}

/** One `spec.variables` entry (evaluated in order; later ones may read earlier ones as `variables.<name>`). */
export interface AdmissionVariable {
  readonly name: string;
  readonly expression: string;
}

/** One `spec.matchConditions` entry: the policy applies only to requests for which every condition is true. */
export interface AdmissionMatchCondition {
  readonly name: string;
  readonly expression: string;
}

export interface AdmissionResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly operations: ReadonlyArray<'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'>;
}

/** A ValidatingAdmissionPolicy and its binding, as data. */
export interface AdmissionPolicyDefinition {
  /** The policy's (and its binding's) name. */
  readonly name: string;
  readonly resourceRules: readonly AdmissionResourceRule[];
  /** Requests the policy applies to, of those its resource rules match. @default all of them */
  readonly matchConditions?: readonly AdmissionMatchCondition[];
  /** @default none */
  readonly variables?: readonly AdmissionVariable[];
  readonly validations: readonly AdmissionValidation[];
}

/** A CEL string literal (JSON's escaping is valid CEL for the names used here). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** The ValidatingAdmissionPolicy object of a definition (failurePolicy Fail: an error refuses). */
export function validatingAdmissionPolicyObject(def: AdmissionPolicyDefinition): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: def.name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: def.resourceRules.map((r) => ({
          apiGroups: [...r.apiGroups], apiVersions: [...r.apiVersions], resources: [...r.resources], operations: [...r.operations],
        })),
      },
      ...(def.matchConditions?.length ? { matchConditions: def.matchConditions.map((c) => ({ ...c })) } : {}),
      ...(def.variables?.length ? { variables: def.variables.map((v) => ({ ...v })) } : {}),
      validations: def.validations.map((v) => ({ ...v })),
    },
  };
}

/** The binding that enforces a policy in every namespace (`validationActions: [Deny]`). */
export function validatingAdmissionPolicyBindingObject(def: AdmissionPolicyDefinition): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: def.name },
    spec: { policyName: def.name, validationActions: ['Deny'] },
  };
}

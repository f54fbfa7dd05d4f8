/**
 * Evaluates a ValidatingAdmissionPolicy definition (lib/gitlab/admission-policies.ts) as the API server
 * does, with @bufbuild/cel (a CEL evaluator checked against the cel-spec conformance suite): the match
 * conditions decide whether the policy applies; then the variables, in order, bound as `variables`; then
 * each validation. An expression that errors (a field read without `has()`, a type mismatch) counts as a
 * refusal, as failurePolicy Fail makes it in the cluster, and is reported as an error so tests can tell.
 *
 * JSON values become CEL values as Kubernetes types them: objects are maps, integers are `int`, other
 * numbers `double`.
 */
import { isCelError, run } from '@bufbuild/cel';
import type { AdmissionPolicyDefinition } from '../../lib/gitlab/admission-policies';

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** Namespace of the object ('' for cluster-scoped objects). */
  readonly namespace: string;
  readonly group: string;
  readonly resource: string;
  readonly subResource?: string;
  readonly username: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
}

export interface AdmissionVerdict {
  /** Whether the match conditions selected the request. */
  readonly applies: boolean;
  /** Messages of the validations that refused the request (or errored). */
  readonly refusals: string[];
  /** Expressions that errored, with the error. */
  readonly errors: string[];
}

/** A JSON value as the CEL value Kubernetes would bind. */
export function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

export function evaluateAdmission(def: AdmissionPolicyDefinition, req: AdmissionRequest): AdmissionVerdict {
  const bindings: Record<string, unknown> = {
    object: toCel(req.object ?? null),
    oldObject: toCel(req.oldObject ?? null),
    request: toCel({
      operation: req.operation,
      namespace: req.namespace,
      name: (req.object as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? (req.oldObject as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? '',
      resource: { group: req.group, version: 'v1', resource: req.resource },
      subResource: req.subResource ?? '',
      userInfo: { username: req.username, groups: [] },
    }),
  };
  const errors: string[] = [];
  const evaluate = (expression: string): unknown => {
    const result = run(expression, bindings as never);
    if (isCelError(result)) {
      errors.push(`${expression}: ${result.message}`);
      return undefined;
    }
    return result;
  };
  for (const condition of def.matchConditions ?? []) {
    const matched = evaluate(condition.expression);
    if (matched === false) return { applies: false, refusals: [], errors };
    if (matched !== true) return { applies: true, refusals: [`match condition ${condition.name} failed`], errors };
  }
  const variables = new Map<string, unknown>();
  bindings.variables = variables;
  for (const v of def.variables ?? []) {
    const value = evaluate(v.expression);
    variables.set(v.name, value === undefined ? null : value);
  }
  const refusals = def.validations.filter((v) => evaluate(v.expression) !== true).map((v) => v.message);
  return { applies: true, refusals, errors };
}

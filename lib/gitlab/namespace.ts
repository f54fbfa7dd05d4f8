import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';

/**
 * The label the GitLab side's namespaces carry: Pod Security admission refuses pods that are privileged,
 * share the node's namespaces or mount its paths (the baseline standard). The agent, the proxy and
 * GitLab's workspace pods need none of that; sudo runtimes give root inside a sandbox, not on the node.
 */
export const BASELINE_POD_SECURITY_LABELS: Readonly<Record<string, string>> = { 'pod-security.kubernetes.io/enforce': 'baseline' };

/** A namespace of the GitLab side, enforcing the baseline Pod Security Standard. */
export function baselineNamespace(scope: Construct, id: string, provider: TerraformProvider, name: string, dependsOn?: ITerraformDependable[]): NamespaceV1 {
  return new NamespaceV1(scope, id, { provider, metadata: { name, labels: { ...BASELINE_POD_SECURITY_LABELS } }, dependsOn });
}

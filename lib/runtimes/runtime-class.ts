import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { RuntimeClassSpec } from './types';

/**
 * The RuntimeClass object for a spec (pure): `scheduling` puts pods on the runtime's nodes and tolerates
 * their taints, so workspace pods, which GitLab generates with no node selector or toleration, need no
 * change; `overhead` reserves the sandbox's own resources on the node.
 */
export function runtimeClassObject(spec: RuntimeClassSpec): Record<string, unknown> {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: spec.name },
    handler: spec.handler,
    ...(spec.overhead && { overhead: { podFixed: { cpu: spec.overhead.cpu, memory: spec.overhead.memory } } }),
    scheduling: {
      nodeSelector: { ...spec.nodeSelector },
      tolerations: spec.tolerations.map((t) => ({ ...t })),
    },
  };
}

export interface WorkspaceRuntimeClassProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The class: name, handler, scheduling, overhead. */
  readonly spec: RuntimeClassSpec;
  /** Resources to wait for (the runtime's installer). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A RuntimeClass with scheduling and overhead, as a `kubernetes_manifest` (the provider's
 * `kubernetes_runtime_class_v1` has neither). Plans against the cluster's API, like the rest of the
 * platform stack.
 */
export class WorkspaceRuntimeClass extends Construct {
  readonly manifest: Manifest;
  readonly name: string;

  constructor(scope: Construct, id: string, props: WorkspaceRuntimeClassProps) {
    super(scope, id);
    this.name = props.spec.name;
    this.manifest = new Manifest(this, 'runtime-class', {
      provider: props.kubernetesProvider,
      manifest: runtimeClassObject(props.spec),
      dependsOn: props.dependsOn,
    });
  }
}

/**
 * The Kubernetes object shapes the workspace renderer emits: only the fields GitLab sets, typed, so a
 * typo in a field name is a compile error. Plain data (JSON-compatible), no behaviour, no dependency on
 * a Kubernetes client library. Field names and nesting follow the Kubernetes API (core/v1, apps/v1,
 * networking.k8s.io/v1).
 */

export type StringMap = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: StringMap;
  readonly annotations: StringMap;
}

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface EnvFromSource {
  readonly secretRef: { readonly name: string };
}

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP';
}

export interface ResourceRequirements {
  readonly limits?: StringMap;
  readonly requests?: StringMap;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
}

export interface SecurityContext {
  readonly allowPrivilegeEscalation: boolean;
  readonly privileged: boolean;
  readonly runAsNonRoot: boolean;
  readonly runAsUser: number;
}

export interface Lifecycle {
  readonly postStart: { readonly exec: { readonly command: readonly string[] } };
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** Absent when empty, as Go's omitempty prints it. */
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly ports?: readonly ContainerPort[];
  readonly resources: ResourceRequirements;
  readonly volumeMounts: readonly VolumeMount[];
  readonly lifecycle?: Lifecycle;
  readonly imagePullPolicy: 'Always';
  readonly securityContext?: SecurityContext;
}

/** One ConfigMap key projected at a path of a volume. */
export interface KeyToPath {
  readonly key: string;
  readonly path: string;
}

export type Volume =
  | { readonly name: string; readonly persistentVolumeClaim: { readonly claimName: string } }
  | { readonly name: string; readonly emptyDir: Readonly<Record<string, never>> }
  | {
      readonly name: string;
      readonly projected: {
        readonly defaultMode: number;
        readonly sources: ReadonlyArray<
          | { readonly secret: { readonly name: string } }
          | { readonly configMap: { readonly name: string; readonly items?: readonly KeyToPath[] } }
        >;
      };
    };

export interface PodSecurityContext {
  readonly runAsNonRoot: boolean;
  readonly runAsUser: number;
  readonly fsGroup: number;
  readonly fsGroupChangePolicy: 'OnRootMismatch';
}

export interface PodSpec {
  readonly initContainers: readonly Container[];
  readonly containers: readonly Container[];
  readonly volumes: readonly Volume[];
  readonly securityContext?: PodSecurityContext;
  readonly serviceAccountName?: string;
  readonly runtimeClassName?: string;
  readonly hostUsers?: boolean;
}

export interface Deployment {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: StringMap };
    readonly strategy: { readonly type: 'Recreate' };
    readonly template: { readonly metadata: ObjectMeta; readonly spec: PodSpec };
  };
}

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
}

export interface Service {
  readonly apiVersion: 'v1';
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
  /** No `type`: GitLab writes none, so Kubernetes' default (ClusterIP) applies. */
  readonly spec: { readonly ports: readonly ServicePort[]; readonly selector: StringMap };
}

export interface PersistentVolumeClaim {
  readonly apiVersion: 'v1';
  readonly kind: 'PersistentVolumeClaim';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly accessModes: readonly ['ReadWriteOnce'];
    readonly resources: { readonly requests: { readonly storage: string } };
  };
}

export interface ServiceAccount {
  readonly apiVersion: 'v1';
  readonly kind: 'ServiceAccount';
  readonly metadata: ObjectMeta;
  readonly automountServiceAccountToken: false;
  readonly imagePullSecrets: ReadonlyArray<{ readonly name: string }>;
}

export interface LabelSelector {
  readonly matchLabels?: StringMap;
}

export interface NetworkPolicyPeer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicy {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'NetworkPolicy';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly podSelector: LabelSelector;
    /** `['Egress']` when the proxy serves neither HTTP nor SSH (GitLab 18.4+): then no ingress at all. */
    readonly policyTypes: readonly ['Ingress', 'Egress'] | readonly ['Egress'];
    readonly ingress: ReadonlyArray<{ readonly from: readonly NetworkPolicyPeer[] }>;
    readonly egress: ReadonlyArray<{
      readonly ports?: ReadonlyArray<{ readonly port: number; readonly protocol: 'TCP' | 'UDP' }>;
      readonly to: readonly NetworkPolicyPeer[];
    }>;
  };
}

export interface ConfigMap {
  readonly apiVersion: 'v1';
  readonly kind: 'ConfigMap';
  readonly metadata: ObjectMeta;
  /** Absent on inventory ConfigMaps, as GitLab emits them. */
  readonly data?: StringMap;
}

export interface ResourceQuota {
  readonly apiVersion: 'v1';
  readonly kind: 'ResourceQuota';
  readonly metadata: ObjectMeta;
  readonly spec: { readonly hard: StringMap };
}

export interface Secret {
  readonly apiVersion: 'v1';
  readonly kind: 'Secret';
  readonly metadata: ObjectMeta;
  /** Values are base64 (standard alphabet, padded). */
  readonly data: StringMap;
}

/** Every object the renderer can emit. */
export type KubernetesObject =
  | ConfigMap
  | Deployment
  | Service
  | PersistentVolumeClaim
  | ServiceAccount
  | NetworkPolicy
  | ResourceQuota
  | Secret;

export type KubernetesKind = KubernetesObject['kind'];

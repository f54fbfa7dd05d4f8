import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { Toleration } from '../cluster/cluster-autoscaler';
import type { NodeTaint } from '../cluster/managed-node-group';
import { AdmissionPolicyDefinition, validatingAdmissionPolicyBindingObject, validatingAdmissionPolicyObject } from '../common/admission-policy';
import { AdmissionPolicy } from '../cluster/admission-policy';
import { labelsKept, taintsKept } from '../cluster/node-guard';
import { tolerationOf } from '../cluster/scheduling';
import { SYSBOX_DEFAULT_CONTAINER_RUNTIME, SYSBOX_DEPLOY_IMAGE, SYSBOX_INSTALL_LABEL, SYSBOX_INSTALLING_TAINT, SYSBOX_RUNTIME_CLASS, SysboxContainerRuntime } from './sysbox';

export interface SysboxInstallerProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /**
   * The sysbox-deploy-k8s image, pinned.
   * @default SYSBOX_DEPLOY_IMAGE (v0.7.0)
   */
  readonly image?: string;
  /**
   * containerd: Sysbox joins the node's containerd (2.x) and pods run in Kubernetes user namespaces.
   * cri-o: the installer installs CRI-O and moves the kubelet to it (`SYSBOX_USE_CRIO=true`).
   * @default 'cri-o' (SYSBOX_DEFAULT_CONTAINER_RUNTIME)
   */
  readonly containerRuntime?: SysboxContainerRuntime;
  /**
   * Node labels the DaemonSet selects (nodes must run Ubuntu).
   * @default SYSBOX_INSTALL_LABEL (`sysbox-install: "yes"`)
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations besides the installer's own `sysbox-runtime=not-running:NoSchedule`: the taints of the
   * nodes it installs on.
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /** Extra flags of sysbox-mgr (`SYSBOX_MGR_CONFIG`). @default none */
  readonly sysboxMgrFlags?: string;
  /** Extra flags of sysbox-fs (`SYSBOX_FS_CONFIG`). @default none */
  readonly sysboxFsFlags?: string;
  /**
   * The startup taints the nodes register with (the installer's own, `sysbox-runtime=not-running`), which
   * sysbox-deploy-k8s.sh removes when it finishes. Named in a pod template annotation, so introducing them
   * restarts the installer pods, which then remove the taint EKS adds to running nodes when a node group's
   * taints change (UpdateNodegroupConfig applies taints to the group's existing nodes).
   * @default none
   */
  readonly startupTaints?: readonly NodeTaint[];
}

/** Host paths the installer writes Sysbox, its systemd units, sysctls and CRI-O to (Nestybox's manifest). */
const HOST_MOUNTS: ReadonlyArray<readonly [name: string, hostPath: string, mountPath: string]> = [
  ['host-etc', '/etc', '/mnt/host/etc'],
  ['host-osrelease', '/etc/os-release', '/mnt/host/os-release'],
  ['host-dbus', '/var/run/dbus', '/var/run/dbus'],
  ['host-run-systemd', '/run/systemd', '/run/systemd'],
  ['host-lib-systemd', '/lib/systemd/system', '/mnt/host/lib/systemd/system'],
  ['host-etc-systemd', '/etc/systemd/system', '/mnt/host/etc/systemd/system'],
  ['host-lib-sysctl', '/lib/sysctl.d', '/mnt/host/lib/sysctl.d'],
  ['host-opt-lib-sysctl', '/opt/lib/sysctl.d', '/mnt/host/opt/lib/sysctl.d'],
  ['host-usr-bin', '/usr/bin/', '/mnt/host/usr/bin'],
  ['host-opt-bin', '/opt/bin/', '/mnt/host/opt/bin'],
  ['host-usr-local-bin', '/usr/local/bin/', '/mnt/host/usr/local/bin'],
  ['host-opt-local-bin', '/opt/local/bin/', '/mnt/host/opt/local/bin'],
  ['host-usr-lib-mod-load', '/usr/lib/modules-load.d', '/mnt/host/usr/lib/modules-load.d'],
  ['host-opt-lib-mod-load', '/opt/lib/modules-load.d', '/mnt/host/opt/lib/modules-load.d'],
  ['host-run', '/run', '/mnt/host/run'],
  ['host-var-lib', '/var/lib', '/mnt/host/var/lib'],
];

const NAMESPACE = 'kube-system';
/** The installer pod template's annotation naming the startup taints it removes (see SysboxInstallerProps.startupTaints). */
export const STARTUP_TAINTS_ANNOTATION = 'gitlab-workspaces/startup-taints';
/** The installer's service account (Nestybox's name). */
export const SYSBOX_INSTALLER_SERVICE_ACCOUNT = 'sysbox-label-node';
/** The node labels the installer sets (sysbox-deploy-k8s.sh: `installing`, `running`, `removing`). */
export const SYSBOX_INSTALLER_NODE_LABELS: readonly string[] = ['sysbox-runtime', 'crio-runtime'];
/** The policy scoping the installer's service account to its own node. */
export const SYSBOX_INSTALLER_POLICY = 'gitlab-workspaces-sysbox-installer';

/**
 * A ValidatingAdmissionPolicy (and its Deny binding) for what RBAC cannot scope: the installer's service
 * account may patch only the node its pod runs on (the node name Kubernetes binds into a pod's token,
 * `authentication.kubernetes.io/node-name`, GA in 1.32), and there only the installer's labels and its
 * taint, without cordoning it; it may delete only Sysbox pods (runtimeClassName sysbox-runc) on that node,
 * which is all sysbox-deploy-k8s.sh deletes. What RBAC still grants and no admission policy sees: reading
 * every node and listing every pod (sysbox-deploy-k8s.sh runs `kubectl get pod -A`).
 */
export function sysboxInstallerPolicy(runtimeClassName: string): AdmissionPolicyDefinition {
  const nodeNameKey = 'authentication.kubernetes.io/node-name';
  const notInstallerLabel = (k: string) => `!(${k} in ${JSON.stringify(SYSBOX_INSTALLER_NODE_LABELS)})`;
  const notInstallerTaint = (t: string) => `${t}.key != ${JSON.stringify(SYSBOX_INSTALLING_TAINT.key)}`;
  const onNodes = (expression: string) => `request.resource.resource != 'nodes' || (${expression})`;
  const unschedulable = (o: string) => `(has(${o}.spec.unschedulable) && ${o}.spec.unschedulable)`;
  return {
    name: SYSBOX_INSTALLER_POLICY,
    resourceRules: [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['nodes'] },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['pods'] },
    ],
    matchConditions: [{
      name: 'the-installer',
      expression: `request.userInfo.username == ${JSON.stringify(`system:serviceaccount:${NAMESPACE}:${SYSBOX_INSTALLER_SERVICE_ACCOUNT}`)}`,
    }],
    variables: [{
      name: 'nodeName',
      expression: `has(request.userInfo.extra) && ${JSON.stringify(nodeNameKey)} in request.userInfo.extra && size(request.userInfo.extra[${JSON.stringify(nodeNameKey)}]) > 0 ? request.userInfo.extra[${JSON.stringify(nodeNameKey)}][0] : ''`,
    }],
    validations: [
      {
        expression: `variables.nodeName != '' && (request.resource.resource == 'nodes' ? request.name == variables.nodeName : (has(oldObject.spec.nodeName) && oldObject.spec.nodeName == variables.nodeName))`,
        message: 'the Sysbox installer may change only the node its pod runs on, and the pods on it',
        reason: 'Forbidden',
      },
      {
        expression: onNodes(`${labelsKept('object', 'oldObject', notInstallerLabel)} && ${labelsKept('oldObject', 'object', notInstallerLabel)}`),
        message: `the Sysbox installer may change only the node labels ${SYSBOX_INSTALLER_NODE_LABELS.join(', ')}`,
        reason: 'Forbidden',
      },
      {
        expression: onNodes(`${taintsKept('object', 'oldObject', notInstallerTaint)} && ${taintsKept('oldObject', 'object', notInstallerTaint)} && ${unschedulable('object')} == ${unschedulable('oldObject')}`),
        message: `the Sysbox installer may change only its taint ${SYSBOX_INSTALLING_TAINT.key}, and may not cordon a node`,
        reason: 'Forbidden',
      },
      {
        expression: `request.resource.resource != 'pods' || (has(oldObject.spec.runtimeClassName) && oldObject.spec.runtimeClassName == ${JSON.stringify(runtimeClassName)})`,
        message: `the Sysbox installer may delete only Sysbox pods (runtimeClassName ${runtimeClassName})`,
        reason: 'Forbidden',
      },
    ],
  };
}

/** The policy and its binding (Deny), as Kubernetes objects. */
export function sysboxInstallerPolicyObjects(runtimeClassName: string): Array<Record<string, unknown>> {
  const policy = sysboxInstallerPolicy(runtimeClassName);
  return [validatingAdmissionPolicyObject(policy), validatingAdmissionPolicyBindingObject(policy)];
}

/**
 * Nestybox's sysbox-deploy-k8s installer, as Terraform resources in `kube-system`: the service account it
 * labels and taints nodes with, its ClusterRole (nodes get/patch, pods get/list/watch/delete: RBAC cannot
 * name a node) and binding, an admission policy confining those writes to the installer's own node (see
 * sysboxInstallerPolicyObjects),
 * the `sysbox-operational-attributes` ConfigMap, and the privileged DaemonSet, with a pinned image, on
 * the nodes labelled for it. On each node it installs Sysbox (and CRI-O if asked), then labels the node
 * `sysbox-runtime=running`. Terraform does not wait for that: the DaemonSet's rollout is not awaited.
 */
export class SysboxInstaller extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  readonly clusterRole: ClusterRoleV1;
  readonly clusterRoleBinding: ClusterRoleBindingV1;
  readonly configMap: ConfigMapV1;
  readonly daemonSet: DaemonSetV1;
  /** The admission policy and binding scoping the service account to its node (see sysboxInstallerPolicyObjects). */
  readonly policy: AdmissionPolicy;

  constructor(scope: Construct, id: string, props: SysboxInstallerProps) {
    super(scope, id);
    const provider = props.kubernetesProvider;
    const image = props.image ?? SYSBOX_DEPLOY_IMAGE;
    const labels = { 'app.kubernetes.io/name': 'sysbox-deploy-k8s', 'app.kubernetes.io/managed-by': 'terraform' };

    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      provider,
      metadata: { name: SYSBOX_INSTALLER_SERVICE_ACCOUNT, namespace: NAMESPACE, labels },
    });
    this.clusterRole = new ClusterRoleV1(this, 'cluster-role', {
      provider,
      metadata: { name: 'sysbox-node-labeler', labels },
      rule: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] },
        // It deletes the Sysbox pods on its node after an install or update, so they restart on it.
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete', 'watch'] },
      ],
    });
    this.clusterRoleBinding = new ClusterRoleBindingV1(this, 'cluster-role-binding', {
      provider,
      metadata: { name: 'sysbox-label-node-rb', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: this.serviceAccount.metadata.name, namespace: NAMESPACE }],
    });
    this.configMap = new ConfigMapV1(this, 'config-map', {
      provider,
      metadata: { name: 'sysbox-operational-attributes', namespace: NAMESPACE, labels },
      data: { SYSBOX_MGR_CONFIG: props.sysboxMgrFlags ?? '', SYSBOX_FS_CONFIG: props.sysboxFsFlags ?? '' },
    });

    // RBAC cannot name the node: the policy does, before the installer first runs.
    this.policy = new AdmissionPolicy(this, 'node-scope', { kubernetesProvider: provider, definition: sysboxInstallerPolicy(SYSBOX_RUNTIME_CLASS) });

    const fromConfigMap = (name: string) => ({ name, valueFrom: { configMapKeyRef: { name: this.configMap.metadata.name, key: name } } });
    const selector = { 'app.kubernetes.io/name': 'sysbox-deploy-k8s' };
    this.daemonSet = new DaemonSetV1(this, 'daemon-set', {
      provider,
      metadata: { name: 'sysbox-deploy-k8s', namespace: NAMESPACE, labels },
      // Installing restarts containerd (or the kubelet, for CRI-O) on each node: no rollout to wait for.
      waitForRollout: false,
      dependsOn: this.policy.dependables,
      spec: {
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '1' } },
        template: {
          metadata: {
            labels: { ...selector, ...SYSBOX_INSTALL_LABEL },
            ...(props.startupTaints && props.startupTaints.length > 0 && {
              annotations: { [STARTUP_TAINTS_ANNOTATION]: props.startupTaints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(',') },
            }),
          },
          spec: {
            serviceAccountName: this.serviceAccount.metadata.name,
            priorityClassName: 'system-node-critical',
            nodeSelector: { ...(props.nodeSelector ?? SYSBOX_INSTALL_LABEL) },
            // Its own taint (the script taints a node while it installs), the startup taints it removes.
            toleration: [
              tolerationOf(SYSBOX_INSTALLING_TAINT),
              ...(props.startupTaints ?? []).filter((t) => t.key !== SYSBOX_INSTALLING_TAINT.key).map(tolerationOf),
              ...(props.tolerations ?? []).map((t) => ({ ...t })),
            ],
            container: [{
              name: 'sysbox-deploy-k8s',
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['bash', '-c', '/opt/sysbox/scripts/sysbox-deploy-k8s.sh ce install'],
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                fromConfigMap('SYSBOX_MGR_CONFIG'),
                fromConfigMap('SYSBOX_FS_CONFIG'),
                ...((props.containerRuntime ?? SYSBOX_DEFAULT_CONTAINER_RUNTIME) === 'cri-o' ? [{ name: 'SYSBOX_USE_CRIO', value: 'true' }] : []),
              ],
              securityContext: { privileged: true },
              volumeMount: HOST_MOUNTS.map(([name, , mountPath]) => ({ name, mountPath })),
            }],
            volume: HOST_MOUNTS.map(([name, path]) => ({ name, hostPath: { path } })),
          },
        },
      },
    });
  }
}

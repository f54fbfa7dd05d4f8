/**
 * Images already on the workspace nodes: a DaemonSet whose pod pulls each listed image (GitLab's tools
 * injector image, a team's devfile images) on every workspace node, then holds them there with a pause
 * container, so a workspace landing on the node finds them (kubelet pulls `IfNotPresent`). The kubelet keeps
 * a running pod's exited init containers, so image garbage collection counts their images as in use.
 *
 * How each image is pulled without knowing what is inside it: one init container per image, run with a
 * command that exists in no image but a shared volume. The first init container copies a static BusyBox
 * (musl, no libraries) into an `emptyDir` as `/prepull/true`; each image's init container runs
 * `/prepull/true` (BusyBox picks its applet by name: exit 0 at once). The kubelet pulls the image to
 * start the container, which is the point. Images without a shell (distroless) work too, unlike the
 * `/bin/sh -c` init containers of JupyterHub's continuous image puller; Eclipse Che's
 * kubernetes-image-puller copies a static binary into a shared volume the same way.
 * The pod requests almost nothing (init containers 1m CPU / 16Mi each, one at a time; pause the same),
 * and the autoscaler ignores DaemonSet pods when it decides whether a workspace node is empty
 * (`ignoredaemonsetsutilization`), so a pre-pulled node still scales in.
 */
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DaemonSetV1 } from '@cdktf/provider-kubernetes/lib/daemon-set-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { Toleration } from './cluster-autoscaler';
import { PAUSE_IMAGE, RESTRICTED_CONTAINER } from './workspace-headroom';

/**
 * BusyBox 1.37.0 (musl: a static binary), pinned by the digest of its multi-arch index
 * (docker-library/repo-info, repos/busybox/remote/1.37.0-musl.md).
 */
export const STATIC_BUSYBOX_IMAGE = 'docker.io/library/busybox:1.37.0-musl@sha256:1256f55742579badea94e3e2f574fc90021120f6c1aa01c87182566dfb950c39';
/** Requests and limits of each of the pre-puller's containers. */
export const PRE_PULLER_RESOURCES = { requests: { cpu: '1m', memory: '16Mi' }, limits: { memory: '32Mi' } };
const TOOL_DIR = '/prepull';

export interface ImagePrePullerProps {
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The images to keep on every workspace node (references, ideally pinned by digest). */
  readonly images: readonly string[];
  /** Node labels of the workspace nodes. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations of those nodes' taints (the runtime's, a retiring generation's). @default none */
  readonly tolerations?: readonly Toleration[];
  /** The namespace, made by the caller. */
  readonly namespace: NamespaceV1;
  /** Resources to wait for. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** The container name of the i-th image's init container. */
export function prePullContainerName(i: number): string {
  return `pull-${i + 1}`;
}

export class ImagePrePuller extends Construct {
  readonly daemonSet: DaemonSetV1;

  constructor(scope: Construct, id: string, props: ImagePrePullerProps) {
    super(scope, id);
    if (props.images.length === 0) throw new Error('ImagePrePuller: no images to pull');
    const labels = { 'app.kubernetes.io/name': 'workspace-image-pre-puller' };
    const tools = { name: 'tools', mountPath: TOOL_DIR, readOnly: true };
    this.daemonSet = new DaemonSetV1(this, 'daemon-set', {
      provider: props.kubernetesProvider,
      metadata: { name: 'workspace-image-pre-puller', namespace: props.namespace.metadata.name, labels },
      // A node that cannot pull an image (a private registry) must not stall the apply.
      waitForRollout: false,
      dependsOn: props.dependsOn,
      spec: {
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 0,
            nodeSelector: { ...props.nodeSelector },
            toleration: (props.tolerations ?? []).map((t) => ({ ...t })),
            securityContext: { runAsNonRoot: true, runAsUser: '65534', seccompProfile: { type: 'RuntimeDefault' } },
            initContainer: [
              {
                name: 'copy-true',
                image: STATIC_BUSYBOX_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/busybox', 'cp', '/bin/busybox', `${TOOL_DIR}/true`],
                resources: PRE_PULLER_RESOURCES,
                securityContext: RESTRICTED_CONTAINER,
                volumeMount: [{ name: 'tools', mountPath: TOOL_DIR }],
              },
              ...props.images.map((image, i) => ({
                name: prePullContainerName(i),
                image,
                imagePullPolicy: 'IfNotPresent',
                command: [`${TOOL_DIR}/true`],
                resources: PRE_PULLER_RESOURCES,
                securityContext: RESTRICTED_CONTAINER,
                volumeMount: [tools],
              })),
            ],
            container: [{
              name: 'hold',
              image: PAUSE_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              resources: PRE_PULLER_RESOURCES,
              securityContext: RESTRICTED_CONTAINER,
            }],
            volume: [{ name: 'tools', emptyDir: { sizeLimit: '8Mi' } }],
          },
        },
      },
    });
  }
}

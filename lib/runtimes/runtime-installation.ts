import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { Toleration } from '../cluster/cluster-autoscaler';
import type { KataDeploy } from './kata-deploy';
import { RuntimeNodes, SudoRuntime, tolerationOf } from './types';
import { RuntimeOptions } from './sudo-runtime';
import { SYSBOX_INSTALL_LABEL } from './sysbox';
import type { SysboxInstaller } from './sysbox-installer';
import type { WorkspaceRuntimeClass } from './runtime-class';

export interface RuntimeInstallationProps {
  /** The runtime (see sudoRuntime). */
  readonly runtime: SudoRuntime;
  /** Its settings (the installer image, the chart version...). @default each runtime's defaults */
  readonly options?: RuntimeOptions;
  /** What the workspace nodes were given for it (`runtime.nodes(image)`): the installer goes where they are. */
  readonly nodes: RuntimeNodes;
  /** The Kubernetes provider configured for the cluster. */
  readonly kubernetesProvider: TerraformProvider;
  /** The Helm provider configured for the cluster. */
  readonly helmProvider: TerraformProvider;
  /**
   * Other taints the workspace nodes may carry (a retiring generation's), which the installer tolerates:
   * nodes being retired still run workspaces that need the runtime.
   * @default none
   */
  readonly extraTolerations?: readonly Toleration[];
}

/**
 * Installs a sudo runtime on the cluster: its installer (Sysbox: the sysbox-deploy-k8s resources; Kata:
 * the kata-deploy chart; user namespaces and none: nothing) on the workspace nodes built for it, and the
 * RuntimeClass workspaces use, scheduled onto those nodes.
 */
export class RuntimeInstallation extends Construct {
  readonly sysbox?: SysboxInstaller;
  readonly kata?: KataDeploy;
  readonly runtimeClass?: WorkspaceRuntimeClass;

  constructor(scope: Construct, id: string, props: RuntimeInstallationProps) {
    super(scope, id);
    const { runtime, options = {}, nodes } = props;
    // The installers' provider classes are large (DaemonSet, RBAC, manifests): loaded only for the runtime
    // chosen, so a stack without one synthesizes without them.
    /* eslint-disable @typescript-eslint/no-require-imports */
    // On the nodes built for the runtime, whatever else they are tainted with.
    const tolerations = [...nodes.taints.map(tolerationOf), ...(props.extraTolerations ?? [])];
    if (runtime.name === 'sysbox') {
      const { SysboxInstaller } = require('./sysbox-installer') as typeof import('./sysbox-installer');
      this.sysbox = new SysboxInstaller(this, 'sysbox', {
        kubernetesProvider: props.kubernetesProvider,
        image: options.sysbox?.installerImage,
        containerRuntime: options.sysbox?.containerRuntime,
        nodeSelector: SYSBOX_INSTALL_LABEL,
        tolerations,
        startupTaints: nodes.startupTaints,
      });
    } else if (runtime.name === 'kata') {
      const { KataDeploy } = require('./kata-deploy') as typeof import('./kata-deploy');
      this.kata = new KataDeploy(this, 'kata', {
        helmProvider: props.helmProvider,
        chartVersion: options.kata?.chartVersion,
        shim: options.kata?.shim,
        nodeSelector: nodes.templateLabels,
        tolerations,
        startupTaints: nodes.startupTaints,
      });
    }
    if (runtime.runtimeClass) {
      const { WorkspaceRuntimeClass } = require('./runtime-class') as typeof import('./runtime-class');
      const installer = this.sysbox?.daemonSet ?? this.kata?.release;
      this.runtimeClass = new WorkspaceRuntimeClass(this, 'runtime-class', {
        kubernetesProvider: props.kubernetesProvider,
        spec: runtime.runtimeClass,
        dependsOn: installer ? [installer] : undefined,
      });
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
}

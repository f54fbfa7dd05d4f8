/**
 * The normalized devfile model: what the loader (`loadDevfile`) returns once a devfile passed the
 * schema and the rules of its mode, and what the workspace renderer consumes. Variables are already
 * substituted; optional lists are present (possibly empty); only the component and command kinds the
 * renderer supports appear here. Pure data, no behaviour.
 */

/** `gitlab`: GitLab's own rules, exactly. `devfile`: devfiles written for other tools (see docs/cli.md). */
export type DevfileMode = 'gitlab' | 'devfile';

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface Endpoint {
  readonly name: string;
  readonly targetPort: number;
  /** Devfile default: `public`. */
  readonly exposure?: 'public' | 'internal' | 'none';
  /** Devfile default: `http`. */
  readonly protocol?: 'http' | 'https' | 'ws' | 'wss' | 'tcp' | 'udp';
  readonly secure?: boolean;
  readonly path?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface VolumeMount {
  /** Name of a volume component. */
  readonly name: string;
  /** Devfile default: `/<name>`. */
  readonly path?: string;
}

/** Kubernetes resource requirements, as a `container-overrides` attribute may set them (devfile mode). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

export interface Container {
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly endpoints: readonly Endpoint[];
  readonly volumeMounts: readonly VolumeMount[];
  readonly memoryLimit?: string;
  readonly memoryRequest?: string;
  readonly cpuLimit?: string;
  readonly cpuRequest?: string;
  /** Devfile default: true. */
  readonly mountSources?: boolean;
  readonly sourceMapping?: string;
}

interface ComponentBase {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface ContainerComponent extends ComponentBase {
  readonly kind: 'container';
  readonly container: Container;
  /** Devfile mode only: the `resources` of a `container-overrides` attribute, applied by the renderer. */
  readonly resourceOverrides?: ResourceRequirements;
}

export interface VolumeComponent extends ComponentBase {
  readonly kind: 'volume';
  readonly volume: { readonly size?: string; readonly ephemeral?: boolean };
}

export type Component = ContainerComponent | VolumeComponent;

interface CommandBase {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface ExecCommand extends CommandBase {
  readonly kind: 'exec';
  readonly exec: {
    readonly commandLine: string;
    readonly component: string;
    readonly label?: string;
    readonly workingDir?: string;
    readonly hotReloadCapable?: boolean;
    /** Devfile mode only (GitLab refuses exec env). */
    readonly env?: readonly EnvVar[];
  };
}

export interface ApplyCommand extends CommandBase {
  readonly kind: 'apply';
  readonly apply: { readonly component: string; readonly label?: string };
}

/** Devfile mode only. */
export interface CompositeCommand extends CommandBase {
  readonly kind: 'composite';
  readonly composite: { readonly commands: readonly string[]; readonly parallel?: boolean; readonly label?: string };
}

export type Command = ExecCommand | ApplyCommand | CompositeCommand;

export interface Events {
  readonly preStart: readonly string[];
  readonly postStart: readonly string[];
  readonly preStop: readonly string[];
  readonly postStop: readonly string[];
}

export interface Devfile {
  readonly mode: DevfileMode;
  readonly schemaVersion: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The devfile's variables, as written (the loader substitutes them elsewhere, not in their own values). */
  readonly variables: Readonly<Record<string, string>>;
  /** In file order. */
  readonly components: readonly Component[];
  /** In file order. */
  readonly commands: readonly Command[];
  readonly events: Events;
  /** The component that gets the editor injected (`gl/inject-editor`; in devfile mode possibly chosen). */
  readonly mainComponentName: string;
}

/**
 * `Workspace`: one GitLab workspace's Kubernetes objects in a CDKTF stack, one `kubernetes_manifest`
 * per object, exactly the objects `renderWorkspace` renders (and GitLab would send agentk). Use it for a
 * smoke-test workspace that proves a cluster's runtime class, storage and network policy work, or to
 * preview a devfile's objects in a plan.
 *
 * Kept apart from the pure renderer (`lib/workspace/index.ts`) so the CLI never loads cdktf.
 *
 * Notes for users:
 * - `kubernetes_manifest` needs a reachable cluster at plan time (it reads the API's schema).
 * - agentk creates a workspace's namespace; without agentk this construct creates it (`createNamespace`,
 *   on by default unless the agent config sets a shared namespace, which is expected to exist).
 * - Logical ids come from each object's kind and name, never from its position, so adding a devfile
 *   volume or a postStart command does not rename (and replace) the other objects.
 * - Terraform reads `${...}` and `%{...}` in JSON strings as templates; the workspace scripts use shell
 *   `${VAR}`s, so every string of a manifest is escaped (`$${`, `%%{`) to reach the cluster unchanged.
 */
import { Manifest, ManifestConfig } from '@cdktf/provider-kubernetes/lib/manifest';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { defaultAgentConfig } from '../agent-config/defaults';
import type { RemoteDevelopmentSettings } from '../agent-config/types';
import { DiagnosticsError } from '../common/diagnostics';
import { DEFAULT_GITLAB_VERSION, GitLabVersion } from '../common/gitlab-version';
import { loadDevfile } from '../devfile';
import type { Devfile, DevfileMode } from '../devfile/model';
import type { RenderOptions } from './context';
import { DEFAULT_WORKSPACE_IDENTITY, WorkspaceIdentity } from './identity';
import type { KubernetesObject } from './kubernetes';
import { renderWorkspaceResult } from './render';

/** Devfile text with the loader's options, for callers that have a file's content rather than a model. */
export interface DevfileSource {
  readonly text: string;
  /** Name used in error messages. @default 'devfile.yaml' */
  readonly file?: string;
  /** @default 'gitlab' */
  readonly mode?: DevfileMode;
  /** Devfile mode: the editor component when none has `gl/inject-editor`. @default the first container */
  readonly editorComponent?: string;
}

export interface WorkspaceProps {
  /** The devfile: a loaded model (`loadDevfile`) or its text. */
  readonly devfile: Devfile | DevfileSource;
  /**
   * The agent's `remote_development` settings (`parseAgentConfig`).
   * @default GitLab's defaults with dns_zone `workspaces.example.dev` (`defaultAgentConfig()`)
   */
  readonly agentConfig?: RemoteDevelopmentSettings;
  /**
   * The workspace's name, namespace, ids, desired state, project, user and variables.
   * @default DEFAULT_WORKSPACE_IDENTITY (workspace-7-42-abc123, Running, no project, user Ada Lovelace
   * <ada@example.com>, whose git user.name and user.email go into the env Secret)
   */
  readonly workspace?: WorkspaceIdentity;
  /**
   * The GitLab version the workspace is rendered for (and a devfile given as text is checked against):
   * postStart layout, workingDir, hostUsers, proxy settings, tools image, agentw. Wins over
   * `renderOptions.gitlabVersion`. Parse user input with `parseGitLabVersion`.
   * @default DEFAULT_GITLAB_VERSION (the newest supported, 18.9)
   */
  readonly gitlabVersion?: GitLabVersion;
  /**
   * GitLab instance settings: tools injector image, GitLab URL, KAS address, workspaces host,
   * extension marketplace, tokens.
   * @default GitLab's defaults (`RenderOptions`)
   */
  readonly renderOptions?: RenderOptions;
  /** The Kubernetes provider to use. @default the stack's default kubernetes provider */
  readonly provider?: TerraformProvider;
  /**
   * Create the workspace's Namespace (agentk does this for GitLab-managed workspaces).
   * @default true, unless the agent config sets `shared_namespace`
   */
  readonly createNamespace?: boolean;
  /**
   * Server-side apply field manager of every object.
   * @default 'gitlab-workspaces-construct', without forcing conflicts
   */
  readonly fieldManager?: string;
  /**
   * Make `terraform apply` wait until the Deployment has rolled out (a smoke test then fails when the
   * pod cannot start: image, runtime class, volume or policy problems).
   * @default false
   */
  readonly waitForRollout?: boolean;
}

export class Workspace extends Construct {
  /** The rendered objects, in GitLab's order. */
  readonly objects: readonly KubernetesObject[];
  /** The workspace name (base of every object name). */
  readonly workspaceName: string;
  /** The namespace the objects live in. */
  readonly namespace: string;
  /** The Namespace manifest, when this construct creates it. */
  readonly namespaceManifest?: Manifest;
  private readonly manifestsById = new Map<string, Manifest>();

  constructor(scope: Construct, id: string, props: WorkspaceProps) {
    super(scope, id);
    const agentConfig = props.agentConfig ?? defaultAgentConfig();
    const workspace = props.workspace ?? DEFAULT_WORKSPACE_IDENTITY;
    const gitlabVersion = props.gitlabVersion ?? props.renderOptions?.gitlabVersion ?? DEFAULT_GITLAB_VERSION;
    const devfile = resolveDevfile(props.devfile, gitlabVersion);
    const rendered = renderWorkspaceResult({ devfile, agentConfig, workspace, options: { ...props.renderOptions, gitlabVersion } });
    if (!rendered.ok) throw new DiagnosticsError(rendered.diagnostics);
    this.objects = rendered.value;
    this.workspaceName = workspace.name;
    this.namespace = rendered.value[0].metadata.namespace;

    const common: Omit<ManifestConfig, 'manifest'> = {
      ...(props.provider && { provider: props.provider }),
      fieldManager: { name: props.fieldManager ?? 'gitlab-workspaces-construct', forceConflicts: false },
    };
    const createNamespace = props.createNamespace ?? agentConfig.sharedNamespace === '';
    if (createNamespace) {
      this.namespaceManifest = new Manifest(this, `Namespace-${this.namespace}`, {
        ...common,
        manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } },
      });
    }
    for (const object of this.objects) {
      const logicalId = Workspace.logicalIdOf(object);
      const manifest = new Manifest(this, logicalId, {
        ...common,
        manifest: escapeTerraformTemplates(object) as Record<string, unknown>,
        ...(this.namespaceManifest && { dependsOn: [this.namespaceManifest] }),
        ...(props.waitForRollout && object.kind === 'Deployment' && { wait: { rollout: true } }),
      });
      this.manifestsById.set(logicalId, manifest);
    }
  }

  /** The construct id of an object's manifest: `<Kind>-<name>` (stable; independent of position). */
  static logicalIdOf(object: Pick<KubernetesObject, 'kind' | 'metadata'>): string {
    return `${object.kind}-${object.metadata.name}`;
  }

  /** The manifest of one object, e.g. `manifest('Deployment', name)`; undefined when not rendered. */
  manifest(kind: KubernetesObject['kind'], name: string): Manifest | undefined {
    return this.manifestsById.get(Workspace.logicalIdOf({ kind, metadata: { name } as KubernetesObject['metadata'] }));
  }

  /** Every object manifest, in GitLab's order (the Namespace manifest is separate). */
  get manifests(): readonly Manifest[] {
    return [...this.manifestsById.values()];
  }
}

function resolveDevfile(devfile: Devfile | DevfileSource, gitlabVersion: GitLabVersion): Devfile {
  if (!('text' in devfile)) return devfile;
  const loaded = loadDevfile(devfile.text, {
    file: devfile.file ?? 'devfile.yaml',
    gitlabVersion,
    ...(devfile.mode && { mode: devfile.mode }),
    ...(devfile.editorComponent !== undefined && { editorComponent: devfile.editorComponent }),
  });
  if (!loaded.ok) throw new DiagnosticsError(loaded.diagnostics);
  return loaded.value;
}

/** Escapes Terraform template sequences in every string (keys included), so values reach Kubernetes verbatim. */
export function escapeTerraformTemplates(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  if (Array.isArray(value)) return value.map(escapeTerraformTemplates);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeTerraformTemplates(k) as string, escapeTerraformTemplates(v)]));
  }
  return value;
}

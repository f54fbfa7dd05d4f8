/**
 * The ready app as a function: both stacks, added to a new cdktf App or to the caller's own. This is what
 * `cdktf synth` runs (stacks/main.ts) and what an infra repo imports from the package root to deploy the
 * ready stacks under its own state backend, or to extend them.
 */
import { App } from 'cdktf';
import { WorkspacesClusterStack } from './cluster-stack';
import { WorkspacesConfig } from './config/types';
import { platformStackId, WorkspacesPlatformStack } from './platform-stack';
import { StackBackendFactory } from './state-backend';

export interface BuildAppOptions {
  /**
   * The app to add both stacks to (the caller synthesizes it).
   * @default a new App writing to `outdir`
   */
  readonly app?: App;
  /**
   * Where a new App writes (ignored with `app`).
   * @default what the cdktf CLI asks for (CDKTF_OUTDIR), else cdktf.out
   */
  readonly outdir?: string;
  /**
   * Makes each stack's Terraform backend, in the stack it is given:
   * `(stack, id) => new S3Backend(stack, { bucket, key: \`${id}.tfstate\`, region, encrypt: true })`. The
   * platform stack reads the cluster stack's outputs through the cluster stack's backend.
   * @default the config's `state` section (a local file next to cdktf.json, or S3)
   */
  readonly backend?: StackBackendFactory;
  /**
   * The cluster stack's id; the platform stack's is `<id>-platform`.
   * @default the config's cluster.name
   */
  readonly stackId?: string;
}

export interface WorkspacesApp {
  readonly app: App;
  /** AWS: VPC, EKS, node groups, add-ons, IAM, KMS. Named after the cluster. */
  readonly cluster: WorkspacesClusterStack;
  /**
   * Kubernetes and Helm: storage class, autoscaler, the sudo runtime, and with a `gitlab` section the agent,
   * the workspaces proxy and the AWS resources that follow it (certificate, load balancer, DNS records).
   */
  readonly platform: WorkspacesPlatformStack;
}

/**
 * Adds the cluster stack and the platform stack for a checked config (loadConfigFile, loadConfigText) to
 * an app. `cdktf deploy '*'` applies them in that order.
 */
export function buildApp(config: WorkspacesConfig, options: BuildAppOptions = {}): WorkspacesApp {
  const app = options.app ?? new App({ outdir: options.outdir });
  const id = options.stackId ?? config.cluster.name;
  const cluster = new WorkspacesClusterStack(app, id, { config, backend: options.backend });
  const platform = new WorkspacesPlatformStack(app, platformStackId(id), { clusterStack: cluster, backend: options.backend });
  return { app, cluster, platform };
}

/**
 * A smoke-test workspace for a cluster built by the ready AWS stack: one GitLab workspace's objects
 * (exactly what GitLab would send agentk), applied with `kubernetes_manifest` and waited for, so
 * `cdktf deploy` fails when the runtime class, the default storage class or the network policy does not
 * work. A separate app from the cluster's: `kubernetes_manifest` needs the cluster reachable at plan time.
 *
 *   aws eks update-kubeconfig --region <region> --name <cluster>     # the stack's kubeconfig_command output
 *   npx tsc -p tsconfig.build.json && node dist/examples/smoke-workspace/main.js   # synth only
 *
 * To deploy it, point a cdktf.json `app` at the compiled file (not exercised here: no cluster).
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';
import { DEFAULT_WORKSPACE_IDENTITY, DiagnosticsError, parseAgentConfig, Workspace } from 'cdktf-gitlab-workspaces';

/** Where the example's devfile and agent config live: beside this file, or in the source folder when run from dist/. */
const HERE = existsSync(join(__dirname, 'devfile.yaml')) ? __dirname : join(__dirname, '..', '..', '..', 'examples', 'smoke-workspace');

export class SmokeWorkspaceStack extends TerraformStack {
  readonly workspace: Workspace;

  constructor(scope: Construct, id: string, kubeconfigPath = '~/.kube/config') {
    super(scope, id);
    new KubernetesProvider(this, 'kubernetes', { configPath: kubeconfigPath });
    const agentConfigFile = join(HERE, 'agent-config.yaml');
    const agentConfig = parseAgentConfig(readFileSync(agentConfigFile, 'utf8'), agentConfigFile);
    if (!agentConfig.ok) throw new DiagnosticsError(agentConfig.diagnostics);
    const devfileFile = join(HERE, 'devfile.yaml');
    this.workspace = new Workspace(this, 'smoke', {
      devfile: { text: readFileSync(devfileFile, 'utf8'), file: devfileFile },
      agentConfig: agentConfig.value,
      workspace: { ...DEFAULT_WORKSPACE_IDENTITY, name: 'workspace-smoke-test', namespace: 'gl-rd-ns-smoke-test' },
      waitForRollout: true,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new SmokeWorkspaceStack(app, 'smoke-workspace');
  app.synth();
}

/**
 * Extending the ready stack in your own cdktf app: load a config file, create the stack, then add
 * Kubernetes resources through the providers it exposes (later constructs, such as the GitLab agent
 * and the workspaces proxy, plug in the same way).
 *
 *   npx tsc -p tsconfig.build.json && node dist/examples/extend-stack/main.js
 */
import { App } from 'cdktf';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { WorkspacesAwsStack } from '../../stacks/aws-stack';
import { loadConfigFile, resolveConfigPath } from '../../stacks/config/load';
import { formatDiagnostic } from '../../lib/common/diagnostics';

export function buildExtendedApp(outdir?: string): { app: App; stack: WorkspacesAwsStack } {
  // WORKSPACES_CONFIG if set, else examples/default/workspaces.config.yaml.
  const { path, display } = resolveConfigPath(process.env, process.cwd());
  const loaded = loadConfigFile(path, display);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));

  const app = new App({ outdir });
  const stack = new WorkspacesAwsStack(app, 'extended', loaded.value);

  // The namespace the workspaces proxy will live in, created through the stack's Kubernetes provider
  // once the cluster's storage class (and so the cluster access) exists.
  new NamespaceV1(stack, 'proxy-namespace', {
    provider: stack.providers.kubernetes,
    metadata: { name: 'gitlab-workspaces', labels: { 'app.kubernetes.io/part-of': 'gitlab-workspaces' } },
    dependsOn: [stack.storageClass.storageClass],
  });
  return { app, stack };
}

if (require.main === module) {
  buildExtendedApp().app.synth();
}

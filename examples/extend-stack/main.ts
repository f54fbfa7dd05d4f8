/**
 * Extending the ready app in your own cdktf app: load a config file, create the cluster and platform
 * stacks, then add Kubernetes resources to the platform stack through the providers it exposes (the
 * GitLab agent and the workspaces proxy plug in the same way, see stacks/gitlab-side.ts).
 *
 *   npx tsc -p tsconfig.build.json && node dist/examples/extend-stack/main.js
 */
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { buildApp, formatDiagnostic, loadConfigFile, resolveConfigPath, WorkspacesApp } from 'cdktf-gitlab-workspaces';

export function buildExtendedApp(outdir?: string): WorkspacesApp {
  // WORKSPACES_CONFIG if set, else examples/default/workspaces.config.yaml.
  const { path, display } = resolveConfigPath(process.env, process.cwd());
  const loaded = loadConfigFile(path, display);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));

  const built = buildApp(loaded.value, { outdir });
  const { platform } = built;

  // A namespace of your own (say, for a team's shared tools), created through the platform stack's
  // Kubernetes provider once the cluster's storage class exists.
  new NamespaceV1(platform, 'tools-namespace', {
    provider: platform.providers.kubernetes,
    metadata: { name: 'platform-tools', labels: { 'app.kubernetes.io/part-of': 'gitlab-workspaces' } },
    dependsOn: [platform.storageClass.storageClass],
  });
  return built;
}

if (require.main === module) {
  buildExtendedApp().app.synth();
}

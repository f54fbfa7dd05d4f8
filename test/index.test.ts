import * as api from '../lib';

describe('public API (lib/index.ts)', () => {
  it('exports the pure functions and the constructs under one roof', () => {
    for (const name of [
      'loadDevfile',
      'readDevfileFile',
      'parseAgentConfig',
      'serializeAgentConfig',
      'maxResourcesSha256',
      'parseWorkspaceIdentity',
      'renderWorkspace',
      'renderWorkspaceResult',
      'toYamlStream',
      'formatDiagnostic',
      'Workspace',
      'EksCluster',
      'WorkspacesVpc',
      'DefaultStorageClass',
      'GitLabAgent',
      'GitLabAgentRegistration',
      'WorkspacesProxy',
      'WorkspacesOAuthApplication',
      'WorkspacesHostedZone',
      'WorkspacesEntryPoint',
      'WorkspacesTargetGroups',
      'ClusterStackOutputs',
      'RegistryPullSecret',
      'defaultKasAddress',
      'planChecks',
      'runChecks',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
  });
});

describe('the stacks\' contract (package root)', () => {
  it('exports the cluster stack\'s output names and the Terraform settings', () => {
    expect(api.CLUSTER_OUTPUTS.clusterEndpoint).toBe('cluster_endpoint');
    expect(api.CLUSTER_STATE_DATA_SOURCE).toBe('cluster_stack');
    expect(api.TERRAFORM_REQUIRED_VERSION).toBe('>= 1.10');
    expect(api.PROVIDER_SOURCES.aws).toBe('hashicorp/aws');
  });
});

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
      'RegistryPullSecret',
      'defaultKasAddress',
      'planChecks',
      'runChecks',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
  });
});

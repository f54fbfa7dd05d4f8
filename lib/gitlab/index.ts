/**
 * The GitLab side of workspaces, one construct per concern: the agent (GitLabAgent) and its registration
 * in GitLab (GitLabAgentRegistration), the workspaces proxy (WorkspacesProxy) and its OAuth application
 * (WorkspacesOAuthApplication), how workspaces are reached (WorkspacesHostedZone, WorkspacesEntryPoint:
 * certificate, load balancer, DNS; LoadBalancerLogBucket for its access logs), a registry Secret for
 * private images (RegistryPullSecret), and the namespaces they create (baselineNamespace).
 */
export * from './admission-policies';
export * from './agent-rbac';
export * from './agent-registration';
export * from './availability';
export * from './entry-point';
export * from './gitlab-agent';
export * from './hosted-zone';
export * from './load-balancer-log-bucket';
export * from './namespace';
export * from './oauth-application';
export * from './registry-pull-secret';
export * from '../common/gitlab-urls';
export * from './versions';
export * from './workspace-ingress-lockdown';
export * from './workspaces-proxy';

import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Application } from '@cdktf/provider-gitlab/lib/application';
import { oauthRedirectUri, PROXY_OAUTH_SCOPES } from '../common/gitlab-urls';

export interface WorkspacesOAuthApplicationProps {
  /** The GitLab provider, with an instance administrator's token (`gitlab_application` is instance-wide). */
  readonly gitlabProvider: TerraformProvider;
  /** The workspace domain: the redirect URI is `https://<dnsZone>/auth/callback`. */
  readonly dnsZone: string;
  /**
   * The application's name as users see it when they sign in.
   * @default `GitLab workspaces (<dnsZone>)` (oauthApplicationName)
   */
  readonly name?: string;
}

/** The default name of the proxy's OAuth application for a workspace domain. */
export function oauthApplicationName(dnsZone: string): string {
  return `GitLab workspaces (${dnsZone})`;
}

/**
 * The OAuth application the workspaces proxy signs users in with, created instance-wide with
 * `gitlab_application` (confidential, scopes `api read_user openid profile`). Only an instance
 * administrator may create one, so not on GitLab.com: there, register it by hand and pass its id and
 * secret as sensitive variables. An instance-wide application should be marked Trusted (no consent screen
 * on each user's first sign-in), which only the Admin area can do: `gitlab_application` has no such
 * argument (provider 18.6).
 */
export class WorkspacesOAuthApplication extends Construct {
  readonly application: Application;

  constructor(scope: Construct, id: string, props: WorkspacesOAuthApplicationProps) {
    super(scope, id);
    this.application = new Application(this, 'application', {
      provider: props.gitlabProvider,
      name: props.name ?? oauthApplicationName(props.dnsZone),
      redirectUrl: oauthRedirectUri(props.dnsZone),
      scopes: [...PROXY_OAUTH_SCOPES],
      confidential: true,
    });
  }

  /** The client id (`application_id`). */
  get clientId(): string {
    return this.application.applicationId;
  }

  /** The client secret (sensitive). */
  get clientSecret(): string {
    return this.application.secret;
  }
}

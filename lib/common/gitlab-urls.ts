/**
 * Addresses of the GitLab side that follow from a few settings: the agent server (KAS) address, the
 * OAuth redirect URI, where an agent's config file lives, the workspace URL pattern. Pure, and imports
 * nothing: the workspace renderer (lib/workspace, loaded by the CLI without cdktf) derives the agent server
 * address with the same function as the stack.
 */

/** The agent server address on GitLab.com. */
export const GITLAB_COM_KAS_ADDRESS = 'wss://kas.gitlab.com';

/** The scopes GitLab's workspaces proxy asks its OAuth application for. */
export const PROXY_OAUTH_SCOPES = ['api', 'read_user', 'openid', 'profile'] as const;

/** Whether `url` is GitLab.com (where the agent server has its own host and no one is an instance administrator). */
export function isGitLabDotCom(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === 'gitlab.com';
  } catch {
    return false;
  }
}

/**
 * The agent server address of an instance: `wss://kas.gitlab.com` for GitLab.com, else
 * `wss://<host>[/<relative root>]/-/kubernetes-agent/` (`ws://` for an instance served over plain HTTP),
 * as GitLab's Omnibus and chart installations serve it.
 */
export function defaultKasAddress(gitlabUrl: string): string {
  if (isGitLabDotCom(gitlabUrl)) return GITLAB_COM_KAS_ADDRESS;
  const url = new URL(gitlabUrl);
  const scheme = url.protocol === 'http:' ? 'ws' : 'wss';
  const root = url.pathname.replace(/\/+$/, '');
  return `${scheme}://${url.host}${root}/-/kubernetes-agent/`;
}

/** Why a KAS address is not one the agent can use (a `wss://` or `ws://` URL with a host), or undefined. */
export function kasAddressProblem(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'a URL such as wss://kas.gitlab.com or wss://gitlab.example.com/-/kubernetes-agent/';
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    return `a wss:// (or ws://) URL: the agent connects to the agent server over WebSocket, not ${url.protocol.replace(/:$/, '')}://`;
  }
  if (url.hostname === '') return 'a URL with a host name';
  if (url.username || url.password) return 'a URL without user name or password';
  return undefined;
}

/** The GitLab REST API base URL of an instance (the GitLab provider's `base_url`). */
export function gitlabApiUrl(gitlabUrl: string): string {
  return `${gitlabUrl.replace(/\/+$/, '')}/api/v4/`;
}

/** The redirect URI of the proxy's OAuth application: `https://<dns_zone>/auth/callback`. */
export function oauthRedirectUri(dnsZone: string): string {
  return `https://${dnsZone}/auth/callback`;
}

/** Where GitLab reads an agent's config file in its project. */
export function agentConfigPath(agentName: string): string {
  return `.gitlab/agents/${agentName}/config.yaml`;
}

/** How a workspace's ports are reached through the proxy (GitLab's host template `{{.port}}-<workspace>.<dns_zone>`). */
export function workspaceUrlPattern(dnsZone: string): string {
  return `https://<port>-<workspace>.${dnsZone}`;
}

/** The SSH command for a workspace through the proxy (password: a personal access token with `read_api`). */
export function sshCommand(sshHost: string, port = 22): string {
  return `ssh ${port === 22 ? '' : `-p ${port} `}<workspace>@${sshHost}`;
}

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
 * The domains of GitLab Dedicated instances (`<tenant>.gitlab-dedicated.com`; `.gitlab-dedicated.us`
 * assumed for GitLab Dedicated for Government, not checked). Their agent server is `wss://kas.<host>`, not
 * the `/-/kubernetes-agent/` path of a self-managed instance (docs.gitlab.com, "Installing the agent for
 * Kubernetes": "On GitLab Dedicated, the agent server is available at wss://kas.<instance-domain>, for
 * example wss://kas.example.gitlab-dedicated.com"). A Dedicated instance under a custom hostname may give
 * KAS a custom hostname too and cannot be told from its URL: set `kasAddress` for it.
 */
export const GITLAB_DEDICATED_DOMAINS = ['gitlab-dedicated.com', 'gitlab-dedicated.us'] as const;

/** Whether `url` is a GitLab Dedicated instance by its domain (see GITLAB_DEDICATED_DOMAINS). */
export function isGitLabDedicated(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
    return GITLAB_DEDICATED_DOMAINS.some((d) => host.endsWith(`.${d}`));
  } catch {
    return false;
  }
}

/**
 * The agent server address of an instance: `wss://kas.gitlab.com` for GitLab.com, `wss://kas.<host>` for
 * a GitLab Dedicated instance, else `wss://<host>[/<relative root>]/-/kubernetes-agent/` (`ws://` for an
 * instance served over plain HTTP), as GitLab's Omnibus and chart installations serve it.
 */
export function defaultKasAddress(gitlabUrl: string): string {
  if (isGitLabDotCom(gitlabUrl)) return GITLAB_COM_KAS_ADDRESS;
  if (isGitLabDedicated(gitlabUrl)) return `wss://kas.${new URL(gitlabUrl).hostname.toLowerCase()}`;
  const url = new URL(gitlabUrl);
  const scheme = url.protocol === 'http:' ? 'ws' : 'wss';
  const root = url.pathname.replace(/\/+$/, '');
  return `${scheme}://${url.host}${root}/-/kubernetes-agent/`;
}

/** Top-level domains used inside organisations, never on the internet (RFC 6762 `.local`, RFC 8375 `home.arpa`, ICANN's `.internal`) or by habit (`.corp`, `.lan`, `.intranet`, `.localdomain`, `.private`). */
const PRIVATE_SUFFIXES = ['internal', 'local', 'corp', 'lan', 'intranet', 'localdomain', 'private', 'home.arpa'] as const;
/** Labels that name an internal network when they stand under a public domain (`gitlab.internal.acme.dev`). */
const PRIVATE_LABELS = ['internal', 'intranet', 'corp', 'private', 'lan'] as const;
/** The private IPv4 ranges (RFC 1918) and the shared address space of carrier-grade NAT (RFC 6598). */
const PRIVATE_IPV4: ReadonlyArray<readonly [number, number]> = [[10 << 24, 8], [(172 << 24) | (16 << 16), 12], [(192 << 24) | (168 << 16), 16], [(100 << 24) | (64 << 16), 10]];

/**
 * Why the host of `gitlabUrl` looks like it resolves to a private address, or undefined. Judged from the
 * name alone (no DNS lookup at synth): an IPv4 address in the private ranges, a single-label host
 * (`gitlab`), a private top-level domain (`.internal`, `.local`, `.corp`, `.lan`, ...), or a label such as
 * `internal` under a public domain. A public name that resolves to a private address is not detected.
 */
export function privateHostHint(gitlabUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(gitlabUrl).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ip) {
    const value = ip.slice(1).reduce((a, o) => (a << 8) | Number(o), 0);
    const inRange = PRIVATE_IPV4.some(([base, bits]) => (value >>> (32 - bits)) === (base >>> (32 - bits)));
    return inRange ? `${host} is a private address` : undefined;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return undefined; // not reachable from the cluster anyway
  const labels = host.split('.');
  if (labels.length === 1) return `${host} is a single-label name, resolved only inside a private network`;
  const suffix = PRIVATE_SUFFIXES.find((s) => host.endsWith(`.${s}`));
  if (suffix) return `${host} ends in .${suffix}, a name used only inside private networks`;
  const label = labels.slice(0, -2).find((l) => (PRIVATE_LABELS as readonly string[]).includes(l));
  if (label) return `${host} has the label "${label}", which names an internal network`;
  return undefined;
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

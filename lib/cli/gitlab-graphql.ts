/**
 * A small client of GitLab's GraphQL API (`<GitLab URL>/api/graphql`) for the CLI: Node's own `fetch`, a
 * bearer token, and every way a call can fail turned into one `GitLabApiError` with a message and a fix
 * (never a stack trace). Loads only Node built-ins.
 */

/** What went wrong talking to GitLab, and what the user does about it. */
export class GitLabApiError extends Error {
  constructor(message: string, readonly fix: string, readonly kind: GitLabApiErrorKind) {
    super(message);
    this.name = 'GitLabApiError';
  }
}

export type GitLabApiErrorKind =
  /** The token was refused (HTTP 401). */
  | 'unauthorized'
  /** The token may not do this (HTTP 403, or GitLab's "does not exist or you don't have permission"). */
  | 'forbidden'
  /** The workspaces (remote_development) feature is not licensed. */
  | 'unlicensed'
  /** The instance's schema lacks a field or type the command uses (an older GitLab). */
  | 'unsupported'
  /** No GitLab GraphQL API at the URL, a network failure or an answer that is not GitLab's. */
  | 'unreachable'
  /** Any other error GitLab reported. */
  | 'failed';

/** One entry of a GraphQL `errors` array. */
export interface GraphQLError {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

export interface GitLabGraphQLOptions {
  /** The GitLab instance's URL, such as https://gitlab.example.com (a relative URL root included). */
  readonly gitlabUrl: string;
  /** A token with the `api` scope (personal, group or project access token, or OAuth). */
  readonly token: string;
  /**
   * Give up on one request after this long.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/** GitLab's message when an object is missing or the user may not see or change it (one message for both, on purpose). */
const NOT_FOUND_OR_FORBIDDEN = /does not exist or you don't have permission/i;
const UNLICENSED = /licensed feature is not available/i;
const UNKNOWN_FIELD = /Field '([^']+)' doesn't exist on type '([^']+)'|Argument '([^']+)' on Field '([^']+)' has an invalid value|undefined type|isn't a defined input type|Expected '[^']+' to be one of/i;
const SCOPE = /insufficient[_ ]scope/i;

/** The GraphQL endpoint of an instance. */
export function graphqlEndpoint(gitlabUrl: string): string {
  return `${gitlabUrl.replace(/\/+$/, '')}/api/graphql`;
}

/**
 * Why a GitLab URL is refused, or undefined: only http(s) URLs with a host, no user name or password in
 * them, and plain HTTP only to this machine (the token would otherwise cross the network unencrypted).
 */
export function gitlabUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; give the GitLab instance's address, such as https://gitlab.example.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" is not an https:// URL`;
  if (url.username || url.password) return `"${value}" has a user name or password in it; give the token in GITLAB_TOKEN instead`;
  if (url.search || url.hash) return `"${value}" has a query or fragment; give the instance's address only`;
  if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return `"${value}" is plain HTTP: the token would cross the network unencrypted; use https://`;
  }
  return undefined;
}

/** A GraphQL client of one GitLab instance. */
export class GitLabGraphQL {
  readonly endpoint: string;

  constructor(private readonly options: GitLabGraphQLOptions) {
    this.endpoint = graphqlEndpoint(options.gitlabUrl);
  }

  /**
   * Runs a query or mutation. GraphQL errors come back with the data (GitLab answers many of them with
   * HTTP 200, some next to partial data); HTTP and transport failures throw a GitLabApiError.
   */
  async request<T>(operationName: string, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors: GraphQLError[] }> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'authorization': `Bearer ${this.options.token}`,
          'content-type': 'application/json',
          'accept': 'application/json',
        },
        body: JSON.stringify({ operationName, query, variables }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError'
        ? `no answer within ${Math.round((this.options.timeoutMs ?? 30_000) / 1000)} s`
        : (cause?.code && !cause.code.startsWith('UND_ERR') ? cause.code : cause?.message ?? cause?.code) ?? (err as Error).message;
      throw new GitLabApiError(`cannot reach ${this.endpoint} (${why})`, 'check the GitLab URL (--gitlab-url or gitlab.url) and that this machine can reach it', 'unreachable');
    }
    const text = await response.text();
    let body: { data?: T; errors?: unknown } | undefined;
    try {
      body = JSON.parse(text) as { data?: T; errors?: unknown };
    } catch {
      body = undefined;
    }
    // GitLab's GraphqlController: 401 "Invalid token" for a token it does not know, 403 "API not accessible
    // for user" for a user who may not use the API; other refusals come as GraphQL errors with HTTP 200.
    if (response.status === 401) {
      throw new GitLabApiError(`GitLab refused the token (HTTP 401 at ${this.endpoint})`,
        'GITLAB_TOKEN is invalid, expired or revoked: create a personal access token with the api scope (User settings > Access tokens) and set GITLAB_TOKEN to it', 'unauthorized');
    }
    if (response.status === 403) {
      throw new GitLabApiError(`GitLab refused the request (HTTP 403 at ${this.endpoint}${errorSummary(body?.errors)})`,
        'the token\'s user may not use the API (blocked, deactivated or awaiting approval) or the token lacks the api scope: set GITLAB_TOKEN to an active user\'s token with the api scope', 'forbidden');
    }
    if (!response.ok || body === undefined || typeof body !== 'object' || body === null) {
      const what = response.ok ? 'an answer that is not GitLab GraphQL JSON' : `HTTP ${response.status}${errorSummary(body?.errors)}`;
      throw new GitLabApiError(`${this.endpoint} gave ${what}`,
        'check the GitLab URL (--gitlab-url or gitlab.url): it is the instance\'s address, such as https://gitlab.example.com, without /api', 'unreachable');
    }
    return { data: body.data ?? undefined, errors: graphqlErrors(body.errors) };
  }
}

/** The `errors` array of a GraphQL answer, each entry reduced to its message and path. */
function graphqlErrors(errors: unknown): GraphQLError[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    const entry = (e ?? {}) as { message?: unknown; path?: unknown };
    return {
      message: serverText(typeof entry.message === 'string' ? entry.message : JSON.stringify(e) ?? 'unknown error'),
      ...(Array.isArray(entry.path) && { path: entry.path as Array<string | number> }),
    };
  });
}

/** Text a server sent, made safe to print: one line, no terminal control characters, at most 500 characters. */
export function serverText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 500);
}

function errorSummary(errors: unknown): string {
  const list = graphqlErrors(errors);
  return list.length > 0 ? `: ${list.map((e) => e.message).join('; ')}` : '';
}

/**
 * The GitLabApiError for a GraphQL `errors` array. `forbidden` is what to say when GitLab answers "does
 * not exist or you don't have permission" (it does not say which): the caller knows what was asked.
 */
export function graphqlFailure(errors: readonly GraphQLError[], forbidden: { message: string; fix: string }): GitLabApiError {
  const messages = errors.map((e) => e.message);
  const all = messages.join('; ');
  if (messages.some((m) => UNLICENSED.test(m))) {
    return new GitLabApiError(`GitLab says: ${all}`, 'workspaces need GitLab Premium or Ultimate: check the group\'s or instance\'s subscription', 'unlicensed');
  }
  if (messages.some((m) => NOT_FOUND_OR_FORBIDDEN.test(m))) {
    return new GitLabApiError(forbidden.message, forbidden.fix, 'forbidden');
  }
  if (messages.some((m) => UNKNOWN_FIELD.test(m))) {
    return new GitLabApiError(`GitLab does not know this request (${all})`,
      'the instance is older than the API this command uses (it follows GitLab 18): upgrade it, or use the group\'s Settings > Workspaces', 'unsupported');
  }
  if (messages.some((m) => SCOPE.test(m))) {
    return new GitLabApiError(`GitLab says: ${all}`, 'set GITLAB_TOKEN to a token with the api scope', 'forbidden');
  }
  return new GitLabApiError(`GitLab says: ${all}`, 'see the message; the group\'s Settings > Workspaces does the same by hand', 'failed');
}

import { agentConfigPath, defaultKasAddress, gitlabApiUrl, isGitLabDedicated, isGitLabDotCom, kasAddressProblem, oauthRedirectUri, privateHostHint, sshCommand } from '../../lib/common/gitlab-urls';
import { MIN_PROXY_CHART_VERSION, versionAtLeast } from '../../lib/gitlab/versions';

describe('the agent server address', () => {
  it.each([
    ['https://gitlab.com', 'wss://kas.gitlab.com'],
    ['https://GitLab.com/', 'wss://kas.gitlab.com'],
    ['https://gitlab.example.com', 'wss://gitlab.example.com/-/kubernetes-agent/'],
    ['https://gitlab.example.com:8443/', 'wss://gitlab.example.com:8443/-/kubernetes-agent/'],
    ['https://example.com/gitlab', 'wss://example.com/gitlab/-/kubernetes-agent/'],
    ['http://gitlab.internal', 'ws://gitlab.internal/-/kubernetes-agent/'],
    ['https://acme.gitlab-dedicated.com', 'wss://kas.acme.gitlab-dedicated.com'],
    ['https://Acme.GitLab-Dedicated.com/', 'wss://kas.acme.gitlab-dedicated.com'],
    ['https://agency.gitlab-dedicated.us', 'wss://kas.agency.gitlab-dedicated.us'],
  ])('of %s is %s', (url, kas) => {
    expect(defaultKasAddress(url)).toBe(kas);
  });

  it('is on GitLab.com only for gitlab.com itself', () => {
    expect(isGitLabDotCom('https://gitlab.com')).toBe(true);
    expect(isGitLabDotCom('https://gitlab.com.example.net')).toBe(false);
    expect(isGitLabDotCom('not a url')).toBe(false);
  });

  it('is on GitLab Dedicated for its tenant domains only', () => {
    expect(isGitLabDedicated('https://acme.gitlab-dedicated.com')).toBe(true);
    expect(isGitLabDedicated('https://gitlab-dedicated.com')).toBe(false);
    expect(isGitLabDedicated('https://acme.gitlab-dedicated.com.evil.example')).toBe(false);
    expect(isGitLabDedicated('not a url')).toBe(false);
  });

  it('must be a wss:// or ws:// URL with a host', () => {
    expect(kasAddressProblem('wss://kas.gitlab.com')).toBeUndefined();
    expect(kasAddressProblem('ws://kas.internal:8150')).toBeUndefined();
    expect(kasAddressProblem('https://kas.gitlab.com')).toMatch(/^a wss:\/\/ \(or ws:\/\/\) URL: .* not https:\/\/$/);
    expect(kasAddressProblem('grpc://kas.internal:8150')).toMatch(/not grpc:\/\//);
    expect(kasAddressProblem('kas.gitlab.com')).toMatch(/^a URL such as/);
    expect(kasAddressProblem('wss://user:pw@kas.gitlab.com')).toBe('a URL without user name or password');
  });
});

describe('addresses of the GitLab side', () => {
  it('names the API, the redirect URI, the agent config file and the SSH command', () => {
    expect(gitlabApiUrl('https://gitlab.example.com/')).toBe('https://gitlab.example.com/api/v4/');
    expect(oauthRedirectUri('ws.example.dev')).toBe('https://ws.example.dev/auth/callback');
    expect(agentConfigPath('workspaces')).toBe('.gitlab/agents/workspaces/config.yaml');
    expect(sshCommand('ssh.ws.example.dev')).toBe('ssh <workspace>@ssh.ws.example.dev');
    expect(sshCommand('ssh.ws.example.dev', 2222)).toBe('ssh -p 2222 <workspace>@ssh.ws.example.dev');
  });
});

describe('chart versions', () => {
  it.each([['0.1.23', true], ['0.1.25', true], ['0.2.0', true], ['1.0.0', true], ['0.1.22', false], ['0.1.9', false], ['0.0.99', false], ['0.1.25-rc1', true], ['v0.1.24', true], ['0.1.22-rc9', false]])('%s is at least 0.1.23: %s', (v, ok) => {
    expect(versionAtLeast(v, MIN_PROXY_CHART_VERSION)).toBe(ok);
  });
});

describe('a GitLab URL that looks private (judged from the name, no DNS)', () => {
  it.each([
    ['https://10.1.2.3', /private address/],
    ['https://172.31.255.1:8443', /private address/],
    ['https://192.168.0.10', /private address/],
    ['https://100.64.1.1', /private address/],
    ['https://gitlab', /single-label/],
    ['https://gitlab.acme.internal', /\.internal/],
    ['https://gitlab.local', /\.local/],
    ['https://git.acme.corp/', /\.corp/],
    ['https://gitlab.lan', /\.lan/],
    ['https://gitlab.home.arpa', /\.home\.arpa/],
    ['https://gitlab.internal.acme.dev', /label "internal"/],
  ])('%s', (url, hint) => {
    expect(privateHostHint(url)).toMatch(hint);
  });

  it.each(['https://gitlab.com', 'https://gitlab.acme.dev', 'https://8.8.8.8', 'https://172.32.0.1', 'https://internal.dev', 'not a url'])('not %s', (url) => {
    expect(privateHostHint(url)).toBeUndefined();
  });
});

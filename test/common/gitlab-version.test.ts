import {
  compareGitLabVersions,
  DEFAULT_GITLAB_VERSION,
  GITLAB_CHANGES,
  gitlabBehaviour,
  gitlabVersionFromValue,
  parseGitLabVersion,
  SUPPORTED_GITLAB_VERSIONS,
} from '../../lib/common/gitlab-version';

describe('parseGitLabVersion', () => {
  it.each([
    ['18.9', '18.9'],
    ['18.9.1', '18.9'],
    ['v18.4.0-ee', '18.4'],
    [' 18.2 ', '18.2'],
    ['18.5.0-pre', '18.5'],
  ])('reads %j as %s', (text, version) => {
    expect(parseGitLabVersion(text)).toEqual({ ok: true, value: version });
  });

  it.each([
    ['17.11', /GitLab 17\.11 is not supported \(supported: 18\.2 to 18\.9\)/],
    ['18.1', /GitLab 18\.1 is not supported/],
    ['18.10', /GitLab 18\.10 is newer than this tool knows \(supported: 18\.2 to 18\.9\)/],
    ['19.0', /newer than this tool knows/],
    ['latest', /"latest" is not a GitLab version such as 18\.9/],
    ['18', /is not a GitLab version/],
  ])('refuses %j with a message that says what is supported', (text, message) => {
    const r = parseGitLabVersion(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('gitlabBehaviour', () => {
  it('defaults to the newest supported version', () => {
    expect(DEFAULT_GITLAB_VERSION).toBe(SUPPORTED_GITLAB_VERSIONS[SUPPORTED_GITLAB_VERSIONS.length - 1]);
    expect(gitlabBehaviour().version).toBe('18.9');
  });

  it('keys each difference to the version that introduced it (issue 8)', () => {
    const at = (v: Parameters<typeof gitlabBehaviour>[0]) => gitlabBehaviour(v);
    expect([at('18.3').execWorkingDir, at('18.4').execWorkingDir]).toEqual([false, true]);
    expect([at('18.3').proxyEnablementSettings, at('18.4').proxyEnablementSettings]).toEqual([false, true]);
    expect([at('18.4').perComponentPostStart, at('18.5').perComponentPostStart]).toEqual([false, true]);
    expect([at('18.5').hostUsersFixed, at('18.6').hostUsersFixed]).toEqual([false, true]);
    expect([at('18.3').agentw, at('18.4').agentw]).toEqual([false, true]);
    expect([at('18.7').mountSourcesRefused, at('18.8').mountSourcesRefused]).toEqual([false, true]);
    expect(at('18.2').toolsInjectorImage).toContain('20250627091546-workspaces-tools@sha256:9bf96edd');
    expect(at('18.9').toolsInjectorImage).toContain('20250903132715-workspaces-tools@sha256:0f92a034');
  });

  it('once a change is in, every later version has it (the table only adds)', () => {
    for (const change of GITLAB_CHANGES) {
      for (const v of SUPPORTED_GITLAB_VERSIONS) {
        const b = gitlabBehaviour(v) as unknown as Record<string, unknown>;
        const applies = compareGitLabVersions(change.since, v) <= 0;
        for (const [key, value] of Object.entries(change.set)) {
          const laterChange = GITLAB_CHANGES.some((c) => key in c.set && compareGitLabVersions(c.since, change.since) > 0 && compareGitLabVersions(c.since, v) <= 0);
          if (applies && !laterChange) expect(b[key]).toEqual(value);
          if (!applies) expect(b[key]).not.toEqual(value);
        }
      }
    }
  });

  it('lists the changes oldest first, each with a description', () => {
    const since = GITLAB_CHANGES.map((c) => c.since);
    expect([...since].sort(compareGitLabVersions)).toEqual(since);
    for (const c of GITLAB_CHANGES) expect(c.what.length).toBeGreaterThan(10);
  });
});

describe('gitlabVersionFromValue', () => {
  it('reads strings and refuses numbers with the quoting to use (YAML reads 18.10 as 18.1)', () => {
    expect(gitlabVersionFromValue('18.4')).toEqual({ ok: true, value: '18.4' });
    const n = gitlabVersionFromValue(18.9);
    expect(n.ok).toBe(false);
    if (!n.ok) expect(n.message).toMatch(/write "18\.9" in quotes/);
    expect(gitlabVersionFromValue(null).ok).toBe(false);
  });
});

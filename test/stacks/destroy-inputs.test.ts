/**
 * Destroying the platform stack needs none of the secrets that only creating uses (agent token, OAuth
 * client, registry credentials): their variables default to null, a precondition requires them on every
 * normal plan, and the resources that use them never see a null.
 */
import { Synthesized } from '../helpers/synthesized';
import { configFromText, GITLAB_CONFIG, REQUIRED_CONFIG, synthApp } from './helpers';

const CREATE_ONLY = ['gitlab_agent_token', 'gitlab_oauth_client_id', 'gitlab_oauth_client_secret', 'registry_dockerconfigjson'];

/** The one terraform_data that checks the variables. */
function inputCheck(p: Synthesized): { address: string; preconditions: { condition: string; error_message: string }[] } {
  const check = p.onlyWhere('terraform_data', (d) => d.lifecycle?.precondition !== undefined && d.provisioner === undefined);
  return { address: p.addressOf('terraform_data', check), preconditions: check.lifecycle.precondition };
}

describe('the platform stack\'s create-only variables', () => {
  const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  imagePullSecret: {}\n`)).platform.s;

  it('default to null, so destroy asks for none of them, and stay sensitive', () => {
    expect(Object.keys(p.doc.variable).sort()).toEqual([...CREATE_ONLY].sort());
    for (const name of CREATE_ONLY) {
      expect(p.doc.variable[name]).toMatchObject({ type: 'string', sensitive: true, nullable: true, default: null });
      expect(p.doc.variable[name].description).toMatch(/not to destroy it$/);
    }
    // Every root variable has a default: Terraform prompts for none on `destroy`.
    for (const v of Object.values(p.doc.variable) as Array<Record<string, unknown>>) expect('default' in v).toBe(true);
  });

  it('are required on every normal plan by a precondition naming the TF_VAR_ to set', () => {
    const { preconditions } = inputCheck(p);
    const byName = Object.fromEntries(preconditions.map((c) => [/var\.(\w+) != null/.exec(c.condition)![1], c]));
    expect(Object.keys(byName).sort()).toEqual([...CREATE_ONLY].sort());
    for (const name of CREATE_ONLY) {
      expect(byName[name].condition).toBe(`\${(var.${name} != null)}`);
      expect(byName[name].error_message).toMatch(new RegExp(`^Set TF_VAR_${name}: .*It may be left unset only to destroy the stack\\.$`));
    }
    expect(preconditions).toHaveLength(CREATE_ONLY.length);
  });

  it('reach the resources only null-safe (an empty string in the refresh before a destroy), and those resources wait for the check', () => {
    const { address } = inputCheck(p);
    const users: string[] = [];
    for (const [type, bodies] of Object.entries(p.doc.resource) as Array<[string, Record<string, Record<string, unknown>>]>) {
      for (const [name, body] of Object.entries(bodies)) {
        if (`${type}.${name}` === address) continue;
        const text = JSON.stringify({ ...body, depends_on: undefined });
        for (const v of CREATE_ONLY) {
          if (!text.includes(`var.${v}`)) continue;
          // Only as `(var.x == null) ? "" : var.x`, never the bare variable.
          expect(text.replace(new RegExp(`\\(var\\.${v} == null\\) \\? \\\\"\\\\" : var\\.${v}`, 'g'), '')).not.toContain(`var.${v}`);
          users.push(`${type}.${name}`);
        }
      }
    }
    expect(users.length).toBeGreaterThanOrEqual(CREATE_ONLY.length);
    // The agent, the proxy and the registry Secret are planned after the check: a failed check stops them.
    const dependsOnCheck = (b: Record<string, unknown>) => ((b.depends_on as string[] | undefined) ?? []).includes(address);
    expect(dependsOnCheck(p.release('workspaces'))).toBe(true);
    expect(dependsOnCheck(p.onlyWhere('helm_release', (r) => /proxy/.test(r.chart)))).toBe(true);
    expect(dependsOnCheck(p.onlyWhere('kubernetes_secret_v1', (x) => x.type === 'kubernetes.io/dockerconfigjson'))).toBe(true);
  });
});

describe('the GitLab API token', () => {
  it('stays required: the GitLab provider needs it to delete what the stack registered', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}${GITLAB_CONFIG}  agent:\n    project: acme/platform/workspaces-agent\n`)).platform.s;
    expect(p.doc.variable.gitlab_token).toMatchObject({ sensitive: true, nullable: false });
    expect('default' in p.doc.variable.gitlab_token).toBe(false);
    // The agent token comes from GitLab: no agent token variable, and the OAuth ones still create-only.
    expect(p.doc.variable.gitlab_agent_token).toBeUndefined();
    expect(inputCheck(p).preconditions.map((c) => c.condition).sort()).toEqual(['${(var.gitlab_oauth_client_id != null)}', '${(var.gitlab_oauth_client_secret != null)}']);
  });

  it('with nothing create-only, no check at all', () => {
    const p = synthApp(configFromText(`${REQUIRED_CONFIG}gitlab:\n  url: https://gitlab.acme.dev\n  dnsZone: workspaces.acme.dev\n  oauth: instance-application\n  agent:\n    project: acme/platform/workspaces-agent\n`)).platform.s;
    expect(p.all('terraform_data').filter((d) => d.lifecycle?.precondition && !d.provisioner)).toEqual([]);
    expect(Object.keys(p.doc.variable)).toEqual(['gitlab_token']);
  });
});

/**
 * doctor's planner: the outputs file shapes it reads, and the names it looks for, checked against what the
 * stacks synthesize for the examples (the constructs' names live in cdktf modules the CLI may not load, so
 * the planner repeats them: these tests keep the two in step).
 */
import { join } from 'path';
import { loadDoctorFacts } from '../../lib/cli/doctor-config';
import { DoctorFacts, parseOutputs, parseSshCommand, planDoctor, zoneOfUrlPattern } from '../../lib/cli/doctor-plan';
import { EXAMPLES, loadExample, synthApp } from '../stacks/helpers';

function facts(example: string): DoctorFacts {
  const loaded = loadDoctorFacts(join(EXAMPLES, example, 'workspaces.config.yaml'), example);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.value;
}

describe('parseOutputs', () => {
  const expected = { ssh_command: 'ssh <workspace>@ssh.ws.test', cluster_name: 'c' };

  it('reads `cdktf output --outputs-file` (by stack), `terraform output -json` (wrapped) and flat files', () => {
    expect(parseOutputs(JSON.stringify({ c: { cluster_name: 'c' }, 'c-platform': { ssh_command: 'ssh <workspace>@ssh.ws.test' } }))).toEqual(expected);
    expect(parseOutputs(JSON.stringify({ cluster_name: { value: 'c', type: 'string', sensitive: false }, ssh_command: { value: 'ssh <workspace>@ssh.ws.test', type: 'string' } }))).toEqual(expected);
    expect(parseOutputs(JSON.stringify({ clusterName: 'c', sshCommand: 'ssh <workspace>@ssh.ws.test', other: 1 }))).toEqual(expected);
  });

  it('is undefined for text that is not a JSON object', () => {
    expect(parseOutputs('not json')).toBeUndefined();
    expect(parseOutputs('[1]')).toBeUndefined();
  });

  it('reads the SSH host and port, and the workspace domain, from the outputs the stack writes', () => {
    expect(parseSshCommand('ssh <workspace>@ssh.ws.test')).toEqual({ host: 'ssh.ws.test', port: 22 });
    expect(parseSshCommand('ssh -p 2222 <workspace>@ssh.ws.test')).toEqual({ host: 'ssh.ws.test', port: 2222 });
    expect(zoneOfUrlPattern('https://<port>-<workspace>.ws.test')).toBe('ws.test');
  });
});

describe('planDoctor', () => {
  it('takes the deployed values from the outputs and reports where the config says otherwise', () => {
    const plan = planDoctor({ facts: facts('default'), outputs: { workspace_url_pattern: 'https://<port>-<workspace>.deployed.test', ssh_command: 'ssh -p 2222 <workspace>@ssh.deployed.test' } });
    expect(plan.proxy).toMatchObject({ dnsZone: 'deployed.test', sshHost: 'ssh.deployed.test', sshPort: 2222 });
    expect(plan.mismatches).toEqual([
      expect.stringContaining('the workspace domain: the config says workspaces.example.com, the workspace_url_pattern output deployed.test'),
      expect.stringContaining('the SSH host name: the config says ssh.workspaces.example.com'),
      expect.stringContaining('the SSH port: the config says 22'),
    ]);
  });

  it('has no proxy checks with proxy: disabled, and no GitLab checks without a gitlab section', () => {
    expect(planDoctor({ facts: facts('proxy-disabled'), outputs: {} }).proxy).toBeUndefined();
    const noGitLab = { ...facts('default'), gitlab: undefined };
    const plan = planDoctor({ facts: noGitLab, outputs: {} });
    expect(plan.agent).toBeUndefined();
    expect(plan.gitlab).toBeUndefined();
  });
});

describe('the names doctor looks for are the ones the stacks create', () => {
  it.each(['default', 'sysbox', 'kata', 'user-namespaces'])('%s example', (example) => {
    const plan = planDoctor({ facts: facts(example), outputs: {} });
    const app = synthApp(loadExample(example));
    const s = app.platform.s;
    const config = loadExample(example);

    // The agent's and the proxy's Helm releases, in the namespaces doctor lists pods in.
    expect(s.release(plan.agent!.release).namespace).toBe(plan.agent!.namespace);
    expect(s.release(plan.proxy!.release).namespace).toBe(plan.proxy!.namespace);
    expect(s.release(plan.autoscaler.release).namespace).toBe(plan.autoscaler.namespace);
    // The default StorageClass, the RuntimeClass and their outputs.
    const outputs = app.platform.s.doc.output as Record<string, { value: unknown }>;
    expect(s.only('kubernetes_storage_class_v1').metadata.name).toBe(plan.storageClass);
    expect(outputs.default_storage_class.value).toBe('${kubernetes_storage_class_v1.' + Object.keys(s.resources('kubernetes_storage_class_v1'))[0] + '.metadata[0].name}');
    if (plan.runtime.runtimeClass) {
      // A kubernetes_manifest (the provider's kubernetes_runtime_class_v1 has no scheduling or overhead).
      const rc = s.onlyWhere('kubernetes_manifest', (r) => r.manifest?.kind === 'RuntimeClass').manifest;
      expect(rc.metadata.name).toBe(plan.runtime.runtimeClass.name);
      expect(rc.handler).toBe(plan.runtime.runtimeClass.handler);
    } else {
      expect(s.all('kubernetes_manifest').filter((r) => r.manifest?.kind === 'RuntimeClass')).toEqual([]);
    }
    // The installer DaemonSet (Sysbox: a kubernetes_daemon_set_v1; Kata: the kata-deploy chart's release).
    if (config.runtime === 'sysbox') {
      expect(s.onlyWhere('kubernetes_daemon_set_v1', (d) => d.metadata.name === plan.runtime.installer!.daemonSet).metadata.namespace).toBe(plan.runtime.installer!.namespace);
    } else if (config.runtime === 'kata') {
      expect(s.release(plan.runtime.installer!.daemonSet).namespace).toBe(plan.runtime.installer!.namespace);
    } else {
      expect(plan.runtime.installer).toBeUndefined();
    }
    // The label of the runtime's workspace nodes, on the cluster stack's workspace node groups.
    if (plan.runtime.nodeLabel) {
      const groups = app.cluster.s.all('aws_eks_node_group').filter((g) => g.labels?.[plan.runtime.nodeLabel!.key] !== undefined);
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.every((g) => g.labels[plan.runtime.nodeLabel!.key] === plan.runtime.nodeLabel!.value)).toBe(true);
    }
    // The outputs doctor reads exist under the names it reads.
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ssh_command', 'ssh_host_key_fingerprint', 'workspace_url_pattern', 'load_balancer_dns_name', 'agent_config']));
    expect(Object.keys(app.cluster.s.doc.output)).toEqual(expect.arrayContaining(['cluster_name', 'region']));
  });
});

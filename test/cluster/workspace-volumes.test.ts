/**
 * The destroy-time scripts of VolumeKeyGuard and WorkspaceVolumeCleanup, run for real with /bin/sh against
 * stub `aws`, `kubectl` and `sleep` commands that record how they were called.
 */
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdktf';
import { VolumeKeyGuard, WorkspaceVolumeCleanup } from '../../lib/cluster/workspace-volumes';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab';

interface Stubs {
  /** Lines `describe-volumes` prints, one entry per call (the last repeats). */
  readonly volumes: string[];
  /**
   * Commands left out: PATH is then the stubs' folder alone (so a real `aws` or `kubectl` on the
   * machine is not found either).
   */
  readonly without?: string[];
}

/** Runs a provisioner's command as Terraform would, with the environment it declares resolved by hand. */
function run(provisioner: { command: string; interpreter: string[] }, env: Record<string, string>, stubs: Stubs) {
  const dir = mkdtempSync(join(tmpdir(), 'stubs-'));
  try {
    const log = join(dir, 'calls.log');
    writeFileSync(join(dir, 'volumes.json'), JSON.stringify(stubs.volumes));
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    const stubbed = (name: string) => !stubs.without?.includes(name);
    if (stubbed('aws')) stub('aws', `case "$*" in
  *describe-volumes*) n=$(grep -c describe-volumes "${log}"); node -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.stdout.write(v[Math.min(Number(process.argv[2])-1, v.length-1)])' "${join(dir, 'volumes.json')}" "$n" ;;
esac`);
    if (stubbed('kubectl')) stub('kubectl', '');
    stub('sleep', '');
    const [shell, flag] = provisioner.interpreter;
    const path = stubs.without ? dir : `${dir}:${process.env.PATH}`;
    const result = spawnSync(shell, [flag, provisioner.command], { env: { PATH: path, ...env }, encoding: 'utf8' });
    return { ...result, calls: existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function provisionerOf(build: (scope: import('constructs').Construct) => void) {
  const json = Testing.synthScope(build);
  expect(unresolvedReferences(json)).toEqual([]);
  const data = new Synthesized(json).only('terraform_data');
  return { data, exec: data.provisioner[0]['local-exec'] };
}

describe('VolumeKeyGuard', () => {
  const { data, exec } = provisionerOf((scope) => new VolumeKeyGuard(scope, 'guard', { volumeKeyArn: KEY, region: 'eu-west-1', protects: [] }));
  const env = { KEY_ARN: data.input.volume_key_arn, REGION: data.input.region };

  it('runs at destroy only, with the key and region from its own state', () => {
    expect(exec).toMatchObject({ when: 'destroy', environment: { KEY_ARN: '${self.input.volume_key_arn}', REGION: '${self.input.region}' } });
    expect(data.input).toEqual({ volume_key_arn: KEY, region: 'eu-west-1' });
  });

  it('lets destroy go on when no volume the EBS CSI driver made is encrypted with the key', () => {
    const r = run(exec, env, { volumes: [''] });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toContain('ec2 describe-volumes --region eu-west-1 --output text');
    expect(r.calls[0]).toContain('Name=tag:ebs.csi.aws.com/cluster,Values=true');
    expect(r.calls[0]).toContain(`Volumes[?KmsKeyId=='${KEY}']`);
  });

  it('fails the destroy, naming each volume and its claim, while any is left', () => {
    const r = run(exec, env, { volumes: ['vol-0abc\tin-use\tgl-rd-ns-7-1-abc\tworkspace-7-1-abc-gl-workspace-data\nvol-0def\tavailable\tshared\tws-cache\n'] });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Refusing to destroy: these workspace volumes (EBS volume, state, namespace, claim) are encrypted with ${KEY}`);
    expect(r.stderr).toContain('vol-0abc\tin-use\tgl-rd-ns-7-1-abc\tworkspace-7-1-abc-gl-workspace-data');
    expect(r.stderr).toContain('vol-0def');
    expect(r.stderr).toContain('storage.workspaceVolumesOnDestroy: delete');
  });

  it('checks for the AWS CLI first, and says what is missing and that nothing was destroyed', () => {
    const r = run(exec, env, { volumes: [''], without: ['aws'] });
    expect(r.status).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toContain('Refusing to destroy: the workspace volume guard');
    expect(r.stderr).toMatch(/needs these commands on PATH where Terraform runs, and they are missing: aws \(the AWS CLI v2/);
    expect(r.stderr).toContain('Nothing has been destroyed by this step');
  });

  it('stops every plan, on a machine without /bin/sh, with a precondition that says why', () => {
    expect(exec.interpreter).toEqual(['/bin/sh', '-c']);
    expect(data.lifecycle.precondition).toEqual([{
      condition: '${fileexists("/bin/sh")}',
      error_message: expect.stringMatching(/^The workspace volume guard \(VolumeKeyGuard\) runs \/bin\/sh where Terraform runs, at destroy, and this machine has no \/bin\/sh: run Terraform from Linux, macOS or WSL/),
    }]);
  });
});

describe('WorkspaceVolumeCleanup', () => {
  const { data, exec } = provisionerOf((scope) => new WorkspaceVolumeCleanup(scope, 'cleanup', { clusterName: 'c', region: 'eu-west-1', volumeKeyArn: KEY, timeoutSeconds: 30 }));
  const env = { CLUSTER: data.input.cluster_name, REGION: data.input.region, KEY_ARN: data.input.volume_key_arn, TIMEOUT: String(data.input.timeout_seconds) };

  it('deletes the workspaces\' Deployments, then their claims, then waits until their volumes are gone', () => {
    const r = run(exec, env, { volumes: ['vol-0abc\tdeleting\tns\tclaim\n', 'vol-0abc\tdeleting\tns\tclaim\n', ''] });
    expect(r.status).toBe(0);
    expect(r.calls[0]).toMatch(/^aws eks update-kubeconfig --name c --region eu-west-1 --kubeconfig \S+$/);
    expect(r.calls[1]).toMatch(/^kubectl --kubeconfig \S+ delete deployments --all-namespaces -l agent\.gitlab\.com\/id --wait=true --timeout=30s$/);
    expect(r.calls[2]).toMatch(/^kubectl --kubeconfig \S+ delete persistentvolumeclaims --all-namespaces -l agent\.gitlab\.com\/id --wait=true --timeout=30s$/);
    expect(r.calls.filter((c) => c.includes('describe-volumes'))).toHaveLength(3);
    expect(r.calls.filter((c) => c.startsWith('sleep'))).toHaveLength(2);
  });

  it('fails, naming the volumes, when they are not gone in time (a claim outside GitLab, reclaim policy Retain)', () => {
    const r = run(exec, env, { volumes: ['vol-0keep\tavailable\tother\tdata\n'] });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('were not deleted in time');
    expect(r.stderr).toContain('vol-0keep');
    expect(r.calls.filter((c) => c.startsWith('sleep'))).toHaveLength(3);
  });

  it('checks for kubectl and the AWS CLI before it deletes anything, naming each one missing', () => {
    const noKubectl = run(exec, env, { volumes: [''], without: ['kubectl'] });
    expect(noKubectl.status).toBe(1);
    expect(noKubectl.calls).toEqual([]);
    expect(noKubectl.stderr).toMatch(/missing: kubectl \(to delete the workspaces and their claims\);\n/);
    expect(noKubectl.stderr).toContain('No workspace or claim has been deleted');
    const neither = run(exec, env, { volumes: [''], without: ['aws', 'kubectl'] });
    expect(neither.status).toBe(1);
    expect(neither.calls).toEqual([]);
    expect(neither.stderr).toMatch(/missing: aws \(the AWS CLI v2[^)]*\); kubectl \(/);
  });

  it('stops every plan, on a machine without /bin/sh, with a precondition', () => {
    expect(data.lifecycle.precondition).toEqual([{ condition: '${fileexists("/bin/sh")}', error_message: expect.stringContaining('The workspace volume cleanup (WorkspaceVolumeCleanup) runs /bin/sh') }]);
  });

  it('stops at the first failing step (set -e): no claim is deleted without a working kubeconfig', () => {
    const failing = { ...exec, command: exec.command.replace('aws eks update-kubeconfig', 'false; aws eks update-kubeconfig') };
    const r = run(failing, env, { volumes: [''] });
    expect(r.status).not.toBe(0);
    expect(r.calls).toEqual([]);
  });
});

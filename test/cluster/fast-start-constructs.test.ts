/**
 * The fast-start and backup constructs on their own: WorkspaceHeadroom, ImagePrePuller,
 * WorkspaceVolumeBackups and DefaultStorageClass's volume tags (the ready app's use of them:
 * test/stacks/fast-start.test.ts).
 */
import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DefaultStorageClass, ImagePrePuller, WorkspaceHeadroom, WorkspaceVolumeBackups } from '../../lib/cluster';
import { Synthesized } from '../helpers/synthesized';

function kubeStack() {
  const stack = new TerraformStack(Testing.app(), 'test');
  const kubernetesProvider = new KubernetesProvider(stack, 'kubernetes', {});
  const namespace = new NamespaceV1(stack, 'ns', { provider: kubernetesProvider, metadata: { name: 'warm' } });
  return { stack, kubernetesProvider, namespace };
}

describe('WorkspaceHeadroom', () => {
  it('makes one Deployment per zone with the zone in its node selector, and one across zones without a zone', () => {
    const { stack, kubernetesProvider, namespace } = kubeStack();
    new WorkspaceHeadroom(stack, 'h', {
      kubernetesProvider, namespace, replicasPerZone: 3, requests: { cpu: '2', memory: '4Gi' },
      zones: [{ id: 'a', zone: 'eu-west-1a' }, { id: 'all' }], nodeSelector: { pool: 'workspaces' },
      tolerations: [{ key: 'runtime', operator: 'Equal', value: 'kata', effect: 'NoSchedule' }],
    });
    const s = new Synthesized(Testing.synth(stack));
    const [a, all] = ['workspace-headroom-a', 'workspace-headroom-all'].map((n) => s.onlyWhere('kubernetes_deployment_v1', (d) => d.metadata.name === n));
    expect(a.spec.template.spec.node_selector).toEqual({ pool: 'workspaces', 'topology.kubernetes.io/zone': 'eu-west-1a' });
    expect(all.spec.template.spec.node_selector).toEqual({ pool: 'workspaces' });
    expect(a.spec.replicas).toBe('3');
    expect(a.spec.template.spec.container[0].resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(a.spec.template.spec.toleration).toEqual([{ key: 'runtime', operator: 'Equal', value: 'kata', effect: 'NoSchedule' }]);
    expect(a.wait_for_rollout).toBe(false);
  });

  it('refuses no replicas and placeholders without requests', () => {
    const { stack, kubernetesProvider, namespace } = kubeStack();
    const base = { kubernetesProvider, namespace, zones: [{ id: '0' }], nodeSelector: {} };
    expect(() => new WorkspaceHeadroom(stack, 'zero', { ...base, replicasPerZone: 0, requests: { cpu: '1' } })).toThrow(/replicasPerZone must be a whole number of at least 1/);
    expect(() => new WorkspaceHeadroom(stack, 'empty', { ...base, replicasPerZone: 1, requests: {} })).toThrow(/placeholders need requests/);
  });
});

describe('ImagePrePuller', () => {
  it('pulls each image in an init container that runs the copied static binary, and refuses an empty list', () => {
    const { stack, kubernetesProvider, namespace } = kubeStack();
    new ImagePrePuller(stack, 'p', { kubernetesProvider, namespace, images: ['a:1', 'b@sha256:' + 'b'.repeat(64)], nodeSelector: { pool: 'workspaces' } });
    const ds = new Synthesized(Testing.synth(stack)).only('kubernetes_daemon_set_v1');
    const spec = ds.spec.template.spec;
    expect(spec.init_container.map((c: { name: string }) => c.name)).toEqual(['copy-true', 'pull-1', 'pull-2']);
    expect(spec.init_container[1].volume_mount).toEqual([{ name: 'tools', mount_path: '/prepull', read_only: true }]);
    expect(spec.volume).toEqual([{ name: 'tools', empty_dir: { size_limit: '8Mi' } }]);
    expect(spec.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    expect(() => new ImagePrePuller(stack, 'none', { kubernetesProvider, namespace, images: [], nodeSelector: {} })).toThrow(/no images/);
  });
});

describe('DefaultStorageClass volumeTags', () => {
  it('writes one tagSpecification_<n> parameter per tag', () => {
    const { stack, kubernetesProvider } = kubeStack();
    new DefaultStorageClass(stack, 'sc', { kubernetesProvider, volumeTags: { 'gitlab-workspaces/backup': 'c1', team: 'dev' } });
    const sc = new Synthesized(Testing.synth(stack)).only('kubernetes_storage_class_v1');
    expect(sc.parameters).toMatchObject({ tagSpecification_1: 'gitlab-workspaces/backup=c1', tagSpecification_2: 'team=dev' });
  });
});

describe('WorkspaceVolumeBackups', () => {
  it('names vault, plan and selection within AWS Backup\'s 50 characters and refuses a long role prefix', () => {
    const stack = new TerraformStack(Testing.app(), 'aws');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const long = 'c'.repeat(60);
    new WorkspaceVolumeBackups(stack, 'b', {
      clusterName: long, volumeKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k', partition: 'aws',
      schedule: 'cron(0 3 * * ? *)', retentionDays: 7, roleNamePrefix: 'c-backup-',
    });
    const s = new Synthesized(Testing.synth(stack));
    for (const type of ['aws_backup_vault', 'aws_backup_plan', 'aws_backup_selection']) expect(s.only(type).name.length).toBeLessThanOrEqual(50);
    expect(s.only('aws_backup_plan').rule[0]).toMatchObject({ start_window: 60, lifecycle: { delete_after: 7 }, recovery_point_tags: { 'gitlab-workspaces/backup': long } });
    expect(s.only('aws_backup_selection').condition[0].string_equals[0].value).toBe(long);
    expect(() => new WorkspaceVolumeBackups(stack, 'b2', {
      clusterName: 'x', volumeKeyArn: 'k', partition: 'aws', schedule: 'cron(0 3 * * ? *)', retentionDays: 7, roleNamePrefix: 'p'.repeat(39),
    })).toThrow(/at most 38/);
  });
});

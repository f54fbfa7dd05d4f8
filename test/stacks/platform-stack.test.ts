/**
 * The default config's platform stack: what talks to the Kubernetes API (storage class, autoscaler),
 * through providers configured from the cluster stack's outputs, and what destroy does to workspace volumes.
 */
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { dependencyCycle, resourceAddresses } from '../helpers/dependency-graph';
import { Synthesized } from '../helpers/synthesized';
import { unknownAttributes } from '../helpers/provider-attributes';
import { unresolvedReferences } from '../helpers/terraform-references';
import { configFromText, GITLAB_CONFIG, loadExample, REQUIRED_CONFIG, SynthesizedApp, synthApp } from './helpers';

Testing.setupJest();

/** `${data.terraform_remote_state.<x>.outputs.<output>}` -> the cluster stack's output body it reads. */
function remoteOutput(app: SynthesizedApp, reference: string): { value: string } {
  const m = /^\$\{(?:base64decode\()?data\.terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)\)?\}$/.exec(reference);
  if (!m) throw new Error(`not a remote state reference: ${reference}`);
  return app.cluster.s.output(m[1]) as { value: string };
}

describe('the default platform stack', () => {
  let app: SynthesizedApp;
  let json: string;
  let s: Synthesized;

  beforeAll(() => {
    app = synthApp(loadExample('default'));
    ({ json, s } = app.platform);
  });

  it('is named after the cluster and has every reference resolving', () => {
    expect(app.platform.id).toBe('gitlab-workspaces-platform');
    expect(unresolvedReferences(json)).toEqual([]);
    expect(unknownAttributes(json)).toEqual([]);
  });

  describe('providers', () => {
    it('configures Kubernetes and Helm from the cluster stack\'s endpoint and CA, with `aws eks get-token` credentials', () => {
      const [kubernetes] = s.doc.provider.kubernetes;
      const cluster = `\${aws_eks_cluster.${Object.keys(app.cluster.s.resources('aws_eks_cluster'))[0]}`;
      expect(remoteOutput(app, kubernetes.host).value).toBe(`${cluster}.endpoint}`);
      expect(remoteOutput(app, kubernetes.cluster_ca_certificate).value).toBe(`${cluster}.certificate_authority[0].data}`);
      expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(/);
      const exec = {
        api_version: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: ['eks', 'get-token', '--cluster-name', 'gitlab-workspaces', '--region', 'eu-west-1', '--output', 'json'],
      };
      // A token per request: a 15-minute aws_eks_cluster_auth token can expire during a long apply.
      expect(kubernetes.exec).toEqual([exec]);
      // Helm provider 3.x: `kubernetes` and its `exec` are attributes (objects), not blocks (lists).
      expect(s.doc.provider.helm).toEqual([{ kubernetes: { host: kubernetes.host, cluster_ca_certificate: kubernetes.cluster_ca_certificate, exec } }]);
      // The AWS provider serves the workspaces' entry point (certificate, load balancer, DNS records) only.
      expect(s.doc.provider.aws).toEqual([expect.objectContaining({ region: 'eu-west-1' })]);
      for (const release of s.all('helm_release')) expect(release.provider).toBe('helm');
      for (const type of Object.keys(s.doc.resource).filter((t) => t.startsWith('kubernetes_'))) {
        for (const r of s.all(type)) expect(r.provider).toBe('kubernetes');
      }
    });

    it('can use an aws_eks_cluster_auth token instead (kubernetesProviderAuth: token), with its own AWS provider', () => {
      const other = synthApp(configFromText(`${REQUIRED_CONFIG}  kubernetesProviderAuth: token\n`)).platform;
      const t = other.s;
      const authName = Object.keys(t.data('aws_eks_cluster_auth'))[0];
      expect(t.data('aws_eks_cluster_auth')[authName].name).toBe('gitlab-workspaces');
      const [kubernetes] = t.doc.provider.kubernetes;
      expect(kubernetes.token).toBe(`\${data.aws_eks_cluster_auth.${authName}.token}`);
      expect(kubernetes.exec).toBeUndefined();
      expect(t.doc.provider.helm).toEqual([{ kubernetes: { host: kubernetes.host, cluster_ca_certificate: kubernetes.cluster_ca_certificate, token: kubernetes.token } }]);
      expect(t.doc.provider.aws).toEqual([expect.objectContaining({ region: 'eu-west-1' })]);
      expect(unresolvedReferences(other.json)).toEqual([]);
    });
  });

  describe('storage', () => {
    it('makes an encrypted gp3 EBS CSI class the default, bound at scheduling, expandable, with the cluster stack\'s volume key', () => {
      expect(json).toHaveResourceWithProperties(StorageClassV1, {
        metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        storage_provisioner: 'ebs.csi.aws.com',
        volume_binding_mode: 'WaitForFirstConsumer',
        allow_volume_expansion: true,
        reclaim_policy: 'Delete',
      });
      const sc = s.only('kubernetes_storage_class_v1');
      expect(sc.parameters).toEqual({ type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4', kmsKeyId: expect.any(String) });
      const keyArn = remoteOutput(app, sc.parameters.kmsKeyId).value;
      expect(app.cluster.s.deref(keyArn)).toMatchObject({ enable_key_rotation: true });
      expect(keyArn).toBe(app.cluster.s.output('volumes_kms_key_arn').value);
    });

    it('leaves gp2 alone on 1.35 (EKS marks it default only on clusters created before 1.30), and takes the flag off when asked', () => {
      expect(json).not.toHaveResource(Annotations);
      const asked = synthApp(configFromText(`${REQUIRED_CONFIG}storage:\n  demoteGp2: true\n`)).platform.json;
      expect(asked).toHaveResourceWithProperties(Annotations, {
        api_version: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'gp2' },
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' },
        force: true,
      });
    });
  });

  describe('autoscaling', () => {
    it('installs the Cluster Autoscaler chart and image tested with Kubernetes 1.35, with discovery for this cluster, on the system nodes', () => {
      expect(json).toHaveResourceWithProperties(Release, {
        name: 'cluster-autoscaler',
        namespace: 'kube-system',
        repository: 'https://kubernetes.github.io/autoscaler',
        chart: 'cluster-autoscaler',
        version: '9.56.0',
      });
      const release = s.release('cluster-autoscaler');
      const values = JSON.parse(release.values[0]);
      expect(values).toMatchObject({
        cloudProvider: 'aws',
        awsRegion: 'eu-west-1',
        autoDiscovery: { clusterName: 'gitlab-workspaces' },
        image: { tag: 'v1.35.2' },
        rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler' } },
        extraArgs: { 'balance-similar-node-groups': true, expander: 'least-waste', 'scale-down-unneeded-time': '10m', 'skip-nodes-with-local-storage': false },
        nodeSelector: { 'gitlab-workspaces/pool': 'system' },
        tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }],
        priorityClassName: 'system-cluster-critical',
        resources: { requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '600Mi' } },
      });
      expect(release).toMatchObject({ atomic: true, wait: true });
      // Its service account is the one the cluster stack's Pod Identity association names.
      expect(app.cluster.s.all('aws_eks_pod_identity_association').map((a) => a.service_account)).toContain(values.rbac.serviceAccount.name);
    });

    it('balances the per-zone workspace groups: the labels that differ between them are ignored', () => {
      const args = JSON.parse(s.release('cluster-autoscaler').values[0]).extraArgs;
      // The chart drops what follows `_`, so each key becomes one --balancing-ignore-label flag.
      const ignored = Object.entries(args).filter(([k]) => k.replace(/_.*/, '') === 'balancing-ignore-label').map(([, v]) => v);
      expect(ignored).toEqual(expect.arrayContaining(['eks.amazonaws.com/sourceLaunchTemplateId', 'eks.amazonaws.com/sourceLaunchTemplateVersion']));
    });
  });

  describe('destroy', () => {
    /** The resources of a stack but the ones named, as a set of addresses. */
    const resourcesBut = (stack: Synthesized, ...except: string[]) => new Set(resourceAddresses(stack).filter((a) => !except.includes(a)));

    it('by default stops while workspace volumes remain, before any other resource of the stack goes', () => {
      const guard = s.onlyWhere('terraform_data', (d) => d.provisioner !== undefined);
      const address = s.addressOf('terraform_data', guard);
      expect(remoteOutput(app, guard.input.volume_key_arn).value).toBe(app.cluster.s.output('volumes_kms_key_arn').value);
      expect(guard.provisioner[0]['local-exec']).toMatchObject({ when: 'destroy' });
      expect(dependencyCycle(s)).toBeUndefined();
      expect(new Set(guard.depends_on)).toEqual(resourcesBut(s, address));
    });

    it.each(['default', 'sysbox', 'kata', 'proxy-disabled'])('the guard depends on every resource of the stack (example %s)', (example) => {
      const other = example === 'default' ? s : synthApp(loadExample(example)).platform.s;
      const guard = other.onlyWhere('terraform_data', (d) => d.provisioner !== undefined);
      const address = other.addressOf('terraform_data', guard);
      expect(new Set(guard.depends_on)).toEqual(resourcesBut(other, address));
      expect(dependencyCycle(other)).toBeUndefined();
      // What running workspaces need is among them: the runtime, the way in, the committed agent config.
      const needed = ['helm_release', 'kubernetes_manifest', 'kubernetes_daemon_set_v1', 'aws_lb', 'aws_lb_listener',
        'aws_route53_record', 'aws_acm_certificate', 'aws_acm_certificate_validation', 'gitlab_repository_file'];
      for (const type of needed) {
        for (const body of other.all(type)) expect(guard.depends_on).toContain(other.addressOf(type, body));
      }
      if (example === 'sysbox' || example === 'kata') expect(other.all('kubernetes_manifest').filter((m) => m.manifest.kind === 'RuntimeClass')).toHaveLength(1);
      if (example !== 'proxy-disabled') expect(other.all('aws_lb')).toHaveLength(1);
    });

    it('with workspaceVolumesOnDestroy: delete, deletes the workspaces\' Deployments and claims first and waits for their volumes', () => {
      const other = synthApp(configFromText(`${REQUIRED_CONFIG}storage:\n  workspaceVolumesOnDestroy: delete\n`)).platform.s;
      const cleanup = other.onlyWhere('terraform_data', (d) => d.provisioner !== undefined);
      expect(cleanup.input).toMatchObject({ cluster_name: 'gitlab-workspaces', region: 'eu-west-1', timeout_seconds: 900 });
      const exec = cleanup.provisioner[0]['local-exec'];
      expect(exec.when).toBe('destroy');
      expect(exec.command).toContain('aws eks update-kubeconfig --name "$CLUSTER" --region "$REGION"');
      expect(exec.command).toContain('delete deployments --all-namespaces -l agent.gitlab.com/id');
      expect(exec.command).toContain('delete persistentvolumeclaims --all-namespaces -l agent.gitlab.com/id');
      expect(exec.command.indexOf('delete deployments')).toBeLessThan(exec.command.indexOf('delete persistentvolumeclaims'));
      expect(exec.command).not.toContain('${');
      expect(new Set(cleanup.depends_on)).toEqual(resourcesBut(other, other.addressOf('terraform_data', cleanup)));
    });

    it.each([
      ['the default GitLab side', `${REQUIRED_CONFIG}storage:\n  workspaceVolumesOnDestroy: delete\n${GITLAB_CONFIG}`],
      ['sysbox and a registered agent', `${REQUIRED_CONFIG}runtime: sysbox\nnodes:\n  workspaces: {instanceTypes: [m6i.2xlarge]}\nstorage:\n  workspaceVolumesOnDestroy: delete\n${GITLAB_CONFIG}  agent: {project: platform/agents}\n`],
    ])('with workspaceVolumesOnDestroy: delete and %s, removes the agent first, then runs the cleanup before everything else goes', (_, text) => {
      const other = synthApp(configFromText(text)).platform.s;
      const cleanup = other.onlyWhere('terraform_data', (d) => d.provisioner !== undefined);
      const cleanupAddress = other.addressOf('terraform_data', cleanup);
      const agent = other.addressOf('helm_release', other.release('workspaces'));
      expect(other.release('workspaces').depends_on).toContain(cleanupAddress);
      expect(new Set(cleanup.depends_on)).toEqual(resourcesBut(other, cleanupAddress, agent));
      expect(dependencyCycle(other)).toBeUndefined();
      // The runtime installation and the entry point are among what outlives the cleanup.
      expect(other.all('aws_lb')).toHaveLength(1);
      // DaemonSets: the Sysbox installer and the image pre-puller.
      if (text.includes('sysbox')) expect([other.all('kubernetes_daemon_set_v1').length, other.all('gitlab_repository_file').length]).toEqual([2, 1]);
      for (const type of ['kubernetes_manifest', 'kubernetes_daemon_set_v1', 'aws_lb', 'aws_route53_record', 'gitlab_repository_file']) {
        for (const body of other.all(type)) expect(cleanup.depends_on).toContain(other.addressOf(type, body));
      }
    });
  });
});

/**
 * ManagedNodeGroup's plan-time checks of the running group (sizes against its desired size, extra
 * postconditions), keeping an image release, and check blocks (image age) as Terraform JSON.
 */
import { Testing, TerraformStack } from 'cdktf';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { ManagedNodeGroup } from '../../lib/cluster/managed-node-group';
import { addAmiAgeCheck, addCheckBlock, addImageAgeCheck, bottlerocketImageIdParameter, customAmiLookup, imageAgeCondition, recommendedImage } from '../../lib/cluster/image-age';
import { evaluateCondition, evaluateHcl, renderTemplate } from '../helpers/hcl-eval';
import { Synthesized } from '../helpers/synthesized';
import { unresolvedReferences } from '../helpers/terraform-references';

const base = { clusterName: 'c', name: 'pool', nodeRoleArn: 'arn:aws:iam::1:role/n', subnetIds: ['subnet-1'], instanceTypes: ['m6i.large'], minSize: 1, desiredSize: 1, maxSize: 3 };

describe('ManagedNodeGroup plan-time checks', () => {
  it('refuses a scaling config EKS would refuse for the running group, with the command that sets its desired size first', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', base)));
    const group = s.only('aws_eks_node_group');
    const self = (desired: number) => ({
      scaling_config: [{ min_size: 1, max_size: 3, desired_size: desired }],
      node_group_name: 'pool-1', cluster_name: 'c', arn: 'arn:aws:eks:eu-central-1:1:nodegroup/c/pool-1/x',
    });
    const failing = (desired: number) => (group.lifecycle.postcondition as Array<{ condition: string; error_message: string }>)
      .filter((c) => evaluateCondition(c.condition, { self: self(desired) }) !== true)
      .map((c) => renderTemplate(c.error_message, { self: self(desired) }));
    expect(failing(1)).toEqual([]);
    expect(failing(3)).toEqual([]);
    expect(failing(0)).toEqual([expect.stringContaining('aws eks update-nodegroup-config --region eu-central-1 --cluster-name c --nodegroup-name pool-1 --scaling-config minSize=1,maxSize=3,desiredSize=1')]);
    expect(failing(4)).toEqual([expect.stringContaining('more than the new maxSize 3')]);
  });

  it('adds postconditions given as expressions over self', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', {
      ...base, postconditions: [{ condition: 'self.version == "1.35"', message: 'at ${self.version}' }],
    })));
    expect(s.only('aws_eks_node_group').lifecycle.postcondition).toContainEqual({ condition: '${self.version == "1.35"}', error_message: 'at ${self.version}' });
  });

  it('keeps the image release it was created with, when asked (a version change still rolls it)', () => {
    const s = new Synthesized(Testing.synthScope((scope) => new ManagedNodeGroup(scope, 'ng', { ...base, releaseVersion: 'r', kubernetesVersion: '1.35', keepImageRelease: true })));
    expect(s.only('aws_eks_node_group').lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size', 'release_version']);
  });
});

describe('check blocks', () => {
  it('are written as Terraform JSON check blocks (warnings), with assertions referencing the stack\'s objects', () => {
    const json = Testing.synthScope((scope) => {
      const group = new ManagedNodeGroup(scope, 'ng', { ...base, releaseVersion: 'r' });
      const recommended = new DataAwsSsmParameter(scope, 'ssm', { name: '/p' });
      addImageAgeCheck(scope, 'image_age', 30, [{ nodeGroup: group.nodeGroup, recommended, message: (running, rec) => `${running} older than ${rec}` }]);
    });
    const s = new Synthesized(json);
    expect(unresolvedReferences(json)).toEqual([]);
    const [assertion] = s.doc.check.image_age.assert;
    expect(assertion.error_message).toMatch(/^\$\{aws_eks_node_group\.[^.]+\.release_version\} older than \$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/);
    expect(assertion.condition).toMatch(/^\$\{try\(timecmp\(timeadd\(/);
  });

  it('refuse names that are not block labels, and add nothing without assertions', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    expect(() => addCheckBlock(stack, 'a.b', [{ condition: 'true', message: 'm' }])).toThrow(/not a Terraform block label/);
    addCheckBlock(stack, 'empty', []);
    expect(JSON.parse(Testing.synth(stack)).check).toBeUndefined();
  });

  it('hold one scoped data source (its errors are warnings too), whose labels are checked like the block\'s', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    addCheckBlock(stack, 'c', [{ condition: 'data.aws_ami.c.id != ""', message: 'm' }], { type: 'aws_ami', label: 'c', config: { include_deprecated: true } });
    expect(JSON.parse(Testing.synth(stack)).check.c).toEqual({ data: { aws_ami: { c: { include_deprecated: true } } }, assert: [{ condition: '${data.aws_ami.c.id != ""}', error_message: 'm' }] });
    expect(() => addCheckBlock(stack, 'd', [{ condition: 'true', message: 'm' }], { type: 'aws_ami', label: 'a.b', config: {} })).toThrow(/"a\.b" is not a Terraform block label/);
  });

  it('compare AMI creation dates, the running AMI looked up inside the check, the recommended one by the id its SSM parameter names', () => {
    const json = Testing.synthScope((scope) => {
      const group = new ManagedNodeGroup(scope, 'ng', { ...base, imageId: 'ami-1' });
      const recommended = recommendedImage(scope, 'rec', new DataAwsSsmParameter(scope, 'ssm', { name: '/p/ami-id' }));
      addAmiAgeCheck(scope, 'ami_age', 30, { nodeGroup: group.nodeGroup, running: customAmiLookup(group.nodeGroup), recommended, message: (r, rec) => `${r.name} ${r.created} / ${rec.name} ${rec.created}` });
    });
    const s = new Synthesized(json);
    expect(unresolvedReferences(json)).toEqual([]);
    const block = s.doc.check.ami_age;
    const groupId = Object.keys(s.resources('aws_eks_node_group'))[0];
    expect(block.data.aws_ami.ami_age).toEqual({ filter: [{ name: 'image-id', values: [`\${aws_eks_node_group.${groupId}.release_version}`] }], include_deprecated: true });
    const [recId, rec] = Object.entries(s.data('aws_ami'))[0];
    expect(rec.filter).toEqual([{ name: 'image-id', values: [expect.stringMatching(/^\$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/)] }]);
    const env = (running: string) => ({ data: { aws_ami: {
      ami_age: { name: 'old', id: 'ami-1', creation_date: running },
      [recId]: { name: 'new', id: 'ami-2', creation_date: '2026-12-01T10:00:00.000Z' },
    } } });
    const [a] = block.assert;
    expect(evaluateCondition(a.condition, env('2026-10-31T09:59:59.999Z'))).toBe(false);
    expect(evaluateCondition(a.condition, env('2026-11-01T10:00:00.000Z'))).toBe(true);
    expect(renderTemplate(a.error_message, env('2026-10-01T00:00:00.000Z'))).toBe('old (ami-1) 2026-10-01T00:00:00.000Z / new (ami-2) 2026-12-01T10:00:00.000Z');
  });

  it('find the Bottlerocket image id parameter beside the release one, for Bottlerocket only', () => {
    expect(bottlerocketImageIdParameter('BOTTLEROCKET_x86_64', '1.35')).toBe('/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id');
    expect(() => bottlerocketImageIdParameter('AL2023_x86_64_STANDARD', '1.35')).toThrow(/not a Bottlerocket AMI type/);
  });

  it('compare the build dates of Amazon Linux releases, and pass when a release has none', () => {
    const cond = imageAgeCondition('running', 'recommended', 30);
    expect(evaluateHcl(cond, { running: '1.35.0-20261031', recommended: '1.35.0-20261201' })).toBe(false);
    expect(evaluateHcl(cond, { running: '1.35.0-20261101', recommended: '1.35.0-20261201' })).toBe(true);
    expect(evaluateHcl(cond, { running: '1.35.0-20261231', recommended: '1.35.0-20261201' })).toBe(true);
    expect(evaluateHcl(cond, { running: '1.26.1-3c3e8b6e', recommended: '1.27.0-aa' })).toBe(true);
    expect(() => imageAgeCondition('a', 'b', 0)).toThrow(/at least 1/);
  });
});

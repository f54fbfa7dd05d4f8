/**
 * Node credentials (issue 15): what a workspace node's instance credentials reach after an escape. The VPC
 * CNI has its own identity (Pod Identity), not the node role's; workspace and system nodes have separate
 * roles; `nodes.workspaces.ecrRepositories` limits the workspace nodes' ECR pulls in the account.
 */
import { Block, Synthesized } from '../helpers/synthesized';
import { configFromText, REQUIRED_CONFIG, synthApp } from '../stacks/helpers';

const CNI_POLICY = 'arn:${data.aws_partition.partition.partition}:iam::aws:policy/AmazonEKS_CNI_Policy';

function attachedPolicies(s: Synthesized, role: Block): string[] {
  const roleName = s.ref('aws_iam_role', role, 'name');
  return s.all('aws_iam_role_policy_attachment').filter((a) => a.role === roleName).map((a) => a.policy_arn.replace(/^.*:policy\//, ''));
}

function roleOf(s: Synthesized, group: Block): Block {
  return s.deref(group.node_role_arn);
}

describe('node credentials', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthApp(configFromText(REQUIRED_CONFIG)).cluster.s;
  });

  it('keeps AmazonEKS_CNI_Policy off every node role: only the role of kube-system/aws-node has it, through Pod Identity', () => {
    const withCni = s.all('aws_iam_role_policy_attachment').filter((a) => a.policy_arn === CNI_POLICY);
    expect(withCni).toHaveLength(1);
    const cniRole = s.deref(withCni[0].role);
    expect(JSON.stringify(cniRole)).not.toContain('ec2.amazonaws.com');
    const association = s.onlyWhere('aws_eks_pod_identity_association', (a) => a.service_account === 'aws-node');
    expect(association).toMatchObject({ namespace: 'kube-system', role_arn: s.ref('aws_iam_role', cniRole, 'arn') });
    for (const group of s.all('aws_eks_node_group')) {
      expect(attachedPolicies(s, roleOf(s, group))).not.toContain('AmazonEKS_CNI_Policy');
    }
  });

  it('creates the vpc-cni add-on after its association and policy (pods read their credentials source when created)', () => {
    const vpcCni = s.onlyWhere('aws_eks_addon', (a) => a.addon_name === 'vpc-cni');
    const association = s.onlyWhere('aws_eks_pod_identity_association', (a) => a.service_account === 'aws-node');
    expect(vpcCni.depends_on).toContain(s.addressOf('aws_eks_pod_identity_association', association));
    const attachment = s.onlyWhere('aws_iam_role_policy_attachment', (a) => a.policy_arn === CNI_POLICY);
    expect(vpcCni.depends_on).toContain(s.addressOf('aws_iam_role_policy_attachment', attachment));
    // The Pod Identity agent that serves aws-node is installed with it, before any node group.
    const agent = s.onlyWhere('aws_eks_addon', (a) => a.addon_name === 'eks-pod-identity-agent');
    for (const group of s.all('aws_eks_node_group')) {
      expect(group.depends_on).toEqual(expect.arrayContaining([s.addressOf('aws_eks_addon', vpcCni), s.addressOf('aws_eks_addon', agent)]));
    }
  });

  it('gives workspace nodes a role of their own, separate from the system nodes', () => {
    const system = s.onlyWhere('aws_eks_node_group', (g) => g.labels?.['gitlab-workspaces/pool'] === 'system');
    const workspaces = s.all('aws_eks_node_group').filter((g) => g.labels?.['gitlab-workspaces/pool'] === 'workspaces');
    expect(workspaces.length).toBeGreaterThan(0);
    const workspaceRoles = new Set(workspaces.map((g) => g.node_role_arn));
    expect(workspaceRoles.size).toBe(1);
    expect(workspaceRoles).not.toContain(system.node_role_arn);
    expect(attachedPolicies(s, roleOf(s, system)).sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
    expect(attachedPolicies(s, roleOf(s, workspaces[0])).sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
    expect(s.output('workspace_node_role_arn').value).toBe(workspaces[0].node_role_arn);
  });

  it('keeps a running workspace group on the role it was created with (a role change is a new generation, never a replaced group)', () => {
    for (const group of s.all('aws_eks_node_group').filter((g) => g.labels?.['gitlab-workspaces/pool'] === 'workspaces')) {
      expect(group.lifecycle.ignore_changes).toContain('node_role_arn');
    }
    // The system group follows its role (it is replaced only if the role is).
    const system = s.onlyWhere('aws_eks_node_group', (g) => g.labels?.['gitlab-workspaces/pool'] === 'system');
    expect(system.lifecycle.ignore_changes).not.toContain('node_role_arn');
  });

  it('waits for each pool role\'s own policies before creating its node groups', () => {
    for (const group of s.all('aws_eks_node_group')) {
      const roleName = s.ref('aws_iam_role', roleOf(s, group), 'name');
      const own = s.all('aws_iam_role_policy_attachment').filter((a) => a.role === roleName);
      expect(group.depends_on).toEqual(expect.arrayContaining(own.map((a) => s.addressOf('aws_iam_role_policy_attachment', a))));
    }
  });
});

describe('nodes.workspaces.ecrRepositories', () => {
  const withRepositories = (list: string) => synthApp(configFromText(`${REQUIRED_CONFIG}nodes:\n  workspaces:\n    ecrRepositories: ${list}\n`)).cluster.s;

  function workspaceRole(s: Synthesized): Block {
    return roleOf(s, s.all('aws_eks_node_group').find((g) => g.labels?.['gitlab-workspaces/pool'] === 'workspaces')!);
  }

  function pullStatements(s: Synthesized): Block[] {
    const role = workspaceRole(s);
    const policy = s.onlyWhere('aws_iam_role_policy', (p) => p.role === s.ref('aws_iam_role', role, 'id'));
    return s.deref(policy.policy).statement;
  }

  it('replaces the pull-anything managed policy of the workspace role with the listed repositories, names in the cluster\'s account and region', () => {
    const s = withRepositories('[team/app, "tools/*", "arn:aws:ecr:us-east-1:444455556666:repository/shared/base"]');
    expect(attachedPolicies(s, workspaceRole(s))).toEqual(['AmazonEKSWorkerNodePolicy']);
    const statements = pullStatements(s);
    const account = '${data.aws_caller_identity.caller.account_id}';
    const partition = '${data.aws_partition.partition.partition}';
    expect(statements).toEqual([
      { sid: 'EcrToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      // Other accounts (EKS's add-on and pause images live in AWS-owned registries): their repository policies decide.
      { sid: 'PullOutsideTheAccount', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], not_resources: [`arn:${partition}:ecr:*:${account}:repository/*`] },
      {
        sid: 'PullListedRepositories',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchImportUpstreamImage'],
        resources: [
          `arn:${partition}:ecr:eu-west-1:${account}:repository/team/app`,
          `arn:${partition}:ecr:eu-west-1:${account}:repository/tools/*`,
          'arn:aws:ecr:us-east-1:444455556666:repository/shared/base',
        ],
      },
    ]);
    // The system nodes still pull every add-on image they need.
    const system = s.onlyWhere('aws_eks_node_group', (g) => g.labels?.['gitlab-workspaces/pool'] === 'system');
    expect(attachedPolicies(s, roleOf(s, system))).toContain('AmazonEC2ContainerRegistryPullOnly');
  });

  it('with an empty list, lets workspace nodes pull from no repository of the account', () => {
    const statements = pullStatements(withRepositories('[]'));
    expect(statements.map((x) => x.sid)).toEqual(['EcrToken', 'PullOutsideTheAccount']);
  });

  it('the node groups wait for the inline policy too', () => {
    const s = withRepositories('[team/app]');
    const role = workspaceRole(s);
    const policy = s.onlyWhere('aws_iam_role_policy', (p) => p.role === s.ref('aws_iam_role', role, 'id'));
    for (const group of s.all('aws_eks_node_group').filter((g) => g.node_role_arn === s.ref('aws_iam_role', role, 'arn'))) {
      expect(group.depends_on).toContain(s.addressOf('aws_iam_role_policy', policy));
    }
  });
});

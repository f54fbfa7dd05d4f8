import { attributesOf, unknownAttributes } from './provider-attributes';
import { findReferences, interpolations, referencesInExpression, unresolvedReferences } from './terraform-references';

const stack = (extra: Record<string, unknown> = {}) => ({
  provider: { aws: [{ region: 'eu-west-1' }], helm: [{ alias: 'eks' }] },
  data: { aws_partition: { p: {} }, aws_eks_cluster_auth: { auth: { name: '${aws_eks_cluster.c.name}' } } },
  variable: { region: { type: 'string' } },
  locals: { tags: { a: 'b' } },
  resource: {
    aws_eks_cluster: { c: { name: 'x', role_arn: '${aws_iam_role.r.arn}' } },
    aws_iam_role: { r: { name: 'r' } },
    ...extra,
  },
});

describe('interpolations', () => {
  it('finds nested templates and skips escaped ones', () => {
    expect(interpolations('a ${x.y.z} $${not} ${f("${a.b.c}")}')).toEqual(['x.y.z', 'f("${a.b.c}")', 'a.b.c']);
  });
  it('handles braces in object constructors', () => {
    expect(interpolations('${jsonencode({a = aws_x.y.id, b = {c = 1}})}')).toEqual(['jsonencode({a = aws_x.y.id, b = {c = 1}})']);
  });
});

describe('referencesInExpression', () => {
  const addresses = (e: string) => referencesInExpression(e).map((r) => r.address);
  it('reads resource, data, var, local and module references', () => {
    expect(addresses('base64decode(aws_eks_cluster.x.certificate_authority[0].data)')).toEqual(['aws_eks_cluster.x']);
    expect(addresses('data.aws_eks_cluster_auth.a.token')).toEqual(['data.aws_eks_cluster_auth.a']);
    expect(addresses('var.region == "x" ? local.tags : module.net.vpc_id')).toEqual(['var.region', 'local.tags', 'module.net']);
    expect(addresses('aws_subnet.s[*].id')).toEqual(['aws_subnet.s']);
  });
  it('ignores object keys, for-expression names, strings and keywords', () => {
    expect(addresses('jsonencode({Version = "2012-10-17", Statement = [for s in aws_x.y : s.id if true]})')).toEqual(['aws_x.y']);
    expect(addresses('"aws_fake.name inside a string"')).toEqual([]);
  });
  it('reports unknown functions', () => {
    const problems: never[] = [];
    referencesInExpression('base64decodee(aws_x.y.z)', 'here', problems);
    expect(problems).toEqual([expect.objectContaining({ reference: 'base64decodee' })]);
  });
});

describe('unresolvedReferences', () => {
  it('accepts a stack whose references all resolve', () => {
    expect(unresolvedReferences(stack({ aws_x: { y: { a: '${var.region}-${local.tags.a}-${data.aws_partition.p.partition}', provider: 'helm.eks', depends_on: ['aws_iam_role.r', 'data.aws_partition.p'] } } }))).toEqual([]);
  });
  it('reports a reference to an undeclared resource, data source, variable or local', () => {
    const problems = unresolvedReferences(stack({ aws_x: { y: { a: '${aws_iam_role.missing.arn}', b: '${data.aws_vpc.none.id}', c: '${var.nope}', d: '${local.nope}' } } }));
    expect(problems.map((p) => p.reference)).toEqual(['aws_iam_role.missing.arn', 'data.aws_vpc.none.id', 'var.nope', 'local.nope']);
    expect(problems[0]).toEqual({ at: 'resource.aws_x.y.a', reference: 'aws_iam_role.missing.arn', message: '`aws_iam_role.missing` is not declared in the stack' });
  });
  it('reports bad depends_on entries and unknown providers', () => {
    const problems = unresolvedReferences(stack({ aws_x: { y: { depends_on: ['aws_iam_role.gone'], provider: 'kubernetes' } } }));
    expect(problems.map((p) => p.at)).toEqual(['resource.aws_x.y.depends_on', 'resource.aws_x.y.provider']);
  });
  it('reads the JSON text Testing.synth returns', () => {
    expect(findReferences(JSON.stringify(stack())).map((r) => r.address)).toEqual(['aws_eks_cluster.c', 'aws_iam_role.r']);
  });
});

describe('unknownAttributes', () => {
  it('accepts attributes the provider classes declare, nested paths included', () => {
    expect(unknownAttributes({
      resource: {
        aws_eks_cluster: { c: { name: 'c' } },
        aws_launch_template: { lt: {} },
        aws_x: { y: { a: '${aws_eks_cluster.c.certificate_authority[0].data}', b: '${aws_launch_template.lt.latest_version}', c: '${data.aws_eks_cluster_auth.a.token}', d: '${kubernetes_storage_class_v1.s.metadata[0].name}' } },
      },
      data: { aws_eks_cluster_auth: { a: { name: 'c' } } },
    })).toEqual([]);
  });

  it('reports a misspelt attribute, on resources and data sources', () => {
    const problems = unknownAttributes({
      resource: { aws_x: { y: { a: '${aws_eks_cluster.c.certificate_authorty[0].data}', b: '${data.aws_partition.p.partitoin}' } } },
    });
    expect(problems).toEqual([
      { at: 'resource.aws_x.y.a', reference: 'aws_eks_cluster.c.certificate_authorty[0].data', message: '`aws_eks_cluster` has no attribute `certificate_authorty`' },
      { at: 'resource.aws_x.y.b', reference: 'data.aws_partition.p.partitoin', message: '`aws_partition` has no attribute `partitoin`' },
    ]);
  });

  it('knows the attributes of the types the stack uses', () => {
    expect(attributesOf('aws_eks_node_group', false)).toEqual(expect.objectContaining({}));
    expect(attributesOf('aws_eks_node_group', false)!.has('resources')).toBe(true);
    expect(attributesOf('aws_iam_session_context', true)!.has('issuer_arn')).toBe(true);
    expect(attributesOf('aws_nonexistent_thing', false)).toBeUndefined();
  });
});

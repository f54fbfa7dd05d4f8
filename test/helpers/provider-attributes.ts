/**
 * Proves that every `${type.name.attribute}` reference in a synthesized stack names an attribute the
 * resource or data source type really has, as the prebuilt cdktf provider packages declare it
 * (`@cdktf/provider-aws/lib/eks-cluster` has `get certificateAuthority()`, so
 * `aws_eks_cluster.x.certificate_authority[0].data` is fine and `...certificate_authorty...` is not).
 * Catches a misspelt attribute that Terraform would only refuse at plan time.
 *
 * Usable from any test: `expect(unknownAttributes(synth)).toEqual([])`.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { findReferences, ReferenceProblem } from './terraform-references';

/** Provider packages by resource-type prefix. */
const PACKAGES: Record<string, string> = {
  aws: '@cdktf/provider-aws',
  kubernetes: '@cdktf/provider-kubernetes',
  helm: '@cdktf/provider-helm',
  tls: '@cdktf/provider-tls',
  random: '@cdktf/provider-random',
  gitlab: '@cdktf/provider-gitlab',
};

const gettersCache = new Map<string, Set<string> | undefined>();

/** The attribute getters (`get fooBar()` -> `foo_bar`) of the class for one resource or data source type. */
export function attributesOf(type: string, isData: boolean): Set<string> | undefined {
  const key = `${isData ? 'data.' : ''}${type}`;
  if (gettersCache.has(key)) return gettersCache.get(key);
  const prefix = type.split('_')[0];
  const pkg = PACKAGES[prefix];
  let result: Set<string> | undefined;
  if (pkg) {
    const moduleName = isData ? `data-${type.replace(/_/g, '-')}` : type.slice(prefix.length + 1).replace(/_/g, '-');
    const root = dirname(require.resolve(`${pkg}/package.json`));
    const file = join(root, 'lib', moduleName, 'index.d.ts');
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      // The resource class is the one with `static readonly tfResourceType = "<type>"`; its getters
      // follow it. Nested block classes before it have getters too, so read from that point on.
      const at = text.indexOf(`tfResourceType = "${type}"`);
      const body = at >= 0 ? text.slice(at) : text;
      const end = body.search(/\n}\n/);
      result = new Set([...(end >= 0 ? body.slice(0, end) : body).matchAll(/\bget (\w+)\(\)/g)].map((m) => snake(m[1])));
    }
  }
  gettersCache.set(key, result);
  return result;
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** References whose first attribute the type does not have (types of unknown providers are skipped). */
export function unknownAttributes(synth: string | object): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  for (const ref of findReferences(synth)) {
    const segments = ref.text.split(/\.|\[/).map((s) => s.replace(/\]$/, ''));
    const isData = segments[0] === 'data';
    if (['var', 'local', 'module'].includes(segments[0])) continue;
    const type = isData ? segments[1] : segments[0];
    const attribute = isData ? segments[3] : segments[2];
    if (attribute === undefined || attribute === '*' || /^\d+$/.test(attribute)) continue;
    const known = attributesOf(type, isData);
    if (!known) continue;
    if (!known.has(attribute)) {
      problems.push({ at: ref.at, reference: ref.text, message: `\`${type}\` has no attribute \`${attribute}\`` });
    }
  }
  return problems;
}

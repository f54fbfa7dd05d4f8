/**
 * Proves that every reference in a synthesized Terraform JSON stack (`cdk.tf.json`, or the string
 * `Testing.synth` returns) points at something the stack declares:
 *
 * - `${...}` interpolations anywhere in resources, data sources, providers, outputs, locals, modules:
 *   `aws_x.name.attr`, `data.aws_x.name.attr`, `var.x`, `local.x`, `module.x.out`, with index and
 *   splat steps (`certificate_authority[0].data`, `x[*].id`), inside function calls
 *   (`base64decode(...)`, `jsonencode({...})`), conditionals and for-expressions; function names must
 *   be Terraform built-ins;
 * - `depends_on` entries (`aws_x.name`, `data.aws_x.name`, `module.x`);
 * - `provider` meta-arguments (`aws`, `helm.alias`) against the provider blocks.
 *
 * Usable from any test: `expect(unresolvedReferences(synth)).toEqual([])`.
 */

export interface ReferenceProblem {
  /** Where in the JSON, e.g. `resource.aws_eks_node_group.x.launch_template.id`. */
  readonly at: string;
  /** The reference or name at fault. */
  readonly reference: string;
  readonly message: string;
}

export interface FoundReference {
  readonly at: string;
  /** The address the reference needs, e.g. `aws_eks_cluster.x`, `data.aws_partition.p`, `var.v`. */
  readonly address: string;
  /** The full reference text, e.g. `aws_eks_cluster.x.certificate_authority[0].data`. */
  readonly text: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor']);
/** Roots that need no declaration. */
const BUILTIN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform']);

/** Terraform's built-in functions (1.x), so a misspelt call is caught. */
export const TERRAFORM_FUNCTIONS = new Set(`abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256
 base64sha512 basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist
 compact concat contains csvdecode dirname distinct element endswith ephemeralasnull file filebase64 filebase64sha256
 filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor format formatdate formatlist
 indent index issensitive join jsondecode jsonencode keys length list log lookup lower map matchkeys max md5 merge min
 nonsensitive one parseint pathexpand plantimestamp pow range regex regexall replace reverse rsadecrypt sensitive setintersection
 setproduct setsubtract setunion sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr sum
 templatefile templatestring textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist tomap
 tonumber toset tostring transpose trim trimprefix trimspace trimsuffix try type upper urlencode uuid uuidv5 values
 yamldecode yamlencode zipmap`.split(/\s+/).filter(Boolean));

/** Every problem with references in a synthesized stack; empty when all resolve. */
export function unresolvedReferences(synth: string | object): ReferenceProblem[] {
  const doc = (typeof synth === 'string' ? JSON.parse(synth) : synth) as Record<string, Json>;
  const declared = declarations(doc);
  const problems: ReferenceProblem[] = [];

  for (const ref of findReferences(doc, problems)) {
    if (!declared.has(ref.address)) {
      problems.push({ at: ref.at, reference: ref.text, message: `\`${ref.address}\` is not declared in the stack` });
    }
  }

  // depends_on and provider meta-arguments.
  const providers = providerNames(doc);
  for (const blockKind of ['resource', 'data'] as const) {
    const block = (doc[blockKind] ?? {}) as Record<string, Record<string, Record<string, Json>>>;
    for (const [type, byName] of Object.entries(block)) {
      for (const [name, body] of Object.entries(byName)) {
        const at = `${blockKind}.${type}.${name}`;
        const deps = body.depends_on;
        if (Array.isArray(deps)) {
          for (const dep of deps) {
            const address = typeof dep === 'string' ? dependencyAddress(dep) : undefined;
            if (!address || !declared.has(address)) {
              problems.push({ at: `${at}.depends_on`, reference: String(dep), message: `depends_on names \`${String(dep)}\`, which is not declared in the stack` });
            }
          }
        }
        if (typeof body.provider === 'string' && !providers.has(body.provider)) {
          problems.push({ at: `${at}.provider`, reference: body.provider, message: `provider \`${body.provider}\` has no provider block (known: ${[...providers].join(', ') || 'none'})` });
        }
      }
    }
  }
  return problems;
}

/** Every reference found in `${...}` interpolations, with where it was found. */
export function findReferences(synth: string | object, problems: ReferenceProblem[] = []): FoundReference[] {
  const doc = (typeof synth === 'string' ? JSON.parse(synth) : synth) as Record<string, Json>;
  const out: FoundReference[] = [];
  const walk = (value: Json, at: string): void => {
    if (typeof value === 'string') {
      for (const expr of interpolations(value, at, problems)) {
        for (const ref of referencesInExpression(expr, at, problems)) out.push(ref);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '//' || k === 'depends_on') continue; // cdktf metadata; depends_on is checked separately
        walk(v, at ? `${at}.${k}` : k);
      }
    }
  };
  for (const [k, v] of Object.entries(doc)) {
    if (k === '//' || k === 'terraform') continue;
    walk(v, k);
  }
  return out;
}

/** The addresses a stack declares: `type.name`, `data.type.name`, `var.x`, `local.x`, `module.x`. */
export function declarations(doc: Record<string, Json>): Set<string> {
  const set = new Set<string>();
  for (const [type, byName] of Object.entries((doc.resource ?? {}) as Record<string, Record<string, Json>>)) {
    for (const name of Object.keys(byName)) set.add(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries((doc.data ?? {}) as Record<string, Record<string, Json>>)) {
    for (const name of Object.keys(byName)) set.add(`data.${type}.${name}`);
  }
  // A check block's scoped data source (referenced from its own assertions).
  for (const check of Object.values((doc.check ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [type, byName] of Object.entries((check.data ?? {}) as Record<string, Record<string, Json>>)) {
      for (const name of Object.keys(byName)) set.add(`data.${type}.${name}`);
    }
  }
  for (const name of Object.keys((doc.variable ?? {}) as object)) set.add(`var.${name}`);
  for (const name of Object.keys((doc.module ?? {}) as object)) set.add(`module.${name}`);
  const locals = doc.locals;
  for (const block of Array.isArray(locals) ? locals : locals ? [locals] : []) {
    for (const name of Object.keys(block as object)) set.add(`local.${name}`);
  }
  return set;
}

function providerNames(doc: Record<string, Json>): Set<string> {
  const names = new Set<string>();
  for (const [type, configs] of Object.entries((doc.provider ?? {}) as Record<string, Json>)) {
    for (const c of Array.isArray(configs) ? configs : [configs]) {
      const alias = c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, Json>).alias : undefined;
      names.add(typeof alias === 'string' ? `${type}.${alias}` : type);
    }
  }
  return names;
}

function dependencyAddress(dep: string): string | undefined {
  const parts = dep.split('.');
  if (parts[0] === 'data') return parts.length >= 3 ? parts.slice(0, 3).join('.') : undefined;
  if (parts[0] === 'module') return parts.length >= 2 ? parts.slice(0, 2).join('.') : undefined;
  return parts.length >= 2 ? parts.slice(0, 2).join('.') : undefined;
}

/**
 * The expressions inside `${...}` of a template string (`$${` is an escaped literal). Quoted strings
 * inside an expression may hold braces and nested templates; those are returned too.
 */
export function interpolations(text: string, at = '', problems: ReferenceProblem[] = []): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) { i += 3; continue; }
    if (text.startsWith('${', i)) {
      const end = matchingBrace(text, i + 1);
      if (end < 0) {
        problems.push({ at, reference: text.slice(i, i + 40), message: 'unterminated ${ interpolation' });
        return out;
      }
      const expr = text.slice(i + 2, end);
      out.push(expr);
      // Templates nested in string literals of the expression.
      for (const lit of stringLiterals(expr)) out.push(...interpolations(lit, at, problems));
      i = end + 1;
    } else {
      i++;
    }
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, skipping quoted strings; -1 when unbalanced. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { i = endOfString(text, i); if (i < 0) return -1; continue; }
    if (c === '{') depth++;
    else if (c === '}') { depth--; if (depth === 0) return i; }
  }
  return -1;
}

/** Index of the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text.startsWith('${', i)) { const e = matchingBrace(text, i + 1); if (e < 0) return -1; i = e; continue; }
    if (text[i] === '"') return i;
  }
  return -1;
}

function stringLiterals(expr: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === '"') {
      const end = endOfString(expr, i);
      if (end < 0) break;
      out.push(JSON.parse(expr.slice(i, end + 1).replace(/\n/g, '\\n')) as string);
      i = end;
    }
  }
  return out;
}

/** The references (and unknown functions) in one expression. */
export function referencesInExpression(expr: string, at = '', problems: ReferenceProblem[] = []): FoundReference[] {
  const code = blankStrings(expr);
  const out: FoundReference[] = [];
  // Names bound by for-expressions: `for k, v in x :` and `for v in x :`.
  const bound = new Set<string>();
  for (const m of code.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
    bound.add(m[1]);
    if (m[2]) bound.add(m[2]);
  }
  const chain = /[A-Za-z_][\w-]*(?:\s*(?:\.\s*(?:[A-Za-z_][\w-]*|\*|\d+)|\[\s*(?:\d+|\*|"[^"]*")\s*\]))*/g;
  let m: RegExpExecArray | null;
  while ((m = chain.exec(code)) !== null) {
    const start = m.index;
    const prev = start > 0 ? code[start - 1] : '';
    if (/[\w.\]]/.test(prev) && prev !== '') continue; // part of a number or a longer chain
    const text = m[0].replace(/\s+/g, '');
    const rest = code.slice(start + m[0].length);
    const segments = text.split(/\.|\[/).map((s) => s.replace(/\]$/, ''));
    const root = segments[0];

    if (/^\s*\(/.test(rest) && segments.length === 1) {
      if (!TERRAFORM_FUNCTIONS.has(root) && !root.startsWith('provider::')) {
        problems.push({ at, reference: root, message: `\`${root}(...)\` is not a Terraform function` });
      }
      continue;
    }
    if (KEYWORDS.has(root) || BUILTIN_ROOTS.has(root) || bound.has(root)) continue;
    if (segments.length === 1 && /^\s*(=(?!=)|:)/.test(rest)) continue; // an object key
    if (/^\d/.test(root)) continue;

    let address: string | undefined;
    if (root === 'data') address = segments.length >= 3 ? segments.slice(0, 3).join('.') : undefined;
    else if (root === 'var' || root === 'local' || root === 'module') address = segments.length >= 2 ? segments.slice(0, 2).join('.') : undefined;
    else address = segments.length >= 2 ? segments.slice(0, 2).join('.') : undefined;

    if (!address) {
      problems.push({ at, reference: text, message: `\`${text}\` is not a complete reference (expected type.name or data.type.name)` });
      continue;
    }
    out.push({ at, address, text });
  }
  return out;
}

/** Replaces the contents of quoted strings with spaces (keeping length), so names inside them are not read as references. */
function blankStrings(expr: string): string {
  let out = '';
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === '"') {
      const end = endOfString(expr, i);
      if (end < 0) return out + expr.slice(i);
      out += '"' + ' '.repeat(end - i - 1) + '"';
      i = end;
    } else {
      out += expr[i];
    }
  }
  return out;
}

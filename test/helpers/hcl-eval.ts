/**
 * Evaluating the small HCL expressions the stacks write into conditions (postconditions, check blocks),
 * in tests, against made-up values of `self` and other objects: what a plan would decide, for the
 * functions those conditions use (try, tonumber, split, format, regex, replace, timeadd, timecmp), comparisons,
 * `!`, `&&`, `||`, attribute and index access. Not Terraform: enough to test what the stacks write.
 */

type Value = unknown;
type Env = Readonly<Record<string, Value>>;

interface Token { readonly kind: 'num' | 'str' | 'id' | 'op'; readonly text: string; readonly value?: Value }

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ kind: 'num', text: m[0], value: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (src[j] !== '"') {
        if (j >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[j] === '\\') { s += ({ n: '\n', '"': '"', '\\': '\\' } as Record<string, string>)[src[j + 1]] ?? src[j + 1]; j += 2; continue; }
        s += src[j++];
      }
      out.push({ kind: 'str', text: s, value: s });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      out.push({ kind: 'id', text: m[0] });
      i += m[0].length;
      continue;
    }
    const op = ['...', '==', '!=', '>=', '<=', '&&', '||'].find((o) => src.startsWith(o, i)) ?? c;
    if (!['...', '==', '!=', '>=', '<=', '&&', '||', '>', '<', '!', '(', ')', '[', ']', ',', '.'].includes(op)) throw new Error(`unexpected ${op} in ${src}`);
    out.push({ kind: 'op', text: op });
    i += op.length;
  }
  return out;
}

type Node = (env: Env) => Value;

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  tonumber: (v) => {
    const n = Number(v);
    if (v === null || v === '' || Number.isNaN(n)) throw new Error(`tonumber: ${String(v)}`);
    return n;
  },
  split: (sep, s) => String(s).split(String(sep)),
  format: (fmt, ...args) => {
    let i = 0;
    return String(fmt).replace(/%s/g, () => String(args[i++]));
  },
  regex: (pattern, s) => {
    const m = new RegExp(String(pattern)).exec(String(s));
    if (!m) throw new Error(`regex: no match of ${String(pattern)} in ${String(s)}`);
    return m.length > 1 ? m.slice(1) : m[0];
  },
  // A plain substring (Terraform's `/.../` regular-expression form is not needed here).
  replace: (s, search, replacement) => {
    if (/^\/.*\/$/.test(String(search))) throw new Error('replace: regular expressions are not implemented here');
    return String(s).split(String(search)).join(String(replacement));
  },
  timeadd: (t, d) => {
    const m = /^(-?[0-9]+)h$/.exec(String(d));
    if (!m) throw new Error(`timeadd: duration ${String(d)}`);
    return new Date(rfc3339(t) + Number(m[1]) * 3600_000).toISOString().replace(/\.000Z$/, 'Z');
  },
  timecmp: (a, b) => Math.sign(rfc3339(a) - rfc3339(b)),
};

function rfc3339(t: Value): number {
  // Fractional seconds as in AMI creation dates (`2026-11-20T10:11:12.000Z`): Terraform parses timestamps with
  // Go's time.RFC3339 layout, which accepts them when parsing.
  if (typeof t !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(t)) throw new Error(`not an RFC 3339 timestamp: ${String(t)}`);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${t}`);
  return ms;
}

function parse(src: string): Node {
  const tokens = tokenize(src);
  let p = 0;
  const peek = (text?: string) => (p < tokens.length && (text === undefined || (tokens[p].kind === 'op' && tokens[p].text === text)) ? tokens[p] : undefined);
  const expect = (text: string) => {
    if (!peek(text)) throw new Error(`expected ${text} at ${tokens[p]?.text ?? 'end'} in ${src}`);
    p++;
  };
  const binary = (next: () => Node, ops: string[]): Node => {
    let left = next();
    for (;;) {
      const op = ops.find((o) => peek(o));
      if (!op) return left;
      p++;
      const l = left;
      const r = next();
      left = (env) => {
        if (op === '&&') return Boolean(l(env)) && Boolean(r(env));
        if (op === '||') return Boolean(l(env)) || Boolean(r(env));
        const a = l(env) as number;
        const b = r(env) as number;
        switch (op) {
          case '==': return a === b;
          case '!=': return a !== b;
          case '>=': return a >= b;
          case '<=': return a <= b;
          case '>': return a > b;
          default: return a < b;
        }
      };
    }
  };
  const expr = (): Node => binary(() => binary(() => binary(unary, ['==', '!=', '>=', '<=', '>', '<']), ['&&']), ['||']);
  const unary = (): Node => {
    if (peek('!')) {
      p++;
      const inner = unary();
      return (env) => !inner(env);
    }
    return postfix();
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      if (peek('.')) {
        p++;
        const name = tokens[p++].text;
        const obj = node;
        node = (env) => {
          const o = obj(env) as Record<string, Value> | undefined;
          if (o === null || typeof o !== 'object' || !(name in o)) throw new Error(`no attribute ${name}`);
          return o[name];
        };
      } else if (peek('[')) {
        p++;
        const index = expr();
        expect(']');
        const obj = node;
        node = (env) => {
          const o = obj(env) as Record<string, Value>;
          const k = index(env) as string;
          if (o === null || typeof o !== 'object' || !(k in o)) throw new Error(`no element ${k}`);
          return o[k];
        };
      } else {
        return node;
      }
    }
  };
  const primary = (): Node => {
    const t = tokens[p++];
    if (!t) throw new Error(`unexpected end of ${src}`);
    if (t.kind === 'num' || t.kind === 'str') return () => t.value;
    if (t.kind === 'op' && t.text === '(') {
      const inner = expr();
      expect(')');
      return inner;
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') return () => t.text === 'true';
      if (t.text === 'null') return () => null;
      if (!peek('(')) return (env) => {
        if (!(t.text in env)) throw new Error(`unknown name ${t.text}`);
        return env[t.text];
      };
      p++;
      const args: Node[] = [];
      let spread = false;
      while (!peek(')')) {
        args.push(expr());
        if (peek('...')) { p++; spread = true; }
        if (peek(',')) p++;
      }
      expect(')');
      if (t.text === 'try') {
        return (env) => {
          for (const a of args) {
            try { return a(env); } catch { /* the next one */ }
          }
          throw new Error('try: every argument failed');
        };
      }
      const fn = FUNCTIONS[t.text];
      if (!fn) throw new Error(`function ${t.text} is not implemented here`);
      return (env) => {
        const values = args.map((a) => a(env));
        const last = values.length - 1;
        return fn(...(spread ? [...values.slice(0, last), ...(values[last] as Value[])] : values));
      };
    }
    throw new Error(`unexpected ${t.text} in ${src}`);
  };
  const node = expr();
  if (p !== tokens.length) throw new Error(`trailing ${tokens[p].text} in ${src}`);
  return node;
}

/** The value of an HCL expression (without `${}`) given the objects it names. */
export function evaluateHcl(expression: string, env: Env): Value {
  return parse(expression)(env);
}

/** The value of a condition as synthesized (`${...}`). */
export function evaluateCondition(condition: string, env: Env): Value {
  const m = /^\$\{([\s\S]*)\}$/.exec(condition);
  if (!m) throw new Error(`not a single interpolation: ${condition}`);
  return evaluateHcl(m[1], env);
}

/** An error message template with its `${...}` interpolations evaluated. */
export function renderTemplate(template: string, env: Env): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const start = template.indexOf('${', i);
    if (start < 0) { out += template.slice(i); break; }
    out += template.slice(i, start);
    // The matching brace, skipping string literals.
    let depth = 0;
    let j = start + 2;
    let inString = false;
    for (; j < template.length; j++) {
      const c = template[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    out += String(evaluateHcl(template.slice(start + 2, j), env));
    i = j + 1;
  }
  return out;
}

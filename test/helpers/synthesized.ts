/**
 * Reading a synthesized Terraform JSON stack in tests: blocks by type, and following `${type.name.attr}`
 * references back to the block they name.
 */

export type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class Synthesized {
  readonly doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(json: string | object) {
    this.doc = typeof json === 'string' ? JSON.parse(json) : json;
  }

  /** `{name: body}` of every resource of a type (empty when none). */
  resources(type: string): Record<string, Block> {
    return this.doc.resource?.[type] ?? {};
  }

  /** Bodies of every resource of a type. */
  all(type: string): Block[] {
    return Object.values(this.resources(type));
  }

  /** The one resource of a type; fails when there are none or several. */
  only(type: string): Block {
    const list = this.all(type);
    if (list.length !== 1) throw new Error(`expected exactly one ${type}, found ${list.length}`);
    return list[0];
  }

  /** The one resource of a type whose body matches `test`; fails when there are none or several. */
  onlyWhere(type: string, test: (body: Block) => boolean): Block {
    const list = this.all(type).filter(test);
    if (list.length !== 1) throw new Error(`expected exactly one matching ${type}, found ${list.length}`);
    return list[0];
  }

  /** The Helm release named `name`. */
  release(name: string): Block {
    return this.onlyWhere('helm_release', (r) => r.name === name);
  }

  data(type: string): Record<string, Block> {
    return this.doc.data?.[type] ?? {};
  }

  /** The address `type.name` of a resource body. */
  addressOf(type: string, body: Block): string {
    const entry = Object.entries(this.resources(type)).find(([, b]) => b === body);
    if (!entry) throw new Error(`not a ${type} of this stack`);
    return `${type}.${entry[0]}`;
  }

  /** The block a `${type.name...}` / `${data.type.name...}` reference points at. */
  deref(reference: string): Block {
    const m = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(reference);
    if (!m) throw new Error(`not a reference: ${reference}`);
    const block = m[1] ? this.doc.data?.[m[2]]?.[m[3]] : this.doc.resource?.[m[2]]?.[m[3]];
    if (!block) throw new Error(`reference to an undeclared block: ${reference}`);
    return block;
  }

  /** `${type.name.attr}` for a resource body, to compare with references in other blocks. */
  ref(type: string, body: Block, attribute: string): string {
    return `\${${this.addressOf(type, body)}.${attribute}}`;
  }

  output(name: string): Block {
    const o = this.doc.output?.[name];
    if (!o) throw new Error(`no output ${name}`);
    return o;
  }
}

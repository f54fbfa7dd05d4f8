#!/usr/bin/env node
'use strict';
/**
 * Writes docs/configuration.md, the reference of the stack config, from its JSON Schema
 * (schemas/workspaces.config.schema.json): every key with its type, default, allowed values or pattern
 * and description, one section per top-level key, in the schema's order. Plain Node, no dependency.
 * Run it with `npm run docs:config` after changing the schema; test/docs/configuration.test.ts fails
 * while the committed file differs from what this writes.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const SCHEMA_PATH = 'schemas/workspaces.config.schema.json';
const DOC_PATH = 'docs/configuration.md';

const INTRO = `# Configuration reference

For whoever writes or reviews the stack config of the ready AWS app: every key of
\`workspaces.config.yaml\`, with its type, default, what is allowed and what it does. Generated from
[\`${SCHEMA_PATH}\`](../${SCHEMA_PATH}) by \`scripts/build-config-docs.js\` (\`npm run docs:config\`): edit
the schema, not this file; a test fails while this file differs from what the script writes.

The app reads one YAML file: \`WORKSPACES_CONFIG=path/to/config.yaml npx cdktf synth\` (default:
\`examples/default/workspaces.config.yaml\`, which lists every default). With the first line
\`# yaml-language-server: $schema=../../schemas/workspaces.config.schema.json\` (a path relative to the config
file) editors complete and check it. A bad config fails the synth with \`file:line:col: error: key: message\`
lines that list what is allowed, each shown once (\`cdktf synth\` prefixes them \`ERROR [config]:\`), schema and
semantic errors in the same run; unknown keys are errors. Warnings (a placeholder left in, a Kubernetes version
near or past the end of standard support) print as \`file:line:col: warning: ...\` and the synth goes on. Some
rules need more than one key (a runtime and its Kubernetes version, requests within
\`max_resources_per_workspace\`...): the loader checks them after the schema, with the same kind of message.
Examples to start from are listed in [deploy.md](deploy.md#examples).
`;

/** The schema node a `$ref` points at, merged with the keywords written next to the `$ref` (they win). */
function resolve(schema, node) {
  if (!node || typeof node !== 'object' || node.$ref === undefined) return node;
  const match = /^#\/definitions\/(.+)$/.exec(node.$ref);
  if (!match || !schema.definitions || !schema.definitions[match[1]]) {
    throw new Error(`${SCHEMA_PATH}: cannot resolve $ref ${node.$ref}`);
  }
  const { $ref, ...local } = node;
  return { ...resolve(schema, schema.definitions[match[1]]), ...local };
}

/** Text for a table cell: escapes what Markdown would read as a table border, HTML or emphasis, outside code spans. */
function cell(text) {
  return String(text)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1
      ? part.replace(/\|/g, '\\|')
      : part.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*/g, '\\*')))
    .join('');
}

/** A value as inline code (JSON, which YAML reads as well). */
function code(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // A code span holding backticks needs a longer fence; none of the schema's values do.
  return '`' + text.replace(/`/g, "'") + '`';
}

function typeOf(schema, node) {
  node = resolve(schema, node);
  const types = node.type === undefined ? [] : [].concat(node.type);
  if (types.length === 0) {
    if (node.enum) return [...new Set(node.enum.map((v) => typeof v))].join(' or ');
    if (node.const !== undefined) return typeof node.const;
    return 'any (see description)';
  }
  return types.map((t) => {
    if (t === 'array') return node.items ? `list of ${typeOf(schema, node.items)}` : 'list';
    if (t === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
      return `map of ${typeOf(schema, node.additionalProperties)}`;
    }
    if (t === 'object' && node.properties) return 'mapping';
    if (t === 'object') return 'mapping';
    return t;
  }).join(' or ');
}

function range(min, max, unit) {
  const u = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return `${min} to ${max}${u}`;
  if (min === 1 && unit) return 'not empty';
  if (min !== undefined) return `at least ${min}${u}`;
  if (max !== undefined) return `at most ${max}${u}`;
  return undefined;
}

/** The name of the shared scalar definition (cidr, subnetId...) a node refers to, if it refers to one. */
function valueType(schema, node) {
  if (!node || node.$ref === undefined) return undefined;
  const name = node.$ref.replace(/^#\/definitions\//, '');
  const def = schema.definitions[name];
  return def && def.type !== 'object' && !def.properties ? name : undefined;
}

/** What a node allows beyond its type: values, pattern, bounds (shared value types by name). */
function constraints(schema, node, expandValueType = false) {
  const shared = valueType(schema, node);
  if (shared && !expandValueType) return [`${code(shared)} (see [value types](#value-types))`];
  node = resolve(schema, node);
  const out = [];
  if (node.enum) out.push(`one of ${node.enum.map(code).join(', ')}`);
  if (node.const !== undefined) out.push(`exactly ${code(node.const)}`);
  if (node.pattern) out.push(`pattern ${code(node.pattern)}`);
  const number = range(node.minimum, node.maximum);
  if (number) out.push(number);
  const length = range(node.minLength, node.maxLength, 'characters');
  if (length) out.push(length);
  const items = range(node.minItems, node.maxItems, 'items');
  if (items) out.push(items);
  if (node.uniqueItems) out.push('no duplicates');
  if (node.propertyNames) {
    const names = constraints(schema, node.propertyNames);
    if (names.length) out.push(`names: ${names.join(', ')}`);
  }
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    const values = constraints(schema, node.additionalProperties);
    if (values.length) out.push(`values: ${values.join(', ')}`);
  }
  if (node.items && !isObjectWithProperties(schema, node.items)) {
    const each = constraints(schema, node.items);
    if (each.length) out.push(`each: ${each.join(', ')}`);
  }
  return out;
}

function isObjectWithProperties(schema, node) {
  node = resolve(schema, node);
  return Boolean(node && node.properties);
}

function condition(ifNode, prefix) {
  const props = (ifNode && ifNode.properties) || {};
  const parts = Object.entries(props).map(([key, sub]) => {
    if (sub.const !== undefined) return `${code(prefix + key)} is ${code(sub.const)}`;
    if (sub.enum) return `${code(prefix + key)} is one of ${sub.enum.map(code).join(', ')}`;
    throw new Error(`${SCHEMA_PATH}: an if/then condition on ${prefix + key} this script cannot describe`);
  });
  if (parts.length === 0) throw new Error(`${SCHEMA_PATH}: an if/then without a condition on properties under ${prefix}`);
  return parts.join(' and ');
}

/** For each child key of an object node, when it is required (always, or under an if/then/else). */
function requirements(node, prefix) {
  const req = new Map();
  for (const key of node.required || []) req.set(key, 'required');
  if (node.if) {
    const when = condition(node.if, prefix);
    for (const key of (node.then && node.then.required) || []) req.set(key, `required when ${when}`);
    for (const key of (node.else && node.else.required) || []) req.set(key, `required unless ${when}`);
  }
  return req;
}

/** One row per key under `node`, depth first, in schema order. */
function rows(schema, node, prefix, out) {
  node = resolve(schema, node);
  const req = requirements(node, prefix);
  for (const [key, rawChild] of Object.entries(node.properties || {})) {
    const child = resolve(schema, rawChild);
    const keyPath = prefix + key;
    out.push(row(schema, keyPath, rawChild, req.get(key)));
    if (child.properties) rows(schema, child, `${keyPath}.`, out);
    const items = child.items && resolve(schema, child.items);
    if (items && items.properties) rows(schema, items, `${keyPath}[].`, out);
  }
  return out;
}

function row(schema, keyPath, rawNode, requirement) {
  const node = resolve(schema, rawNode);
  const description = [];
  if (node.description) description.push(sentence(node.description));
  const items = node.items && resolve(schema, node.items);
  if (items && items.description && !valueType(schema, node.items) && !node.description?.includes(items.description)) {
    description.push(`Each item: ${sentence(items.description)}`);
  }
  const key = code(keyPath) + (requirement ? ` (${requirement})` : '');
  return [
    key,
    typeOf(schema, node),
    node.default === undefined ? '' : code(node.default),
    constraints(schema, rawNode).join('; '),
    description.join(' '),
  ];
}

/** A description as written, ended with a full stop (its first word may be a value: it keeps its case). */
function sentence(text) {
  return text.trim().replace(/([^.])$/, '$1.');
}

function table(list) {
  const head = ['key', 'type', 'default', 'allowed', 'description'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of list) lines.push(`| ${r.map((c, i) => (i === 0 ? c : cell(c))).join(' | ')} |`);
  return lines.join('\n');
}

/** The whole document for a parsed schema. */
function renderConfigDocs(schema) {
  const sections = Object.entries(schema.properties);
  const parts = [INTRO];
  if (schema.description) parts.push(`${schema.description.trim()}\n`);
  parts.push(`Sections: ${sections.map(([key]) => `[${key}](#${key})`).join(', ')}.\n`);
  const topRequired = requirements(schema, '');
  for (const [key, rawNode] of sections) {
    const node = resolve(schema, rawNode);
    parts.push(`## ${key}\n`);
    if (node.properties) {
      // A section: what it is for, then its keys.
      const about = [node.description ? sentence(node.description) : '', topRequired.get(key) ? `The section is ${topRequired.get(key)}.` : '']
        .filter(Boolean).join(' ');
      if (about) parts.push(`${about}\n`);
      parts.push(`${table(rows(schema, node, `${key}.`, []))}\n`);
    } else {
      parts.push(`${table([row(schema, key, rawNode, topRequired.get(key))])}\n`);
    }
  }
  parts.push(valueTypes(schema));
  return parts.join('\n');
}

/** The shared scalar definitions the tables refer to by name. */
function valueTypes(schema) {
  const names = Object.keys(schema.definitions || {}).filter((name) => valueType(schema, { $ref: `#/definitions/${name}` }));
  const lines = ['## Value types\n', 'Values that several keys share.\n', '| name | type | allowed | description |', '|---|---|---|---|'];
  for (const name of names) {
    const def = schema.definitions[name];
    lines.push(`| ${code(name)} | ${cell(typeOf(schema, def))} | ${cell(constraints(schema, def, true).join('; '))} | ${cell(def.description ? sentence(def.description) : '')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function readSchema(root = ROOT) {
  return JSON.parse(fs.readFileSync(path.join(root, SCHEMA_PATH), 'utf8'));
}

module.exports = { renderConfigDocs, readSchema, DOC_PATH, SCHEMA_PATH };

if (require.main === module) {
  const out = path.join(ROOT, DOC_PATH);
  fs.writeFileSync(out, renderConfigDocs(readSchema()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

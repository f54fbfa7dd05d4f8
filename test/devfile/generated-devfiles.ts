/**
 * Generated devfiles for property tests: devfiles written for other tools (registry style), with the
 * variety convert meets (schema versions 2.0.0-2.3.0, projects, commands, args, env, resources,
 * endpoints of every protocol, mountSources and sourceMapping, container-overrides resources,
 * overrideCommand values, volumes, exec options GitLab refuses, composite commands run or not, preStart
 * init containers, stop events), written as YAML with some collections in flow style and some comments.
 * Most load in devfile mode; the tests skip those that do not.
 */
import fc from 'fast-check';
import { Document, isCollection, isPair, visit } from 'yaml';


const NAMES = ['runtime', 'tools', 'db', 'cache', 'web', 'worker'];
const quantity = (unit: 'cpu' | 'memory') => fc.constantFrom(...(unit === 'cpu' ? ['100m', '500m', '1', '2000m'] : ['128Mi', '512Mi', '1Gi', '1024Mi']));
const word = fc.constantFrom('tail', '-f', '/dev/null', 'sleep', 'infinity', 'npm', 'start', '--port=8080', 'a b', '"quoted"');
const envVar = fc.record({ name: fc.constantFrom('PORT', 'DEBUG', 'APP_ENV', 'PATH_EXTRA'), value: fc.constantFrom('1', 'yes', 'on', '$HOME/x', 'say "hi"', '') });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const containerArb = fc.record({
  image: fc.constantFrom('alpine:3', 'registry.access.redhat.com/ubi9/nodejs-20:latest', 'postgres:16'),
  command: maybe(fc.array(word, { minLength: 1, maxLength: 3 })),
  args: maybe(fc.array(word, { minLength: 1, maxLength: 3 })),
  env: maybe(fc.uniqueArray(envVar, { selector: (e) => e.name, maxLength: 2 })),
  memoryLimit: maybe(quantity('memory')),
  cpuRequest: maybe(quantity('cpu')),
  mountSources: maybe(fc.boolean()),
  sourceMapping: maybe(fc.constantFrom('/projects', '/src')),
  endpoints: fc.array(fc.record({ protocol: maybe(fc.constantFrom('http', 'https', 'tcp', 'udp')), exposure: maybe(fc.constantFrom('public', 'internal', 'none')) }), { maxLength: 2 }),
  overrides: maybe(fc.record({ limits: maybe(fc.record({ cpu: quantity('cpu'), memory: quantity('memory') })), requests: maybe(fc.record({ memory: quantity('memory') })) })),
  overrideCommand: maybe(fc.constantFrom<unknown>(false, 'false', 'true', true, 'maybe')),
  mountVolume: fc.boolean(),
});

export const devfileArb = fc.record({
  schemaVersion: fc.constantFrom('2.0.0', '2.1.0', '2.2.0', '2.2.2', '2.3.0'),
  containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }),
  volumes: fc.array(fc.record({ size: maybe(fc.constantFrom('1Gi', '512Mi')), ephemeral: maybe(fc.boolean()) }), { maxLength: 2 }),
  starterProjects: fc.boolean(),
  marked: maybe(fc.nat({ max: 2 })),
  execs: fc.array(fc.record({
    target: fc.nat({ max: 2 }), group: fc.boolean(), hot: maybe(fc.boolean()), env: maybe(fc.array(envVar, { minLength: 1, maxLength: 2 })),
    workingDir: maybe(fc.constantFrom('${PROJECT_SOURCE}', '/tmp')), label: maybe(fc.constantFrom('Build', 'Run the app')),
  }), { maxLength: 4 }),
  applyFirstContainer: fc.boolean(),
  composite: fc.constantFrom('none', 'postStart', 'unrun', 'nested'),
  stopEvents: fc.boolean(),
  flow: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
  comments: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
  indentSeq: fc.boolean(),
});

export type Gen = typeof devfileArb extends fc.Arbitrary<infer T> ? T : never;

/** The devfile of a generated description, as YAML with some collections in flow style and some comments. */
export function devfileText(g: Gen): string {
  const containerNames = g.containers.map((_, i) => NAMES[i]);
  const volumeNames = g.volumes.map((_, i) => `vol-${i}`);
  let port = 3000;
  const components: unknown[] = g.containers.map((c, i) => {
    const attributes: Record<string, unknown> = {};
    if (g.marked === i) attributes['gl/inject-editor'] = true;
    if (c.overrides && (c.overrides.limits || c.overrides.requests)) attributes['container-overrides'] = { resources: { ...(c.overrides.limits && { limits: c.overrides.limits }), ...(c.overrides.requests && { requests: c.overrides.requests }) } };
    const ownCommand = c.command !== undefined || c.args !== undefined;
    // overrideCommand true without a command is GitLab's own instruction (GitLab replaces the entrypoint); devfile tools ignore it.
    if (c.overrideCommand !== undefined && !(c.overrideCommand === true && !ownCommand) && !(c.overrideCommand === 'true' && !ownCommand)) attributes.overrideCommand = c.overrideCommand;
    const volumeMounts = c.mountVolume && volumeNames.length > 0 ? [{ name: volumeNames[i % volumeNames.length], path: `/data/${i}` }] : undefined;
    return {
      name: containerNames[i],
      ...(Object.keys(attributes).length > 0 && { attributes }),
      container: {
        image: c.image,
        ...(c.command && { command: c.command }), ...(c.args && { args: c.args }),
        ...(c.env && c.env.length > 0 && { env: c.env }),
        ...(c.memoryLimit && { memoryLimit: c.memoryLimit }), ...(c.cpuRequest && { cpuRequest: c.cpuRequest }),
        ...(c.mountSources !== undefined && { mountSources: c.mountSources }), ...(c.sourceMapping && { sourceMapping: c.sourceMapping }),
        ...(c.endpoints.length > 0 && { endpoints: c.endpoints.map((e) => ({ name: `${containerNames[i]}-${port}`, targetPort: port++, ...(e.protocol && { protocol: e.protocol }), ...(e.exposure && { exposure: e.exposure }) })) }),
        ...(volumeMounts && { volumeMounts }),
      },
    };
  });
  g.volumes.forEach((v, i) => components.push({ name: volumeNames[i], volume: { ...(v.size && { size: v.size }), ...(v.ephemeral !== undefined && { ephemeral: v.ephemeral }) } }));
  const commands: Array<Record<string, unknown>> = g.execs.map((e, i) => ({
    id: `cmd-${i}`,
    exec: {
      component: containerNames[e.target % containerNames.length], commandLine: `echo ${i}`,
      ...(e.workingDir && { workingDir: e.workingDir }), ...(e.label && { label: e.label }),
      ...(e.group && { group: { kind: i % 2 ? 'run' : 'build', isDefault: i === 0 } }), ...(e.hot !== undefined && { hotReloadCapable: e.hot }),
      ...(e.env && { env: e.env.map((v, j) => ({ name: `${v.name}_${j}`, value: v.value })) }),
    },
  }));
  const execIds = commands.map((c) => c.id as string);
  const postStart: string[] = [];
  if (g.composite !== 'none' && execIds.length > 0) {
    commands.push({ id: 'all', composite: { commands: execIds.slice(0, 2), parallel: g.composite === 'nested' } });
    if (g.composite === 'nested') commands.push({ id: 'outer', composite: { commands: ['all', ...execIds.slice(2)] } });
    if (g.composite !== 'unrun') postStart.push(g.composite === 'nested' ? 'outer' : 'all');
  } else {
    postStart.push(...execIds.slice(0, 2));
  }
  const preStart: string[] = [];
  if (g.applyFirstContainer && containerNames.length > 1) {
    commands.push({ id: 'init-first', apply: { component: containerNames[0] } });
    preStart.push('init-first');
  }
  const events = {
    ...(preStart.length > 0 && { preStart }), ...(postStart.length > 0 && { postStart }),
    ...(g.stopEvents && execIds.length > 0 && { preStop: [execIds[execIds.length - 1]] }),
  };
  const value = {
    schemaVersion: g.schemaVersion,
    metadata: { name: 'generated', version: '1.0.0' },
    ...(g.starterProjects && { starterProjects: [{ name: 'starter', git: { remotes: { origin: 'https://example.com/s.git' } } }] }),
    components,
    ...(commands.length > 0 && { commands }),
    ...(Object.keys(events).length > 0 && { events }),
  };
  const doc = new Document(value);
  let n = 0;
  visit(doc, {
    Pair(_, pair) {
      const i = n++ % 24;
      if (isCollection(pair.value) && g.flow[i]) pair.value.flow = true;
      if (g.comments[i] && isPair(pair) && pair.key && typeof pair.key === 'object') (pair.key as { commentBefore?: string }).commentBefore = ` note ${i}`;
    },
  });
  return doc.toString({ indentSeq: g.indentSeq, lineWidth: 0 });
}


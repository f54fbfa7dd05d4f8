/**
 * The main component: the container GitLab injects the editor into. GitLab mode: the one component with
 * a truthy `gl/inject-editor` attribute. Devfile mode: that one if marked, else the component named by
 * the `editorComponent` option, else the first container component that can run the editor (one that
 * runs as a container: a component a preStart command applies runs only as an init container).
 */
import { asObject, isTruthy, withArticle } from '../raw';
import { componentLabel, IndexedComponent, Rule, RuleContext } from './context';
import { preStartAppliedComponents } from './events';

export const INJECT_EDITOR_ATTRIBUTE = 'gl/inject-editor';

export function markedComponents(ctx: RuleContext): IndexedComponent[] {
  return ctx.components.filter((c) => isTruthy(asObject(c.raw.attributes)[INJECT_EDITOR_ATTRIBUTE]));
}

/** The editor component, or undefined when the rules below report why there is none. */
export function chooseEditorComponent(ctx: RuleContext): IndexedComponent | undefined {
  const marked = markedComponents(ctx);
  if (marked.length > 0) return marked[0].kind === 'container' ? marked[0] : undefined;
  if (ctx.mode === 'gitlab') return undefined;
  if (ctx.editorComponent !== undefined) {
    const named = ctx.componentByName.get(ctx.editorComponent);
    return named?.kind === 'container' ? named : undefined;
  }
  return firstEditorCapableContainer(ctx);
}

/** The first container component that runs as a container of the workspace (not only as an init container). */
export function firstEditorCapableContainer(ctx: RuleContext): IndexedComponent | undefined {
  const initOnly = preStartAppliedComponents(ctx.devfile, ctx.commandById);
  return ctx.components.find((c) => c.kind === 'container' && !(c.name !== undefined && initOnly.has(c.name)));
}

export const editorComponentRule: Rule = {
  id: 'gitlab/editor-component',
  modes: ['gitlab', 'devfile'],
  summary: 'exactly one component has gl/inject-editor: true, and it is a container (devfile mode: or one is chosen)',
  check(ctx) {
    const marked = markedComponents(ctx);
    const attrPath = (c: IndexedComponent) => [...c.path, 'attributes', INJECT_EDITOR_ATTRIBUTE];
    marked.slice(1).forEach((c) => {
      ctx.report(this.id, attrPath(c),
        `${componentLabel(c)} also has the attribute ${INJECT_EDITOR_ATTRIBUTE}, which ${componentLabel(marked[0])} already has; exactly one component may have it`,
        { preferKey: true });
    });
    for (const c of marked) {
      if (c.kind !== undefined && c.kind !== 'container') {
        ctx.report(this.id, attrPath(c),
          `${componentLabel(c)} has the attribute ${INJECT_EDITOR_ATTRIBUTE} but is ${withArticle(c.kind)} component; the editor can be injected only into a container component`,
          { preferKey: true });
      }
    }
    if (marked.length > 0 || ctx.components.length === 0) return; // no components: reported by the components rules
    const listPath = ['components'];
    if (ctx.mode === 'gitlab') {
      ctx.report(this.id, listPath,
        `no component has the attribute "${INJECT_EDITOR_ATTRIBUTE}: true"; mark exactly one container component with it, so GitLab knows where to inject the editor`);
      return;
    }
    if (ctx.editorComponent !== undefined) {
      const named = ctx.componentByName.get(ctx.editorComponent);
      if (!named) {
        const containers = ctx.components.filter((c) => c.kind === 'container' && c.name !== undefined).map((c) => c.name);
        ctx.report('devfile/editor-component', listPath,
          `--editor-component names "${ctx.editorComponent}", but the devfile has no component of that name` +
            (containers.length ? ` (container components: ${containers.join(', ')})` : ''));
      } else if (named.kind !== undefined && named.kind !== 'container') {
        ctx.report('devfile/editor-component', named.path,
          `--editor-component names "${ctx.editorComponent}", which is ${withArticle(named.kind)} component; the editor needs a container component`);
      }
      return;
    }
    if (!ctx.components.some((c) => c.kind === 'container')) {
      ctx.report('devfile/editor-component', listPath, 'the devfile has no container component to inject the editor into; add one');
    } else if (!firstEditorCapableContainer(ctx)) {
      ctx.report('devfile/editor-component', listPath,
        'every container component runs only as a preStart init container, so none can run the editor; add a container component for the editor or mark one with gl/inject-editor');
    }
  },
};

/**
 * `doctor --smoke`: one throwaway workspace, end to end through the cluster. The smoke devfile
 * (examples/smoke-workspace/devfile.yaml: a postStart that writes to the workspace volume and must not
 * reach the instance metadata service) is rendered with the project's renderer (the same objects
 * `gitlab-workspaces render` prints) and the deployed agent config (the agent_config output: its
 * runtime class, network policy, resources), applied with the user's credentials into a namespace of
 * its own, waited for until its pod is Ready (scheduled on a workspace node, its volume bound, its images
 * pulled, its containers started by the runtime under the admission policies, GitLab's blocking internal
 * postStart done), and deleted, whatever happened.
 *
 * Then, with the default smoke devfile, the file its postStart command writes on success is read with an
 * exec into the pod (GitLab runs the devfile's postStart commands in the background, so Ready does not
 * say they succeeded): the workspace volume is writable and the instance metadata service unreachable.
 *
 * What it does not prove: that GitLab itself can create a workspace (it does not go through GitLab or the
 * agent; the agent-connected and agent-groups lines cover those); the proxy's route to it.
 */
import { randomBytes } from 'crypto';
import { parseAgentConfig } from '../agent-config';
import type { Diagnostic } from '../common/diagnostics';
import type { GitLabVersion } from '../common/gitlab-version';
import { loadDevfileWithSource } from '../devfile';
import { DEFAULT_WORKSPACE_IDENTITY } from '../workspace/identity';
import { renderWorkspaceResult } from '../workspace/render';
import type { CheckResult } from './doctor-checks';
import type { KubeApi } from './doctor-kube';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SmokeInput {
  readonly devfileText: string;
  readonly devfileName: string;
  /** The deployed agent config file (the agent_config output). */
  readonly agentConfigText: string;
  readonly gitlabVersion?: GitLabVersion;
  readonly gitlabUrl?: string;
  /**
   * A file the devfile's postStart command writes when it succeeds, and the text it holds (the default smoke
   * devfile: /projects/workspace-logs/smoke-test.log, "smoke test passed"); read with an exec into the pod.
   */
  readonly expectFile?: { readonly path: string; readonly text: string };
}

export interface SmokeOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** The suffix of the workspace's names (default random). */
  readonly suffix?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Leave the workspace in place (to look at a failure). */
  readonly keep?: boolean;
}

/** The objects of the smoke workspace, or the diagnostics that stopped the render. */
export function renderSmokeWorkspace(input: SmokeInput, suffix: string): { ok: true; objects: Obj[] } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const devfile = loadDevfileWithSource(input.devfileText, { file: input.devfileName, mode: 'gitlab', ...(input.gitlabVersion && { gitlabVersion: input.gitlabVersion }) });
  const agentConfig = parseAgentConfig(input.agentConfigText, 'the agent_config output', { ...(input.gitlabVersion && { gitlabVersion: input.gitlabVersion }) });
  if (!devfile.ok || !agentConfig.ok) return { ok: false, diagnostics: [...devfile.diagnostics, ...agentConfig.diagnostics] };
  const workspace = { ...DEFAULT_WORKSPACE_IDENTITY, name: `workspace-doctor-${suffix}`, namespace: `gl-rd-ns-doctor-${suffix}`, id: 0 };
  const rendered = renderWorkspaceResult({
    devfile: devfile.value, agentConfig: agentConfig.value, workspace,
    options: { ...(input.gitlabVersion && { gitlabVersion: input.gitlabVersion }), ...(input.gitlabUrl && { gitlabUrl: input.gitlabUrl }) },
  });
  if (!rendered.ok) return { ok: false, diagnostics: rendered.diagnostics };
  return { ok: true, objects: rendered.value as unknown as Obj[] };
}

/** The REST collection path of a namespaced object (`/api/v1/namespaces/ns/configmaps`, `/apis/apps/v1/...`). */
export function collectionPath(obj: Obj, namespace: string): string {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind).toLowerCase();
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

const isReady = (pod: Obj) => (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

function podProblem(pod: Obj | undefined): string {
  if (!pod) return 'no pod was created (the Deployment\'s events say why: a quota, an admission policy)';
  for (const s of pod.status?.containerStatuses ?? []) {
    const w = s.state?.waiting;
    if (w?.reason) return `${s.name}: ${w.reason}${w.message ? ` (${String(w.message).slice(0, 160)})` : ''}`;
  }
  const unscheduled = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `not scheduled: ${String(unscheduled.message ?? '').slice(0, 160)}`;
  return `phase ${pod.status?.phase ?? 'unknown'}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Applies, waits for and removes the smoke workspace; one result line for each step. */
export async function runSmoke(kube: KubeApi, input: SmokeInput, options: SmokeOptions): Promise<CheckResult[]> {
  const suffix = options.suffix ?? randomBytes(3).toString('hex');
  const rendered = renderSmokeWorkspace(input, suffix);
  if (!rendered.ok) {
    const first = rendered.diagnostics.find((d) => d.severity === 'error') ?? rendered.diagnostics[0];
    return [{ id: 'smoke-render', status: 'fail', message: `the smoke workspace does not render: ${first ? `${first.file}:${first.line}: ${first.message}` : 'unknown error'}`, fix: 'check the agent_config output (pass the platform stack\'s outputs with --outputs) and --smoke-devfile' }];
  }
  const objects = rendered.objects;
  const namespace = String(objects.find((o) => o.metadata?.namespace)?.metadata.namespace);
  const created: Array<{ path: string; what: string }> = [];
  const results: CheckResult[] = [];
  const sleep = options.sleep ?? defaultSleep;
  try {
    const existing = await kube.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`);
    if (existing.status === 404) {
      const res = await kube.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'gitlab-workspaces-doctor' } } });
      if (res.status !== 201 && res.status !== 200) throw new Error(`creating namespace ${namespace} answered ${res.status}: ${statusMessage(res.body)}`);
      created.push({ path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`, what: `namespace ${namespace}` });
    }
    for (const obj of objects) {
      const collection = collectionPath(obj, obj.metadata?.namespace ?? namespace);
      const res = await kube.request('POST', collection, obj);
      if (res.status !== 201 && res.status !== 200) {
        results.push({ id: 'smoke-apply', status: 'fail', message: `${obj.kind} ${obj.metadata?.name} refused (${res.status}): ${statusMessage(res.body)}`, fix: 'the message names the admission policy or quota that refused it; see docs/operations.md' });
        return results;
      }
      created.push({ path: `${collection}/${encodeURIComponent(obj.metadata.name)}`, what: `${obj.kind} ${obj.metadata.name}` });
    }
    results.push({ id: 'smoke-apply', status: 'ok', message: `applied ${objects.length} objects of workspace-doctor-${suffix} in ${namespace}` });

    const deployment = objects.find((o) => o.kind === 'Deployment');
    const selector = Object.entries((deployment?.spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
    const deadline = Date.now() + options.timeoutMs;
    let last: Obj | undefined;
    for (;;) {
      const list = await kube.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`);
      const pods: Obj[] = (list.body as Obj | undefined)?.items ?? [];
      last = pods[0];
      const ready = pods.find(isReady);
      if (ready) {
        results.push({ id: 'smoke-ready', status: 'ok', message: `pod ${ready.metadata?.name} Ready on ${ready.spec?.nodeName ?? 'a node'} (scheduled, volume bound, images pulled, containers and GitLab's blocking postStart run)` });
        if (input.expectFile) {
          const container = String(deployment?.spec?.template?.spec?.containers?.[0]?.name ?? '');
          results.push(await waitForFile(kube, namespace, String(ready.metadata?.name), container, input.expectFile, Math.max(deadline, Date.now() + Math.min(60_000, options.timeoutMs)), options.pollMs ?? 3000, sleep));
        }
        break;
      }
      if (Date.now() >= deadline) {
        results.push({ id: 'smoke-ready', status: 'fail', message: `no Ready pod in ${Math.round(options.timeoutMs / 1000)}s: ${podProblem(last)}`, fix: `rerun with --keep-smoke and: kubectl -n ${namespace} describe pods; kubectl -n ${namespace} get events` });
        break;
      }
      await sleep(options.pollMs ?? 3000);
    }
  } catch (err) {
    results.push({ id: 'smoke-apply', status: 'fail', message: `could not apply the smoke workspace: ${(err as Error).message}`, fix: 'the kubeconfig\'s identity needs to create namespaces and workspace objects (cluster admin)' });
  } finally {
    if (options.keep) {
      results.push({ id: 'smoke-cleanup', status: 'warn', message: `kept the smoke workspace in ${namespace} (--keep-smoke)`, fix: `kubectl delete namespace ${namespace} when done` });
    } else {
      // A namespace of its own goes with everything in it; in an existing (shared) namespace, each object goes.
      const ownNamespace = created.find((c) => c.what.startsWith('namespace '));
      const left: string[] = [];
      for (const item of ownNamespace ? [ownNamespace] : [...created].reverse()) {
        const res = await kube.request('DELETE', item.path).catch(() => ({ status: 0 }));
        if (res.status !== 200 && res.status !== 202 && res.status !== 404) left.push(item.what);
      }
      results.push(left.length === 0
        ? { id: 'smoke-cleanup', status: 'ok', message: ownNamespace ? `removed the smoke workspace with namespace ${namespace}` : `removed the smoke workspace's ${created.length} objects from ${namespace}` }
        : { id: 'smoke-cleanup', status: 'warn', message: `could not remove ${left.join(', ')}`, fix: `kubectl delete namespace ${namespace}` });
    }
  }
  return results;
}

/** Reads the file the postStart command writes (an exec into the pod) until it holds the text, or the deadline. */
async function waitForFile(kube: KubeApi, namespace: string, pod: string, container: string, file: { path: string; text: string }, deadline: number, pollMs: number, sleep: (ms: number) => Promise<void>): Promise<CheckResult> {
  const id = 'smoke-poststart';
  if (!kube.exec) return { id, status: 'skip', message: 'not checked: this client cannot exec into pods', fix: `kubectl -n ${namespace} exec ${pod} -c ${container} -- cat ${file.path}` };
  let last = '';
  for (;;) {
    try {
      const r = await kube.exec(namespace, pod, container, ['cat', file.path]);
      if (r.exitCode === 0 && r.stdout.includes(file.text)) return { id, status: 'ok', message: `the devfile's postStart command succeeded (${file.path}: ${file.text})` };
      last = (r.stderr || r.stdout || r.message || '').trim().split('\n')[0];
    } catch (err) {
      return { id, status: 'warn', message: `could not exec into ${pod} to read ${file.path}: ${(err as Error).message}`, fix: 'the kubeconfig\'s identity needs pods/exec; or look with --keep-smoke and kubectl exec' };
    }
    if (Date.now() >= deadline) {
      return {
        id, status: 'fail',
        message: `the devfile's postStart command did not write ${file.path}${last ? ` (${last.slice(0, 160)})` : ''}: it writes to the workspace volume and checks that the instance metadata service is unreachable`,
        fix: `rerun with --keep-smoke, then: kubectl -n ${namespace} exec ${pod} -c ${container} -- sh -c 'cat "$GL_WORKSPACE_LOGS_DIR"/*/*'`,
      };
    }
    await sleep(pollMs);
  }
}

function statusMessage(body: unknown): string {
  const m = (body as Obj | undefined)?.message;
  return typeof m === 'string' ? m.split('\n')[0].slice(0, 300) : 'no message';
}

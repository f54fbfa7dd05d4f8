/**
 * A minimal Kubernetes API client for `doctor`: the user's kubeconfig (KUBECONFIG, a `:`-separated list
 * merged first-wins as kubectl does, or ~/.kube/config), its current context or `--context`, and the
 * credentials kubectl supports that EKS uses: a bearer token, a client certificate and key (inline
 * `-data` or files), and an `exec` credential plugin (`aws eks get-token`, client.authentication.k8s.io
 * v1/v1beta1: the plugin's `status.token` or `status.clientCertificateData`/`clientKeyData`).
 * Not supported (named in the error): `auth-provider` (removed from kubectl in 1.26), username/password,
 * proxies. Only Node built-ins and `yaml`: no Kubernetes client library (the official one pulls in ~40
 * packages and a websocket stack for what is here a few GETs, POSTs and DELETEs).
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { request as httpsRequest, RequestOptions } from 'https';
import { request as httpRequest } from 'http';
import { homedir } from 'os';
import { delimiter, dirname, isAbsolute, join } from 'path';
import { parse as parseYaml } from 'yaml';

/** A problem with the kubeconfig or its credentials: a usage/credentials error (exit 2), not a failed check. */
export class KubeconfigError extends Error {}

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  /** The raw body (logs are text). */
  readonly text: string;
}

/** What the checks need of the cluster: JSON requests by path. */
export interface KubeApi {
  /** The API server URL (for messages). */
  readonly server: string;
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KubeResponse>;
}

interface NamedEntry<T> { readonly name: string; readonly value: T }

interface Cluster {
  readonly server: string;
  readonly ca?: Buffer;
  readonly insecure: boolean;
  readonly tlsServerName?: string;
}

interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: ReadonlyArray<{ name: string; value: string }>;
  readonly apiVersion: string;
}

interface User {
  readonly token?: string;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly exec?: ExecConfig;
}

export interface KubeconfigSelection {
  /** The context used. */
  readonly context: string;
  readonly cluster: Cluster;
  readonly user: User;
  /** Where the kubeconfig came from (for messages). */
  readonly files: readonly string[];
}

/** The kubeconfig files to read: `KUBECONFIG` (a path list), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv, home: string = homedir()): string[] {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  return list.length > 0 ? list : [join(home, '.kube', 'config')];
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and merges the kubeconfig files (first file wins for a name and for current-context), then picks the context. */
export function loadKubeconfig(files: readonly string[], contextName?: string): KubeconfigSelection {
  const clusters = new Map<string, { raw: Raw; dir: string }>();
  const users = new Map<string, { raw: Raw; dir: string }>();
  const contexts = new Map<string, Raw>();
  let current: string | undefined;
  let read = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && files.length > 1) continue;
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}; run the cluster stack's kubeconfig_command output (aws eks update-kubeconfig ...) or set KUBECONFIG`);
    }
    read++;
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${file} is not YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!isRecord(doc)) continue;
    const dir = dirname(file);
    for (const [list, into] of [['clusters', clusters], ['users', users]] as const) {
      for (const entry of entries(doc[list], list === 'clusters' ? 'cluster' : 'user')) {
        if (!into.has(entry.name)) into.set(entry.name, { raw: entry.value, dir });
      }
    }
    for (const entry of entries(doc.contexts, 'context')) if (!contexts.has(entry.name)) contexts.set(entry.name, entry.value);
    if (current === undefined && typeof doc['current-context'] === 'string' && doc['current-context'] !== '') current = doc['current-context'];
  }
  if (read === 0) throw new KubeconfigError(`no kubeconfig found (${files.join(', ')}); run the cluster stack's kubeconfig_command output or set KUBECONFIG`);
  const name = contextName ?? current;
  if (name === undefined) throw new KubeconfigError(`the kubeconfig (${files.join(', ')}) has no current-context; pass --context NAME`);
  const context = contexts.get(name);
  if (!context) throw new KubeconfigError(`the kubeconfig has no context "${name}" (contexts: ${[...contexts.keys()].join(', ') || 'none'})`);
  const clusterName = String(context.cluster ?? '');
  const userName = String(context.user ?? '');
  const cluster = clusters.get(clusterName);
  if (!cluster) throw new KubeconfigError(`context "${name}" names cluster "${clusterName}", which the kubeconfig does not define`);
  const user = users.get(userName);
  if (userName !== '' && !user) throw new KubeconfigError(`context "${name}" names user "${userName}", which the kubeconfig does not define`);
  return { context: name, cluster: parseCluster(cluster.raw, cluster.dir, clusterName), user: user ? parseUser(user.raw, user.dir, userName) : {}, files };
}

function entries(list: unknown, key: string): Array<NamedEntry<Raw>> {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).filter((e) => typeof e.name === 'string' && isRecord(e[key])).map((e) => ({ name: e.name as string, value: e[key] as Raw }));
}

function fileOrData(raw: Raw, key: string, dir: string, what: string): Buffer | undefined {
  const data = raw[`${key}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  const file = raw[key];
  if (typeof file === 'string' && file !== '') {
    const path = isAbsolute(file) ? file : join(dir, file);
    try {
      return readFileSync(path);
    } catch (err) {
      throw new KubeconfigError(`cannot read ${what} ${path}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

function parseCluster(raw: Raw, dir: string, name: string): Cluster {
  const server = raw.server;
  if (typeof server !== 'string' || !/^https?:\/\//.test(server)) throw new KubeconfigError(`cluster "${name}" in the kubeconfig has no https server URL`);
  if (raw['proxy-url'] !== undefined) throw new KubeconfigError(`cluster "${name}" uses proxy-url, which doctor does not support; use a kubeconfig without it`);
  return {
    server: server.replace(/\/+$/, ''),
    ca: fileOrData(raw, 'certificate-authority', dir, `cluster "${name}" certificate-authority`),
    insecure: raw['insecure-skip-tls-verify'] === true,
    ...(typeof raw['tls-server-name'] === 'string' && { tlsServerName: raw['tls-server-name'] }),
  };
}

function parseUser(raw: Raw, dir: string, name: string): User {
  if (raw['auth-provider'] !== undefined) throw new KubeconfigError(`user "${name}" uses auth-provider, which kubectl removed in 1.26; use an exec plugin (aws eks update-kubeconfig writes one)`);
  if (raw.username !== undefined || raw.password !== undefined) throw new KubeconfigError(`user "${name}" uses basic authentication, which EKS does not accept`);
  let token = typeof raw.token === 'string' && raw.token !== '' ? raw.token : undefined;
  if (token === undefined && typeof raw.tokenFile === 'string') {
    try {
      token = readFileSync(isAbsolute(raw.tokenFile) ? raw.tokenFile : join(dir, raw.tokenFile), 'utf8').trim();
    } catch (err) {
      throw new KubeconfigError(`cannot read user "${name}" tokenFile: ${(err as Error).message}`);
    }
  }
  let exec: ExecConfig | undefined;
  if (isRecord(raw.exec)) {
    const e = raw.exec;
    if (typeof e.command !== 'string' || e.command === '') throw new KubeconfigError(`user "${name}" has an exec plugin without a command`);
    exec = {
      command: e.command,
      args: Array.isArray(e.args) ? e.args.map(String) : [],
      env: Array.isArray(e.env) ? e.env.filter(isRecord).map((v) => ({ name: String(v.name), value: String(v.value ?? '') })) : [],
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : 'client.authentication.k8s.io/v1beta1',
    };
  }
  return {
    ...(token !== undefined && { token }),
    cert: fileOrData(raw, 'client-certificate', dir, `user "${name}" client-certificate`),
    key: fileOrData(raw, 'client-key', dir, `user "${name}" client-key`),
    ...(exec && { exec }),
  };
}

/** Runs an exec credential plugin once, as kubectl does, and returns its credential. */
export function runExecPlugin(exec: ExecConfig, env: NodeJS.ProcessEnv = process.env): { token?: string; cert?: Buffer; key?: Buffer } {
  const execInfo = { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  const child = spawnSync(exec.command, [...exec.args], {
    env: { ...env, ...Object.fromEntries(exec.env.map((v) => [v.name, v.value])), KUBERNETES_EXEC_INFO: JSON.stringify(execInfo) },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 1024 * 1024,
  });
  const what = `the kubeconfig's exec credential plugin (${[exec.command, ...exec.args].join(' ')})`;
  if (child.error) {
    const missing = (child.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KubeconfigError(`${what} could not run: ${missing ? `${exec.command} is not installed or not on PATH` : child.error.message}`);
  }
  if (child.status !== 0) throw new KubeconfigError(`${what} failed (exit ${child.status}): ${(child.stderr || '').trim().split('\n').slice(-1)[0] ?? ''}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(child.stdout);
  } catch {
    throw new KubeconfigError(`${what} printed no ExecCredential JSON`);
  }
  const status = isRecord(parsed) && isRecord(parsed.status) ? parsed.status : undefined;
  if (!status) throw new KubeconfigError(`${what} printed an ExecCredential without status`);
  if (typeof status.token === 'string' && status.token !== '') return { token: status.token };
  if (typeof status.clientCertificateData === 'string' && typeof status.clientKeyData === 'string') {
    return { cert: Buffer.from(status.clientCertificateData), key: Buffer.from(status.clientKeyData) };
  }
  throw new KubeconfigError(`${what} returned neither a token nor a client certificate`);
}

/** A KubeApi over HTTPS with the selection's credentials (the exec plugin runs once, at the first request). */
export function kubeClient(selection: KubeconfigSelection, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): KubeApi {
  const { cluster } = selection;
  let credential: { token?: string; cert?: Buffer; key?: Buffer } | undefined;
  const credentials = () => {
    credential ??= selection.user.exec && !selection.user.token && !selection.user.cert
      ? runExecPlugin(selection.user.exec, options.env)
      : { token: selection.user.token, cert: selection.user.cert, key: selection.user.key };
    return credential;
  };
  const url = new URL(cluster.server);
  const basePath = url.pathname.replace(/\/+$/, '');
  return {
    server: cluster.server,
    async request(method, path, body) {
      const cred = credentials();
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const opts: RequestOptions = {
        method,
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: basePath + path,
        headers: {
          accept: 'application/json',
          ...(cred.token && { authorization: `Bearer ${cred.token}` }),
          ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
        },
        timeout: options.timeoutMs ?? 15_000,
        ...(url.protocol === 'https:' && {
          ca: cluster.ca,
          cert: cred.cert,
          key: cred.key,
          rejectUnauthorized: !cluster.insecure,
          servername: cluster.tlsServerName ?? (/^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname),
        }),
      };
      return new Promise<KubeResponse>((resolve, reject) => {
        const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(opts, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = undefined;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text });
          });
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${cluster.server} in ${(options.timeoutMs ?? 15_000) / 1000}s`)));
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
  };
}

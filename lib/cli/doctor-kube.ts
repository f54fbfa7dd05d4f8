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
import { createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { request as httpsRequest, RequestOptions } from 'https';
import { request as httpRequest } from 'http';
import type { Socket } from 'net';
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

/** What a command run in a container printed, and its exit code (0 unless the API's status says otherwise). */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** The API's status message when the command failed or could not run. */
  readonly message?: string;
}

/** What the checks need of the cluster: JSON requests by path, and a command run in a container. */
export interface KubeApi {
  /** The API server URL (for messages). */
  readonly server: string;
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KubeResponse>;
  /** `kubectl exec` without stdin or a terminal (websocket, v4.channel.k8s.io). */
  exec?(namespace: string, pod: string, container: string, command: readonly string[]): Promise<ExecResult>;
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
  const timeoutMs = options.timeoutMs ?? 15_000;
  const requestOptions = (method: string, path: string, headers: Record<string, string | number>): RequestOptions => {
    const cred = credentials();
    return {
      method,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: basePath + path,
      headers: { ...(cred.token && { authorization: `Bearer ${cred.token}` }), ...headers },
      timeout: timeoutMs,
      ...(url.protocol === 'https:' && {
        ca: cluster.ca,
        cert: cred.cert,
        key: cred.key,
        rejectUnauthorized: !cluster.insecure,
        servername: cluster.tlsServerName ?? (/^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname),
      }),
    };
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    server: cluster.server,
    async request(method, path, body) {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const opts = requestOptions(method, path, {
        accept: 'application/json',
        ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
      });
      return new Promise<KubeResponse>((resolve, reject) => {
        const req = send(opts, (res) => {
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
        req.on('timeout', () => req.destroy(new Error(`no answer from ${cluster.server} in ${timeoutMs / 1000}s`)));
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    },
    async exec(namespace, pod, container, command) {
      const query = [`container=${encodeURIComponent(container)}`, ...command.map((c) => `command=${encodeURIComponent(c)}`), 'stdout=true', 'stderr=true'].join('&');
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${query}`;
      const key = randomBytes(16).toString('base64');
      const opts = requestOptions('GET', path, {
        connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': 13, 'sec-websocket-key': key, 'sec-websocket-protocol': EXEC_PROTOCOL,
      });
      return new Promise<ExecResult>((resolve, reject) => {
        const req = send(opts);
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(new Error(`exec answered ${res.statusCode}: ${statusText(Buffer.concat(chunks).toString('utf8'))}`)));
        });
        req.on('upgrade', (res, socket: Socket, head: Buffer) => {
          socket.setTimeout(0);
          if (res.headers['sec-websocket-accept'] !== websocketAccept(key)) {
            socket.destroy();
            reject(new Error('exec: the server did not accept the websocket handshake'));
            return;
          }
          readExecFrames(socket, head, timeoutMs).then(resolve, reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${cluster.server} in ${timeoutMs / 1000}s`)));
        req.on('error', reject);
        req.end();
      });
    },
  };
}

/** The exec subprotocol: each message starts with its channel (1 stdout, 2 stderr, 3 the final status). */
export const EXEC_PROTOCOL = 'v4.channel.k8s.io';

/** RFC 6455's Sec-WebSocket-Accept for a key. */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47A0-95CA-C5AB0DC11D85`).digest('base64');
}

function statusText(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m.split('\n')[0];
  } catch {
    // not a Status
  }
  return text.slice(0, 200);
}

/** Reads the server's websocket messages until it closes: stdout, stderr and the status channel. */
function readExecFrames(socket: Socket, head: Buffer, timeoutMs: number): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    let buffer = head;
    const out: Buffer[][] = [[], [], [], []];
    let message: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Buffer.concat(out[3]).toString('utf8');
      let exitCode = 0;
      let statusMessage: string | undefined;
      if (status !== '') {
        try {
          const parsed = JSON.parse(status) as { status?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } };
          if (parsed.status !== 'Success') {
            const code = parsed.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
            exitCode = code !== undefined ? Number(code) : 1;
            statusMessage = parsed.message;
          }
        } catch {
          exitCode = 1;
          statusMessage = status.slice(0, 200);
        }
      }
      resolve({ stdout: Buffer.concat(out[1]).toString('utf8'), stderr: Buffer.concat(out[2]).toString('utf8'), exitCode, ...(statusMessage !== undefined && { message: statusMessage }) });
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`exec did not finish in ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const parse = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0] & 0x0f;
        const fin = (buffer[0] & 0x80) !== 0;
        const masked = (buffer[1] & 0x80) !== 0;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        const maskOffset = offset;
        if (masked) offset += 4;
        if (buffer.length < offset + length) return;
        let payload = buffer.subarray(offset, offset + length);
        if (masked) payload = Buffer.from(payload.map((b, i) => b ^ buffer[maskOffset + (i % 4)]));
        buffer = buffer.subarray(offset + length);
        if (opcode === 0x8) {
          finish();
          return;
        }
        if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
          message.push(payload);
          if (fin) {
            const whole = Buffer.concat(message);
            message = [];
            if (whole.length > 0 && whole[0] >= 1 && whole[0] <= 3) out[whole[0]].push(whole.subarray(1));
          }
        }
      }
    };
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      parse();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (err) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    parse();
  });
}

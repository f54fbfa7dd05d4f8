/**
 * Fakes for the doctor tests, all on 127.0.0.1: a Kubernetes API server (HTTPS, the test CA), an SSH server
 * that runs the server side of one curve25519-sha256 key exchange with a host key of the test's choosing,
 * an HTTPS server with a chosen certificate (the proxy behind the load balancer), and a GitLab GraphQL
 * endpoint. Nothing leaves loopback.
 */
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer, ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import { createServer as createTcpServer, Server as TcpServer, Socket } from 'net';
import { generateKeyPairSync, KeyObject, sign } from 'crypto';
import { readFileSync } from 'fs';
import { AddressInfo } from 'net';
import { join } from 'path';
import { EXEC_PROTOCOL, websocketAccept } from '../../lib/cli/doctor-kube';
import {
  exchangeHash, kexInitPayload, sshMpint, sshPacket, SshStream, sshString, SSH_MSG_KEX_ECDH_INIT, SSH_MSG_KEX_ECDH_REPLY,
  SSH_MSG_KEXINIT, parseKexInit, x25519KeyPair, x25519Shared, SshReader,
} from '../../lib/cli/doctor-ssh';

export const FIXTURES = join(__dirname, 'fixtures', 'doctor');
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

export interface Listening<T> { readonly server: T; readonly port: number; close(): Promise<void> }

async function listen<T extends HttpServer | TcpServer>(server: T): Promise<Listening<T>> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      (server as HttpServer).closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

/** A request the fake API server saw. */
export interface SeenRequest { readonly method: string; readonly path: string; readonly auth?: string; readonly body?: unknown }

export type Route = (req: SeenRequest) => { status: number; body?: unknown; text?: string } | undefined;

/** A fake Kubernetes API server over HTTPS; `routes` answer by method and path (first that answers wins; else 404). */
export async function fakeKubeApi(routes: Route[], options: { requireClientCert?: boolean; exec?: ExecAnswer } = {}): Promise<Listening<HttpServer> & { seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createHttpsServer({
    cert: fixture('apiserver.crt'), key: fixture('apiserver.key'), ca: fixture('ca.crt'),
    requestCert: options.requireClientCert === true, rejectUnauthorized: options.requireClientCert === true,
  }, (req, res) => handle(req, res, routes, seen));
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push({ method: 'EXEC', path: req.url ?? '/', auth: req.headers.authorization });
    const answer = options.exec?.(req.url ?? '/');
    if (!answer || req.headers['sec-websocket-protocol'] !== EXEC_PROTOCOL) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"kind":"Status","message":"pods/exec is forbidden"}');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${websocketAccept(String(req.headers['sec-websocket-key']))}\r\nSec-WebSocket-Protocol: ${EXEC_PROTOCOL}\r\n\r\n`);
    const frame = (opcode: number, payload: Buffer) => {
      const header = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
      return Buffer.concat([header, payload]);
    };
    const status = answer.exitCode ? { status: 'Failure', message: `command terminated with non-zero exit code: ${answer.exitCode}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(answer.exitCode) }] } } : { status: 'Success' };
    socket.write(frame(2, Buffer.concat([Buffer.from([1]), Buffer.from(answer.stdout ?? '')])));
    if (answer.stderr) socket.write(frame(2, Buffer.concat([Buffer.from([2]), Buffer.from(answer.stderr)])));
    socket.write(frame(2, Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))])));
    socket.end(frame(8, Buffer.alloc(0)));
  });
  return Object.assign(await listen(server as unknown as HttpServer), { seen });
}

/** What the fake API server's exec answers for a path (undefined: refused, 403). */
export type ExecAnswer = (path: string) => { stdout?: string; stderr?: string; exitCode?: number } | undefined;

function handle(req: IncomingMessage, res: ServerResponse, routes: Route[], seen: SeenRequest[]): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const r: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', auth: req.headers.authorization, ...(text && { body: JSON.parse(text) }) };
    seen.push(r);
    const answer = routes.map((route) => route(r)).find((a) => a !== undefined) ?? { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound' } };
    res.writeHead(answer.status, { 'content-type': answer.text !== undefined ? 'text/plain' : 'application/json' });
    res.end(answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
  });
}

/** A GET route for an exact path (the query string included when given). */
export const get = (path: string, body: unknown, status = 200): Route => (req) => {
  const [p, q] = req.path.split('?');
  return req.method === 'GET' && (path.includes('?') ? req.path === path : p === path) && q !== 'never' ? { status, body } : undefined;
};

/** A fake GitLab: POST /api/graphql answered by `answer(query, variables)`. */
export async function fakeGitLab(answer: (query: string, variables: Record<string, unknown>, auth?: string) => unknown): Promise<Listening<HttpServer> & { seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createHttpServer((req, res) => handle(req, res, [(r) => {
    if (r.method !== 'POST' || r.path !== '/api/graphql') return undefined;
    const body = r.body as { query: string; variables?: Record<string, unknown> };
    return { status: 200, body: answer(body.query, body.variables ?? {}, r.auth) };
  }], seen));
  return Object.assign(await listen(server), { seen });
}

/** An HTTPS server with the given certificate: the proxy behind the load balancer. */
export async function fakeProxy(certName: string, status = 302): Promise<Listening<HttpServer>> {
  const server = createHttpsServer({ cert: fixture(`${certName}.crt`), key: fixture(`${certName}.key`) }, (_req, res) => {
    res.writeHead(status, { location: 'https://gitlab.test/oauth/authorize' });
    res.end();
  });
  return listen(server as unknown as HttpServer);
}

/** An SSH host key: its private key and its public key blob in SSH encoding. */
export function rsaHostKey(): { privateKey: KeyObject; blob: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([sshString('ssh-rsa'), sshMpint(Buffer.from(jwk.e, 'base64url')), sshMpint(Buffer.from(jwk.n, 'base64url'))]);
  return { privateKey, blob };
}

/** A fake SSH server: banner, KEXINIT and one curve25519-sha256 exchange signed with `hostKey` (or a bad signature). */
export async function fakeSshServer(hostKey: { privateKey: KeyObject; blob: Buffer }, options: { badSignature?: boolean } = {}): Promise<Listening<TcpServer>> {
  const banner = 'SSH-2.0-Go';
  const server = createTcpServer((socket) => {
    const stream = new SshStream(socket);
    void (async () => {
      socket.write(`${banner}\r\n`);
      const vc = await stream.banner();
      const is = kexInitPayload(['curve25519-sha256'], ['rsa-sha2-256', 'rsa-sha2-512']);
      socket.write(sshPacket(is));
      const ic = await stream.message();
      if (ic[0] !== SSH_MSG_KEXINIT) throw new Error('expected KEXINIT');
      const init = await stream.message();
      if (init[0] !== SSH_MSG_KEX_ECDH_INIT) throw new Error('expected KEX_ECDH_INIT');
      const r = new SshReader(init);
      r.byte();
      const qc = r.string();
      const { privateKey, publicRaw } = x25519KeyPair();
      const k = x25519Shared(privateKey, qc);
      const h = exchangeHash({ vc, vs: banner, ic, is, ks: hostKey.blob, qc, qs: publicRaw, k });
      // The signature algorithm both sides agreed on: the client's first that the server offers (RFC 4253 section 7.1).
      const alg = parseKexInit(ic).hostKey.find((a) => a === 'rsa-sha2-256' || a === 'rsa-sha2-512') ?? 'rsa-sha2-256';
      const signed = sign(alg === 'rsa-sha2-512' ? 'sha512' : 'sha256', options.badSignature ? Buffer.from('something else') : h, hostKey.privateKey);
      const signature = Buffer.concat([sshString(alg), sshString(signed)]);
      socket.write(sshPacket(Buffer.concat([Buffer.from([SSH_MSG_KEX_ECDH_REPLY]), sshString(hostKey.blob), sshString(publicRaw), sshString(signature)])));
    })().catch(() => socket.destroy());
  });
  return listen(server);
}

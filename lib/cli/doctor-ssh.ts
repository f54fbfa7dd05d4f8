/**
 * The SSH host key a server proves it holds, read with Node built-ins only: the identification banner,
 * KEXINIT, then one curve25519-sha256 key exchange (RFC 8731 over RFC 5656 section 4), whose reply
 * carries the server's host key and its signature of the exchange hash. The signature is verified (so a
 * server that only replays the proxy's public key does not pass), the key's SHA-256 fingerprint is taken as
 * OpenSSH prints it (`SHA256:<base64, no padding>`, the format of Terraform's
 * `tls_private_key.public_key_fingerprint_sha256`), and the connection is closed before any
 * authentication: no new keys are taken into use, nothing is sent but the exchange.
 * Host key algorithms understood: rsa-sha2-256/512, ecdsa-sha2-nistp256/384/521, ssh-ed25519.
 */
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, KeyObject, randomBytes, verify } from 'crypto';
import { connect, Socket } from 'net';

export const SSH_MSG_DISCONNECT = 1;
export const SSH_MSG_IGNORE = 2;
export const SSH_MSG_DEBUG = 4;
export const SSH_MSG_KEXINIT = 20;
export const SSH_MSG_KEX_ECDH_INIT = 30;
export const SSH_MSG_KEX_ECDH_REPLY = 31;

/** The identification string doctor sends. */
export const CLIENT_BANNER = 'SSH-2.0-gitlab-workspaces-doctor';

export const KEX_ALGORITHMS = ['curve25519-sha256', 'curve25519-sha256@libssh.org'];
export const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];
/** Offered so the server agrees to the exchange; never used (the connection closes after the reply). */
const CIPHERS = ['aes128-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com'];
const MACS = ['hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha1'];

// --- SSH wire encoding (RFC 4251 section 5) ---

export function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

export function sshUint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** An unsigned big-endian integer as an SSH mpint (leading zeros dropped, a zero byte added when the top bit is set). */
export function sshMpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  let b = unsigned.subarray(i);
  if (b.length > 0 && (b[0] & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

export function nameList(names: readonly string[]): Buffer {
  return sshString(names.join(','));
}

/** Reads SSH wire values from a buffer in order. */
export class SshReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    if (this.offset + 1 > this.buf.length) throw new Error('truncated SSH message');
    return this.buf[this.offset++];
  }
  uint32(): number {
    if (this.offset + 4 > this.buf.length) throw new Error('truncated SSH message');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.offset + n > this.buf.length) throw new Error('truncated SSH message');
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  text(): string {
    return this.string().toString('utf8');
  }
  names(): string[] {
    const t = this.text();
    return t === '' ? [] : t.split(',');
  }
}

/** One unencrypted binary packet (RFC 4253 section 6) around a payload: block size 8, at least 4 bytes of padding. */
export function sshPacket(payload: Buffer): Buffer {
  let padding = 8 - ((payload.length + 5) % 8);
  if (padding < 4) padding += 8;
  return Buffer.concat([sshUint32(payload.length + padding + 1), Buffer.from([padding]), payload, randomBytes(padding)]);
}

/** A KEXINIT payload with the given algorithm lists. */
export function kexInitPayload(kex: readonly string[], hostKey: readonly string[]): Buffer {
  return Buffer.concat([
    Buffer.from([SSH_MSG_KEXINIT]), randomBytes(16),
    nameList(kex), nameList(hostKey),
    nameList(CIPHERS), nameList(CIPHERS), nameList(MACS), nameList(MACS),
    nameList(['none']), nameList(['none']), nameList([]), nameList([]),
    Buffer.from([0]), sshUint32(0),
  ]);
}

/** The algorithm lists of a KEXINIT payload (kex and host key ones). */
export function parseKexInit(payload: Buffer): { kex: string[]; hostKey: string[] } {
  const r = new SshReader(payload);
  r.byte();
  r.bytes(16);
  return { kex: r.names(), hostKey: r.names() };
}

/** The exchange hash of curve25519-sha256 (RFC 5656 section 4 with RFC 8731's K encoding). */
export function exchangeHash(parts: { vc: string; vs: string; ic: Buffer; is: Buffer; ks: Buffer; qc: Buffer; qs: Buffer; k: Buffer }): Buffer {
  return createHash('sha256').update(Buffer.concat([
    sshString(parts.vc), sshString(parts.vs), sshString(parts.ic), sshString(parts.is), sshString(parts.ks),
    sshString(parts.qc), sshString(parts.qs), sshMpint(parts.k),
  ])).digest();
}

/** OpenSSH's SHA-256 fingerprint of a host key blob. */
export function sshFingerprint(hostKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

const b64url = (b: Buffer) => b.toString('base64url');
const unsigned = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** The public key of a host key blob, as Node's KeyObject, and its type. */
export function hostKeyObject(blob: Buffer): { type: string; key: KeyObject } {
  const r = new SshReader(blob);
  const type = r.text();
  if (type === 'ssh-rsa') {
    const e = unsigned(r.string());
    const n = unsigned(r.string());
    return { type, key: createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' }) };
  }
  if (type === 'ssh-ed25519') return { type, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(r.string()) }, format: 'jwk' }) };
  const curve = /^ecdsa-sha2-nistp(256|384|521)$/.exec(type)?.[1];
  if (curve) {
    r.string();
    const point = r.string();
    const size = (point.length - 1) / 2;
    if (point[0] !== 4 || !Number.isInteger(size)) throw new Error('the host key is not an uncompressed EC point');
    return { type, key: createPublicKey({ key: { kty: 'EC', crv: `P-${curve}`, x: b64url(point.subarray(1, 1 + size)), y: b64url(point.subarray(1 + size)) }, format: 'jwk' }) };
  }
  throw new Error(`host key type ${type} is not one doctor understands`);
}

/** Whether `signatureBlob` (SSH signature encoding) is the host key's signature of `data`. */
export function verifyHostSignature(hostKeyBlob: Buffer, data: Buffer, signatureBlob: Buffer): boolean {
  const { type, key } = hostKeyObject(hostKeyBlob);
  const r = new SshReader(signatureBlob);
  const alg = r.text();
  const sig = r.string();
  if (type === 'ssh-rsa') {
    const hash = alg === 'rsa-sha2-512' ? 'sha512' : alg === 'rsa-sha2-256' ? 'sha256' : undefined;
    return hash !== undefined && verify(hash, data, key, sig);
  }
  if (type === 'ssh-ed25519') return alg === 'ssh-ed25519' && verify(null, data, key, sig);
  if (alg !== type) return false;
  const bits = Number(type.slice('ecdsa-sha2-nistp'.length));
  const size = Math.ceil(bits / 8);
  const rs = new SshReader(sig);
  const pad = (b: Buffer) => Buffer.concat([Buffer.alloc(Math.max(0, size - unsigned(b).length)), unsigned(b)]);
  const p1363 = Buffer.concat([pad(rs.string()), pad(rs.string())]);
  const hash = bits === 256 ? 'sha256' : bits === 384 ? 'sha384' : 'sha512';
  return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, p1363);
}

/** The raw 32-byte public key of an X25519 key pair. */
export function x25519KeyPair(): { privateKey: KeyObject; publicRaw: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return { privateKey, publicRaw: Buffer.from(jwk.x, 'base64url') };
}

/** The shared secret of our X25519 private key and the peer's raw public key. */
export function x25519Shared(privateKey: KeyObject, peerRaw: Buffer): Buffer {
  const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(peerRaw) }, format: 'jwk' });
  return diffieHellman({ privateKey, publicKey: peer });
}

/** Splits a byte stream into the banner lines and then unencrypted SSH packets. */
export class SshStream {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended: Error | undefined;
  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended ??= new Error('the server closed the connection');
      this.wake();
    });
    socket.on('error', (err) => {
      this.ended = err;
      this.wake();
    });
  }
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  private async more(): Promise<void> {
    if (this.ended) throw this.ended;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  /** The server's identification line (lines before it are skipped, RFC 4253 section 4.2). */
  async banner(): Promise<string> {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(nl + 1);
        if (line.startsWith('SSH-')) return line;
        continue;
      }
      if (this.buffer.length > 8192) throw new Error('no SSH identification line in the first 8 KiB');
      await this.more();
    }
  }
  /** The payload of the next packet. */
  async packet(): Promise<Buffer> {
    for (;;) {
      if (this.buffer.length >= 5) {
        const len = this.buffer.readUInt32BE(0);
        if (len > 256 * 1024 || len < 5) throw new Error(`bad SSH packet length ${len}`);
        if (this.buffer.length >= 4 + len) {
          const padding = this.buffer[4];
          const payload = this.buffer.subarray(5, 4 + len - padding);
          this.buffer = this.buffer.subarray(4 + len);
          return Buffer.from(payload);
        }
      }
      await this.more();
    }
  }
  /** The next packet that is not IGNORE or DEBUG; a DISCONNECT is an error naming its reason. */
  async message(): Promise<Buffer> {
    for (;;) {
      const p = await this.packet();
      if (p[0] === SSH_MSG_IGNORE || p[0] === SSH_MSG_DEBUG) continue;
      if (p[0] === SSH_MSG_DISCONNECT) {
        const r = new SshReader(p);
        r.byte();
        r.uint32();
        throw new Error(`the server disconnected: ${r.text()}`);
      }
      return p;
    }
  }
}

export interface SshHostKeyResult {
  readonly banner: string;
  readonly hostKeyType: string;
  readonly fingerprint: string;
  /** Whether the server's signature of the exchange hash verified with that key. */
  readonly signatureValid: boolean;
}

/** Connects, runs one key exchange and returns the server's banner, host key fingerprint and signature check. */
export async function probeSshHostKey(host: string, port: number, timeoutMs = 10_000): Promise<SshHostKeyResult> {
  const socket = connect({ host, port });
  const stream = new SshStream(socket);
  const timer = setTimeout(() => socket.destroy(new Error(`no SSH answer from ${host}:${port} in ${timeoutMs / 1000}s`)), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(`${CLIENT_BANNER}\r\n`);
    const banner = await stream.banner();
    const ic = kexInitPayload(KEX_ALGORITHMS, HOST_KEY_ALGORITHMS);
    socket.write(sshPacket(ic));
    const is = await stream.message();
    if (is[0] !== SSH_MSG_KEXINIT) throw new Error(`expected KEXINIT, got message ${is[0]}`);
    const server = parseKexInit(is);
    if (!KEX_ALGORITHMS.some((k) => server.kex.includes(k))) throw new Error(`the server offers no curve25519-sha256 key exchange (it offers ${server.kex.join(', ')})`);
    const { privateKey, publicRaw } = x25519KeyPair();
    socket.write(sshPacket(Buffer.concat([Buffer.from([SSH_MSG_KEX_ECDH_INIT]), sshString(publicRaw)])));
    const reply = await stream.message();
    if (reply[0] !== SSH_MSG_KEX_ECDH_REPLY) throw new Error(`expected KEX_ECDH_REPLY, got message ${reply[0]}`);
    const r = new SshReader(reply);
    r.byte();
    const ks = r.string();
    const qs = r.string();
    const signature = r.string();
    const k = x25519Shared(privateKey, qs);
    const h = exchangeHash({ vc: CLIENT_BANNER, vs: banner, ic, is, ks, qc: publicRaw, qs, k });
    const { type } = hostKeyObject(ks);
    return { banner, hostKeyType: type, fingerprint: sshFingerprint(ks), signatureValid: verifyHostSignature(ks, h, signature) };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

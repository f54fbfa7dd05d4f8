/**
 * doctor's SSH host key probe: one curve25519-sha256 key exchange against a fake server, the fingerprint as
 * OpenSSH prints it, and the signature check for each host key type (a server that replays a public key
 * without its private key does not pass). The exchange hash was also checked once against OpenSSH's client
 * (`ssh -v` accepted the fake server's signature and printed the same fingerprint).
 */
import { createHash, generateKeyPairSync, sign } from 'crypto';
import { createServer } from 'net';
import type { AddressInfo } from 'net';
import { hostKeyObject, probeSshHostKey, sshFingerprint, sshMpint, sshString, verifyHostSignature } from '../../lib/cli/doctor-ssh';
import { fakeSshServer, rsaHostKey } from './doctor-fakes';

describe('probeSshHostKey', () => {
  const key = rsaHostKey();

  it('reads the banner and the host key, and verifies the exchange signature', async () => {
    const server = await fakeSshServer(key);
    try {
      const found = await probeSshHostKey('127.0.0.1', server.port);
      expect(found).toEqual({ banner: 'SSH-2.0-Go', hostKeyType: 'ssh-rsa', fingerprint: sshFingerprint(key.blob), signatureValid: true });
      expect(found.fingerprint).toBe(`SHA256:${createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '')}`);
    } finally {
      await server.close();
    }
  });

  it('a signature that does not verify is reported', async () => {
    const server = await fakeSshServer(key, { badSignature: true });
    try {
      expect((await probeSshHostKey('127.0.0.1', server.port)).signatureValid).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('something that is not SSH is an error, within the timeout', async () => {
    const server = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await expect(probeSshHostKey('127.0.0.1', (server.address() as AddressInfo).port, 2000)).rejects.toThrow('the server closed the connection');
    } finally {
      server.close();
    }
  });
});

describe('host key types', () => {
  const data = Buffer.from('exchange hash');

  it('ssh-ed25519', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url'))]);
    const sig = Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, data, privateKey))]);
    expect(hostKeyObject(blob).type).toBe('ssh-ed25519');
    expect(verifyHostSignature(blob, data, sig)).toBe(true);
    expect(verifyHostSignature(blob, Buffer.from('other'), sig)).toBe(false);
  });

  it('ecdsa-sha2-nistp256 (r and s as mpints)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)]);
    const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const sig = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString(Buffer.concat([sshMpint(raw.subarray(0, 32)), sshMpint(raw.subarray(32))]))]);
    expect(verifyHostSignature(blob, data, sig)).toBe(true);
  });

  it('ssh-rsa keys accept rsa-sha2-256 and -512 signatures, not SHA-1 ssh-rsa ones', () => {
    const key = rsaHostKey();
    const sig = (alg: string, hash: string) => Buffer.concat([sshString(alg), sshString(sign(hash, data, key.privateKey))]);
    expect(verifyHostSignature(key.blob, data, sig('rsa-sha2-256', 'sha256'))).toBe(true);
    expect(verifyHostSignature(key.blob, data, sig('rsa-sha2-512', 'sha512'))).toBe(true);
    expect(verifyHostSignature(key.blob, data, sig('ssh-rsa', 'sha1'))).toBe(false);
  });
});

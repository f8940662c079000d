import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../src/adapters/exec.ts';

/** A private CA and a server certificate it signed, for `127.0.0.1` and `localhost`. */
export interface TestCertificates {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** Makes a fresh private CA and a server certificate with openssl, in a new temporary directory. */
export async function makeCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-ca-'));
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certPath = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  try {
    await sign(caKey, caPath, keyPath, csr, certPath, ext);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, caPath, caPem: await readFile(caPath, 'utf8'), certPath, keyPath };
}

async function sign(caKey: string, caPath: string, keyPath: string, csr: string, certPath: string, ext: string): Promise<void> {
  await exec('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caPath,
    '-days',
    '2',
    '-subj',
    '/CN=Baton Test CA',
  ]);
  await exec('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csr, '-subj', '/CN=127.0.0.1']);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await exec('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caPath,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certPath,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
}

/** A self-signed certificate and key for signing tokens (the registry's `rootcertbundle`). */
export async function makeSigningCertificate(dir: string): Promise<{ certPath: string; certPem: string; keyPem: string }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  await exec('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=baton-token-issuer',
  ]);
  return { certPath, certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}

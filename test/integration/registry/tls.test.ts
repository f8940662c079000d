import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { UserError } from '../../../src/core/errors.ts';
import { type RunningRegistry, skipWithout, skopeoRaw, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, pushImage } from '../../helpers/registry-images.ts';
import { makeCertificates, type TestCertificates } from '../../helpers/registry-tls.ts';

const USER = { alice: 'tls-pass' };

describe('registries behind a private CA and plain HTTP', { skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'openssl') }, () => {
  let certs: TestCertificates;
  let secure: RunningRegistry;
  let plain: RunningRegistry;
  let certsDir: string;

  before(async () => {
    certs = await makeCertificates();
    [secure, plain] = await Promise.all([startRegistry({ htpasswd: USER, tls: certs }), startRegistry()]);
    certsDir = await mkdtemp(join(tmpdir(), 'baton-certs.d-'));
    await mkdir(join(certsDir, secure.host));
    await copyFile(certs.caPath, join(certsDir, secure.host, 'ca.crt'));
  });
  after(async () => {
    await Promise.all([secure?.stop(), plain?.stop()]);
    await Promise.all([
      certs && rm(certs.dir, { recursive: true, force: true }),
      certsDir && rm(certsDir, { recursive: true, force: true }),
    ]);
  });

  const creds = () => [{ registry: secure.host, username: 'alice', password: USER.alice }];

  it('trusts the CA from a certs.d/<host:port>/ca.crt directory', async () => {
    const client = new RegistryClient(testClientOptions([], { credentials: creds(), certsDirs: [certsDir] }));
    try {
      const image = makeImage({ files: { tls: 'yes' } });
      await pushImage(client, { registry: secure.host, repository: 'secure/app', tag: 'v1' }, image);
      const raw = await skopeoRaw(`docker://${secure.host}/secure/app:v1`, {
        creds: `alice:${USER.alice}`,
        certDir: join(certsDir, secure.host),
      });
      assert.equal(sha256Digest(raw), image.manifest.digest);
    } finally {
      await client.close();
    }
  });

  it('refuses an untrusted certificate and says where to put the CA', async () => {
    const client = new RegistryClient(testClientOptions([], { credentials: creds() }));
    try {
      await assert.rejects(client.resolve({ registry: secure.host, repository: 'secure/app', tag: 'v1' }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, new RegExp(`TLS certificate of ${secure.host} is not trusted`));
        assert.match(e.message, new RegExp(`certs\\.d/${secure.host}/ca\\.crt`));
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('skips verification only for a registry named insecure', async () => {
    const client = new RegistryClient(testClientOptions([secure.host], { credentials: creds() }));
    try {
      assert.ok((await client.resolve({ registry: secure.host, repository: 'secure/app', tag: 'v1' })).digest.startsWith('sha256:'));
    } finally {
      await client.close();
    }
  });

  it('uses plain HTTP only for a registry named insecure', async () => {
    const strict = new RegistryClient(testClientOptions([]));
    const lenient = new RegistryClient(testClientOptions([plain.host]));
    try {
      await assert.rejects(strict.tryResolve({ registry: plain.host, repository: 'x/y', tag: 'v1' }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /does not speak HTTPS.*name it insecure/);
        return true;
      });
      const image = makeImage({ files: { plain: 'http' } });
      await pushImage(lenient, { registry: plain.host, repository: 'x/y', tag: 'v1' }, image);
      assert.equal((await lenient.resolve({ registry: plain.host, repository: 'x/y', tag: 'v1' })).digest, image.manifest.digest);
    } finally {
      await strict.close();
      await lenient.close();
    }
  });
});

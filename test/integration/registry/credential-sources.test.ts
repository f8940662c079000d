import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { UserError } from '../../../src/core/errors.ts';
import { type RunningRegistry, skipWithout, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, pushImage } from '../../helpers/registry-images.ts';

const USER = 'ci-bot';
const PASSWORD = 'helper-secret';

describe('credential sources against a real registry', { skip: skipWithout('docker-registry', 'htpasswd') }, () => {
  let registry: RunningRegistry;
  let root: string;
  let bin: string;

  async function helper(name: string, secret: string): Promise<void> {
    const path = join(bin, `docker-credential-${name}`);
    await writeFile(
      path,
      `#!/bin/sh\nread host\necho "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"${USER}\\",\\"Secret\\":\\"${secret}\\"}"\n`,
    );
    await chmod(path, 0o755);
  }

  async function homeWith(name: string, config: object, file = '.docker/config.json'): Promise<string> {
    const home = join(root, name);
    await mkdir(join(home, file, '..'), { recursive: true });
    await writeFile(join(home, file), JSON.stringify(config));
    return home;
  }

  const ref = (tag: string) => ({ registry: registry.host, repository: 'creds/app', tag });

  before(async () => {
    registry = await startRegistry({ htpasswd: { [USER]: PASSWORD } });
    root = await mkdtemp(join(tmpdir(), 'baton-cred-sources-'));
    bin = join(root, 'bin');
    await mkdir(bin);
    const seed = new RegistryClient(
      testClientOptions([registry.host], { credentials: [{ registry: registry.host, username: USER, password: PASSWORD }] }),
    );
    await pushImage(seed, ref('seed'), makeImage({ files: { seed: '1' } }));
    await seed.close();
  });
  after(async () => {
    await registry?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('pushes with credentials from a docker-credential helper named in credHelpers', async () => {
    await helper('good', PASSWORD);
    const home = await homeWith('helper', { credHelpers: { [registry.host]: 'good' } });
    const client = new RegistryClient(testClientOptions([registry.host], { env: { PATH: `${bin}:/usr/bin:/bin` }, home }));
    try {
      await pushImage(client, ref('helper'), makeImage({ files: { helper: '1' } }));
    } finally {
      await client.close();
    }
  });

  it('names the helper when the registry rejects what it returned', async () => {
    await helper('stale', 'expired-secret');
    const home = await homeWith('stale', { credsStore: 'stale' });
    const client = new RegistryClient(testClientOptions([registry.host], { env: { PATH: `${bin}:/usr/bin:/bin` }, home }));
    try {
      await assert.rejects(client.resolve(ref('seed')), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /rejected the credentials from .*config\.json \(credsStore\) via docker-credential-stale/);
        assert.doesNotMatch(e.message, /expired-secret/);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('reads a containers auth.json named by REGISTRY_AUTH_FILE', async () => {
    const home = await homeWith(
      'podman',
      { auths: { [`${registry.host}/creds`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } },
      'auth.json',
    );
    const client = new RegistryClient(testClientOptions([registry.host], { env: { REGISTRY_AUTH_FILE: join(home, 'auth.json') }, home }));
    try {
      assert.ok((await client.resolve(ref('seed'))).digest.startsWith('sha256:'));
    } finally {
      await client.close();
    }
  });

  it('uses GitLab CI_REGISTRY_USER/CI_REGISTRY_PASSWORD for CI_REGISTRY', async () => {
    const env = { CI_REGISTRY: registry.host, CI_REGISTRY_USER: USER, CI_REGISTRY_PASSWORD: PASSWORD };
    const client = new RegistryClient(testClientOptions([registry.host], { env, home: join(root, 'nobody') }));
    try {
      await pushImage(client, ref('gitlab'), makeImage({ files: { gitlab: '1' } }));
    } finally {
      await client.close();
    }
  });
});

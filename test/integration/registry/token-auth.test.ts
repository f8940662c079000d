import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { UserError } from '../../../src/core/errors.ts';
import type { ImageRef } from '../../../src/core/image-ref.ts';
import { type RunningRegistry, skipWithout, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { makeImage, pushImage } from '../../helpers/registry-images.ts';
import { startTokenServer, type TokenServer } from '../../helpers/registry-token-server.ts';

const USERS = { builder: 'build-pass', viewer: 'view-pass' };

describe('Bearer token auth against docker-registry with auth: token', { skip: skipWithout('docker-registry', 'openssl') }, () => {
  let tokens: TokenServer;
  let registry: RunningRegistry;
  let home: string;
  const ref = (repository: string, tag?: string): ImageRef => ({ registry: registry.host, repository, ...(tag ? { tag } : {}) });
  const as = (user: keyof typeof USERS, extra = {}) =>
    new RegistryClient(
      testClientOptions([registry.host], { credentials: [{ registry: registry.host, username: user, password: USERS[user] }], ...extra }),
    );

  before(async () => {
    tokens = await startTokenServer({
      users: USERS,
      readOnly: ['viewer'],
      anonymousPull: true,
      refreshTokens: { 'refresh-abc': 'builder' },
    });
    registry = await startRegistry({ token: tokens });
    home = await mkdtemp(join(tmpdir(), 'baton-token-home-'));
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('pushes and pulls with tokens, one token per scope, cached', async () => {
    const client = as('builder');
    try {
      const start = tokens.requests.length;
      const image = makeImage({ files: { token: 'flow' } });
      await pushImage(client, ref('acme/app', 'v1'), image);
      assert.equal((await client.resolve(ref('acme/app', 'v1'))).digest, image.manifest.digest);
      assert.ok((await client.getManifest(ref('acme/app', 'v1'))).bytes.equals(image.manifest.bytes));
      const issued = tokens.requests.slice(start);
      assert.deepEqual(
        issued.map((r) => [r.account, r.service, r.scopes.join(' ')]),
        [
          ['builder', tokens.service, 'repository:acme/app:pull'],
          ['builder', tokens.service, 'repository:acme/app:pull,push'],
        ],
        'the HEAD of the existing-blob check asks for pull, the upload for push; every later request reuses them',
      );
    } finally {
      await client.close();
    }
  });

  it('pulls anonymously with an anonymous token', async () => {
    const client = new RegistryClient(testClientOptions([registry.host]));
    try {
      const start = tokens.requests.length;
      assert.ok((await client.resolve(ref('acme/app', 'v1'))).digest.startsWith('sha256:'));
      assert.deepEqual(
        tokens.requests.slice(start).map((r) => r.account),
        [undefined],
      );
    } finally {
      await client.close();
    }
  });

  it('asks for both scopes in one token when mounting across repositories', async () => {
    const client = as('builder');
    try {
      const start = tokens.requests.length;
      const result = await client.copyImage(ref('acme/app', 'v1'), ref('acme/promoted', 'v1'));
      assert.equal(result.blobs.mounted, 2);
      const scopes = tokens.requests.slice(start).map((r) => r.scopes.join(' '));
      assert.ok(scopes.includes('repository:acme/promoted:pull,push repository:acme/app:pull'), scopes.join(' | '));
    } finally {
      await client.close();
    }
  });

  it('reads tokens from access_token as well', async () => {
    const other = await startTokenServer({ users: USERS, field: 'access_token' });
    const reg = await startRegistry({ token: other });
    const client = new RegistryClient(
      testClientOptions([reg.host], { credentials: [{ registry: reg.host, username: 'builder', password: USERS.builder }] }),
    );
    try {
      const image = makeImage({ files: { field: 'access_token' } });
      await pushImage(client, { registry: reg.host, repository: 'x/y', tag: 'v1' }, image);
      assert.equal((await client.resolve({ registry: reg.host, repository: 'x/y', tag: 'v1' })).digest, image.manifest.digest);
    } finally {
      await client.close();
      await reg.stop();
      await other.stop();
    }
  });

  it('says which scope was refused and for which credentials', async () => {
    const client = as('viewer');
    try {
      await assert.rejects(pushImage(client, ref('acme/app', 'v2'), makeImage({ files: { nope: '1' } })), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /denied push access to acme\/app for the credentials from the username\/password inputs/);
        assert.match(e.message, /token scope "repository:acme\/app:pull,push" was not granted/);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('checks push access before any work: granted for the builder, refused for the viewer', async () => {
    const builder = as('builder');
    const viewer = as('viewer');
    try {
      await builder.checkPush(ref('acme/preflight'));
      await assert.rejects(
        viewer.checkPush(ref('acme/preflight')),
        (e: Error) => e instanceof UserError && /could not push to .*denied push access/.test(e.message),
      );
    } finally {
      await builder.close();
      await viewer.close();
    }
  });

  it('names the credential source when the token server rejects the password', async () => {
    const client = new RegistryClient(
      testClientOptions([registry.host], {
        credentials: [{ registry: registry.host, username: 'builder', password: 'wrong', source: 'the password input' }],
      }),
    );
    try {
      await assert.rejects(client.resolve(ref('acme/app', 'v1')), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(
          e.message,
          /token server at http:\/\/127\.0\.0\.1:\d+\/token rejected the credentials from the password input with 401/,
        );
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('uses an identity token from the docker config through the OAuth2 refresh flow', async () => {
    const dockerDir = join(home, '.docker');
    await mkdir(dockerDir, { recursive: true });
    await writeFile(
      join(dockerDir, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('builder:').toString('base64'), identitytoken: 'refresh-abc' } } }),
    );
    const client = new RegistryClient(testClientOptions([registry.host], { env: {}, home }));
    try {
      const start = tokens.requests.length;
      await pushImage(client, ref('acme/oauth', 'v1'), makeImage({ files: { oauth: '2' } }));
      const posts = tokens.requests.slice(start).filter((r) => r.method === 'POST');
      assert.ok(posts.length > 0 && posts.every((r) => r.grantType === 'refresh_token' && r.account === 'builder'));
    } finally {
      await client.close();
    }
  });
});

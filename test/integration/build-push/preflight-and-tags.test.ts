import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningRegistry, skipWithout, skopeoInspect, startRegistry } from '../../helpers/registry.ts';
import { type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';
import { startTokenServer, type TokenServer } from '../../helpers/registry-token-server.ts';
import { appCheckout, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';

const USERS = { builder: 'build-pass-1', viewer: 'view-pass-1' };

describe('build-push preflight against a Bearer token registry', { skip: skipWithout('docker-registry', 'openssl', 'git') }, () => {
  let tokens: TokenServer;
  let registry: RunningRegistry;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;

  before(async () => {
    tmp = await scratch();
    tokens = await startTokenServer({ users: USERS, readOnly: ['viewer'] });
    [registry, app] = await Promise.all([startRegistry({ token: tokens }), appCheckout(tmp.dir)]);
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
    await tmp?.cleanup();
  });

  it('fails fast when the token has no push scope, naming the scope and the fix; nothing is built', async () => {
    const result = await runBuildPush(
      {
        image: `${registry.host}/acme/web`,
        context: app.dir,
        builder: 'layer',
        username: 'viewer',
        password: USERS.viewer,
        'insecure-registries': registry.host,
      },
      { HOME: tmp.dir },
    );
    assert.equal(result.code, 2);
    assert.match(
      result.error ?? '',
      /denied push access to acme\/web for the credentials from the username\/password inputs \(token scope "repository:acme\/web:pull,push" was not granted\).*Give that account push access to acme\/web/,
    );
    assert.ok(!result.logs.some((line) => line.startsWith('building with')));
  });

  it('pushes with a token that has push scope', async () => {
    const result = await runBuildPush(
      {
        image: `${registry.host}/acme/web`,
        context: app.dir,
        builder: 'layer',
        username: 'builder',
        password: USERS.builder,
        'insecure-registries': registry.host,
      },
      { HOME: tmp.dir },
    );
    assert.equal(result.code, 0, result.error);
    assert.match(result.outputs['digest']!, /^sha256:[0-9a-f]{64}$/);
  });
});

describe('build-push tags last and knows immutable tags', { skip: skipWithout('docker-registry', 'skopeo', 'git') }, () => {
  let registry: RunningRegistry;
  let proxy: RegistryProxy;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const run = (tags = '') =>
    runBuildPush(
      { image: `${proxy.host}/acme/web`, context: app.dir, builder: 'layer', tags, 'insecure-registries': proxy.host },
      { HOME: tmp.dir, SOURCE_DATE_EPOCH: '1700000000' },
    );

  before(async () => {
    tmp = await scratch();
    [registry, app] = await Promise.all([startRegistry(), appCheckout(tmp.dir)]);
    proxy = await startRegistryProxy(registry.url);
    // As ECR answers for a repository with immutable tags: a tag, once set, never moves.
    const set = new Set<string>();
    proxy.fault = (req) => {
      const match = /^\/v2\/acme\/web\/manifests\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method !== 'PUT' || !match || match[1]!.startsWith('sha256:')) return undefined;
      if (!set.has(match[1]!)) {
        set.add(match[1]!);
        return undefined;
      }
      const body = JSON.stringify({
        errors: [
          {
            code: 'TAG_INVALID',
            message:
              `The image tag '${match[1]}' already exists in the 'acme/web' repository and cannot be overwritten because the ` +
              `repository is immutable.`,
          },
        ],
      });
      return { status: 400, headers: { 'content-type': 'application/json' }, body };
    };
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('dry-run and push: false write nothing to the registry', async () => {
    const start = proxy.requests.length;
    const dry = await runBuildPush(
      { image: `${proxy.host}/acme/dry`, context: app.dir, builder: 'layer', 'dry-run': 'true', 'insecure-registries': proxy.host },
      { HOME: tmp.dir },
    );
    assert.equal(dry.code, 0, dry.error);
    assert.equal(dry.outputs['digest'], '');
    assert.equal(dry.outputs['tags'], `${proxy.host}/acme/dry:main\n${proxy.host}/acme/dry:sha-${app.head.slice(0, 7)}`);
    assert.match(dry.summary, /:main` \| would be set \|/);
    const local = await runBuildPush(
      { image: `${proxy.host}/acme/dry`, context: app.dir, builder: 'layer', push: 'false', 'insecure-registries': proxy.host },
      { HOME: tmp.dir },
    );
    assert.equal(local.code, 0, local.error);
    assert.match(local.outputs['digest']!, /^sha256:[0-9a-f]{64}$/);
    assert.equal(local.outputs['builder'], 'layer');
    const writes = proxy.requests.slice(start).filter((r) => r.method === 'PUT' || r.method === 'PATCH');
    assert.deepEqual(writes, [], 'no blob or manifest was written');
  });

  it('manifest by digest first, tags after, the source-key tag last; a tag already on the digest is success', async () => {
    const start = proxy.requests.length;
    const first = await run('stable');
    assert.equal(first.code, 0, first.error);
    const puts = proxy.requests
      .slice(start)
      .filter((r) => r.method === 'PUT' && r.url.includes('/manifests/'))
      .map((r) => r.url.split('/manifests/')[1]!);
    assert.match(puts[0]!, /^sha256:/, 'the manifest goes up by digest first');
    assert.deepEqual(puts.slice(1, -1), ['main', `sha-${app.head.slice(0, 7)}`, 'stable']);
    assert.match(puts.at(-1)!, /^src-[0-9a-f]{32}$/, 'the source-key tag is last');
    const again = await run('stable');
    assert.equal(again.code, 0, again.error);
    assert.equal(again.outputs['skipped'], 'true');
    assert.match(again.summary, /:stable` \| kept \|/);
  });

  it('a tag that would move on an immutable repository is a clear error', async () => {
    await writeFile(join(app.dir, 'static/index.html'), 'a new page\n');
    const result = await run('stable');
    assert.equal(result.code, 2);
    assert.match(
      result.error ?? '',
      /^tags: 127\.0\.0\.1:\d+\/acme\/web:main already points at sha256:[0-9a-f]{12} and the registry refused to move it to sha256:[0-9a-f]{12}: the repository keeps tags immutable\./,
    );
    const main = await skopeoInspect(`docker://${proxy.host}/acme/web:main`);
    assert.notEqual(main.Digest, undefined, 'the tag still points at a complete image');
  });
});

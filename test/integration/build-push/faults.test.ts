/**
 * Issue 3, "Must show" 4 at the level of the step: `build-push` (layer builder) pushing through a proxy
 * that answers 503, 429 with `Retry-After`, or cuts the connection in the middle of an upload. The step
 * either completes on retry or fails with exit 1 and a plain message, and in every case each tag in the
 * registry points at a manifest that is there with everything it references (checked with skopeo and
 * the registry API, bypassing the proxy).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { DEFAULT_HTTP_RETRY } from '../../../src/adapters/registry/http.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { buildPushStep } from '../../../src/steps/build-push/step.ts';
import { defaultBuildPushDeps } from '../../../src/steps/build-push/deps.ts';
import { type MemoryRun, runInMemory } from '../../helpers/memory-platform.ts';
import { type RunningRegistry, skipWithout, skopeoRaw, startRegistry } from '../../helpers/registry.ts';
import { type Fault, type RegistryProxy, startRegistryProxy } from '../../helpers/registry-proxy.ts';
import { appCheckout, type Scratch, scratch } from '../../helpers/build-push.ts';

const USER = 'ci';
const PASSWORD = 'fault-step-pass';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const EPOCH = '1700000000';

const path = (req: IncomingMessage) => (req.url ?? '').split('?')[0] ?? '';
const isUploadBody = (req: IncomingMessage) =>
  (req.method === 'PUT' || req.method === 'PATCH') &&
  /\/blobs\/uploads\/[^/]+$/.test(path(req)) &&
  Number(req.headers['content-length'] ?? 0) > 0;
const isManifestByDigest = (req: IncomingMessage) => req.method === 'PUT' && /\/manifests\/sha256:[0-9a-f]{64}$/.test(path(req));
const isTagPut = (req: IncomingMessage) => req.method === 'PUT' && /\/manifests\/[^/]+$/.test(path(req)) && !isManifestByDigest(req);

describe('build-push through registry faults (layer builder)', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let proxy: RegistryProxy;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  /** Every backoff or Retry-After wait the step's registry client took. */
  const waits: number[] = [];
  // The real step and client; only the backoff base is shortened (Retry-After is honoured in full).
  const step = buildPushStep({
    ...defaultBuildPushDeps(),
    registry: (options) =>
      new RegistryClient({
        ...options,
        retry: {
          ...DEFAULT_HTTP_RETRY,
          baseDelayMs: 20,
          maxDelayMs: 100,
          sleep: (ms) => {
            waits.push(ms);
            return sleep(ms);
          },
        },
      }),
  });
  const push = (repository: string): Promise<MemoryRun> =>
    runInMemory(
      step,
      {
        image: `${proxy.host}/${repository}`,
        context: app.dir,
        builder: 'layer',
        tags: 'v1',
        'build-args': 'VERSION=1.0',
        username: USER,
        password: PASSWORD,
        'insecure-registries': proxy.host,
      },
      { HOME: tmp.dir, SOURCE_DATE_EPOCH: EPOCH },
    );

  /** Straight to the registry, not through the proxy. */
  const direct = (method: string, what: string) => fetch(`${registry.url}/v2/${what}`, { method, headers: { authorization: BASIC } });

  /**
   * Every tag of `repository` with its digest, after checking that the manifest it names is served,
   * and that every manifest and blob it references is there (HEAD 200).
   */
  async function tagsComplete(repository: string): Promise<Record<string, string>> {
    const listed = await direct('GET', `${repository}/tags/list`);
    if (listed.status === 404) return {};
    assert.equal(listed.status, 200);
    const tags = ((await listed.json()) as { tags: string[] | null }).tags ?? [];
    const found: Record<string, string> = {};
    for (const tag of tags) {
      const raw = await skopeoRaw(`docker://${registry.host}/${repository}:${tag}`, { creds: `${USER}:${PASSWORD}` });
      found[tag] = sha256Digest(raw);
      const manifest = JSON.parse(raw.toString('utf8')) as {
        manifests?: { digest: string }[];
        config?: { digest: string };
        layers?: { digest: string }[];
      };
      for (const child of manifest.manifests ?? []) {
        assert.equal(
          (await direct('HEAD', `${repository}/manifests/${child.digest}`)).status,
          200,
          `${tag}: manifest ${child.digest} is missing`,
        );
      }
      for (const blob of [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])]) {
        assert.equal((await direct('HEAD', `${repository}/blobs/${blob.digest}`)).status, 200, `${tag}: blob ${blob.digest} is missing`);
      }
    }
    return found;
  }

  /** Faults the first `times` requests that match, passes everything else. */
  function faultFirst(match: (req: IncomingMessage) => boolean, fault: Fault, times = 1): { count: () => number } {
    let hits = 0;
    proxy.fault = (req) => (match(req) && hits++ < times ? fault : undefined);
    return { count: () => hits };
  }

  before(async () => {
    tmp = await scratch('baton-bp-faults-');
    [registry, app] = await Promise.all([startRegistry({ htpasswd: { [USER]: PASSWORD } }), appCheckout(tmp.dir)]);
    proxy = await startRegistryProxy(registry.url);
  });
  beforeEach(() => {
    waits.length = 0;
    proxy.fault = () => undefined;
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('503 on a blob upload and on the manifest PUT, then 200: the step completes on retry', async () => {
    let uploads = 0;
    let manifests = 0;
    proxy.fault = (req) =>
      (isUploadBody(req) && uploads++ === 0) || (isManifestByDigest(req) && manifests++ === 0)
        ? { status: 503, body: 'upstream busy' }
        : undefined;
    const mark = proxy.requests.length;
    const run = await push('faults/unavailable');
    assert.equal(run.code, 0, run.error);
    assert.ok(uploads > 1 && manifests > 1, `both were retried (uploads ${uploads}, manifests ${manifests})`);
    assert.equal(proxy.requests.slice(mark).filter((r) => r.status === 503).length, 2);
    assert.ok(waits.length >= 2, `backed off ${waits.join(', ')} ms`);
    const tags = await tagsComplete('faults/unavailable');
    assert.equal(tags['v1'], run.outputs['digest'], 'skopeo reads the digest the step reported');
    assert.deepEqual(new Set(Object.values(tags)), new Set([run.outputs['digest']]));
  });

  it('429 with Retry-After on a tag: the step waits as told, then tags', async () => {
    const limited = faultFirst(isTagPut, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
    });
    const run = await push('faults/rate-limited');
    assert.equal(run.code, 0, run.error);
    assert.equal(limited.count() > 1, true);
    assert.ok(waits.includes(1000), `waited ${waits.join(', ')} ms`);
    const tags = await tagsComplete('faults/rate-limited');
    assert.equal(tags['v1'], run.outputs['digest']);
    assert.ok(run.outputs['tags']?.includes(':v1'));
  });

  it('connection cut in the middle of an upload: the upload starts over and the step completes', async () => {
    const mark = proxy.requests.length;
    const cut = faultFirst(isUploadBody, 'drop-mid-body');
    const run = await push('faults/dropped');
    assert.equal(run.code, 0, run.error);
    assert.ok(cut.count() > 1);
    assert.ok(
      proxy.requests.slice(mark).some((r) => r.status === -1),
      'the connection really was cut',
    );
    assert.equal((await tagsComplete('faults/dropped'))['v1'], run.outputs['digest']);
  });

  it('every upload cut: exit 1 with a plain message naming the registry, and no tag at all', async () => {
    const cut = faultFirst(isUploadBody, 'drop-mid-body', Number.POSITIVE_INFINITY);
    const run = await push('faults/always-dropped');
    assert.equal(run.code, 1);
    assert.equal(cut.count(), DEFAULT_HTTP_RETRY.attempts, 'retries are bounded');
    // One line naming the registry and the network fault (today: "<host>: UND_ERR_SOCKET other side closed").
    assert.ok(run.error?.startsWith(`${proxy.host}: `), run.error);
    assert.doesNotMatch(run.error ?? '', /\n/, 'one line, no stack trace');
    assert.equal(run.outputs['digest'], undefined);
    assert.deepEqual(await tagsComplete('faults/always-dropped'), {});
  });

  it('tagging keeps failing after the first tag: exit 1, the tag set points at a complete image, and a rerun completes', async () => {
    let tagPuts = 0;
    proxy.fault = (req) => (isTagPut(req) && tagPuts++ > 0 ? { status: 503 } : undefined);
    const failed = await push('faults/half-tagged');
    assert.equal(failed.code, 1);
    assert.match(failed.error ?? '', /answered 503/);
    const partial = await tagsComplete('faults/half-tagged');
    assert.equal(Object.keys(partial).length, 1, `one tag got through: ${JSON.stringify(partial)}`);

    proxy.fault = () => undefined;
    const rerun = await push('faults/half-tagged');
    assert.equal(rerun.code, 0, rerun.error);
    assert.equal(rerun.outputs['digest'], Object.values(partial)[0], 'the reproducible build gives the same digest');
    const tags = await tagsComplete('faults/half-tagged');
    assert.ok(Object.keys(tags).length > 1 && 'v1' in tags);
    assert.deepEqual(new Set(Object.values(tags)), new Set([rerun.outputs['digest']]));
  });
});

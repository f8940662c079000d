/**
 * check-images against a real registry (Debian's docker-registry on loopback, htpasswd Basic auth):
 * a pushed tag and digest resolve, a missing tag is a finding at the image line, and without
 * credentials the refusal says what to do.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseImageRef } from '../../../src/core/image-ref.ts';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { clientManifestHead } from '../../../src/adapters/registry/manifest-head.ts';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import type { StepContext } from '../../../src/steps/shared/types.ts';
import { defaultValidateDeps, validateStep } from '../../../src/steps/validate/step.ts';
import { ValidationFailed } from '../../../src/steps/validate/output.ts';
import { type RunningRegistry, skipWithout, startRegistry } from '../../helpers/registry.ts';
import { startTokenServer, type TokenServer } from '../../helpers/registry-token-server.ts';

const USER = 'ci';
const PASSWORD = 'pa55-word';
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

function sha256(data: string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Pushes a config blob and an OCI manifest with the distribution API; returns the manifest digest. */
async function pushImage(registry: RunningRegistry, repository: string, tag: string, authorization = basic): Promise<string> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} });
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
  assert.equal(start.status, 202);
  const upload = new URL(start.headers.get('location')!, registry.url);
  upload.searchParams.set('digest', sha256(config));
  const put = await fetch(upload, { method: 'PUT', body: config, headers: { authorization, 'content-type': 'application/octet-stream' } });
  assert.equal(put.status, 201);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: Buffer.byteLength(config) },
    layers: [],
  });
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { authorization, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(res.status, 201, await res.text());
  return sha256(manifest);
}

describe('check-images', { skip: skipWithout('docker-registry', 'htpasswd') }, () => {
  let registry: RunningRegistry;
  let dir: string;
  let digest: string;
  before(async () => {
    registry = await startRegistry({ htpasswd: { [USER]: PASSWORD } });
    digest = await pushImage(registry, 'acme/api', '1.0.0');
    dir = await mkdtemp(join(tmpdir(), 'baton-check-images-'));
    await mkdir(join(dir, 'docker'));
    await writeFile(
      join(dir, 'docker/config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }),
    );
    const pod = (name: string, image: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
    await writeFile(
      join(dir, 'pods.yaml'),
      [
        pod('a', `${registry.host}/acme/api:1.0.0`),
        pod('b', `${registry.host}/acme/api@${digest}`),
        pod('c', `${registry.host}/acme/api:9.9.9`),
      ].join('---\n'),
    );
  });
  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const context = (env: Record<string, string>): StepContext => ({
    cwd: dir,
    env,
    log: { info: () => {}, warn: () => {}, secret: () => {}, group: (_t, b) => b() },
  });
  const run = (env: Record<string, string>) =>
    validateStep(defaultValidateDeps()).run(
      parseInputs(validateStep(defaultValidateDeps()).spec, { paths: 'pods.yaml', 'check-images': 'true', policy: '' }, {}),
      context({ ...env, BATON_INSECURE_REGISTRIES: registry.host }),
    );

  test('the HEAD client finds a tag and a digest, and not a missing tag', async () => {
    const client = new RegistryClient({
      credentials: [{ registry: registry.host, username: USER, password: PASSWORD }],
      insecureRegistries: [registry.host],
      env: {},
    });
    const head = clientManifestHead(client);
    assert.deepEqual(await head.check(parseImageRef(`${registry.host}/acme/api:1.0.0`)), { status: 'found', digest });
    assert.equal((await head.check(parseImageRef(`${registry.host}/acme/api@${digest}`))).status, 'found');
    assert.deepEqual(await head.check(parseImageRef(`${registry.host}/acme/api:9.9.9`)), { status: 'missing' });
  });

  test('a missing image is an error at its image line; the others pass', async () => {
    await assert.rejects(run({ DOCKER_CONFIG: join(dir, 'docker') }), (error: unknown) => {
      assert.ok(error instanceof ValidationFailed);
      const missing = error.result.annotations.filter((a) => a.title === 'baton validate: image-missing');
      assert.equal(missing.length, 1);
      assert.deepEqual([missing[0]!.file, missing[0]!.line, missing[0]!.column], ['pods.yaml', 23, 14]);
      assert.match(missing[0]!.message, /acme\/api:9\.9\.9" does not exist in its registry/);
      return true;
    });
  });

  test('without credentials the registry refusal says what to do', async () => {
    await assert.rejects(run({ DOCKER_CONFIG: join(dir, 'nowhere') }), (error: unknown) => {
      assert.ok(error instanceof ValidationFailed);
      assert.match(
        error.result.summary,
        /could not be checked: .* needs credentials and none were found \(looked in: .*\)\. Pass username and password, or log in with `docker login /,
      );
      return true;
    });
  });
});

describe('check-images with Bearer token auth', { skip: skipWithout('docker-registry', 'openssl') }, () => {
  let tokens: TokenServer;
  let registry: RunningRegistry;
  before(async () => {
    tokens = await startTokenServer({ users: { [USER]: PASSWORD }, anonymousPull: true });
    registry = await startRegistry({ token: tokens });
    const url = new URL(tokens.realm);
    url.searchParams.set('service', tokens.service);
    url.searchParams.set('scope', 'repository:acme/api:pull,push');
    const { token } = (await (await fetch(url, { headers: { authorization: basic } })).json()) as { token: string };
    await pushImage(registry, 'acme/api', '2.0.0', `Bearer ${token}`);
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  test('an anonymous pull token from the challenge resolves the image; a missing tag is missing', async () => {
    const head = clientManifestHead(new RegistryClient({ insecureRegistries: [registry.host], env: {} }));
    assert.equal((await head.check(parseImageRef(`${registry.host}/acme/api:2.0.0`))).status, 'found');
    assert.deepEqual(await head.check(parseImageRef(`${registry.host}/acme/api:2.0.1`)), { status: 'missing' });
    assert.ok(tokens.requests.some((r) => r.account === undefined && r.scopes.includes('repository:acme/api:pull') && r.status === 200));
  });
});

/**
 * dist/promote/index.cjs run as the GitHub runner runs it, on real parts: bump staging (dist/bump),
 * record a passing verification (verify's recorder), promote to production with copy-to a second
 * registry (htpasswd, credentials from DOCKER_CONFIG): production holds the verified digest, and the
 * second registry serves the same digest.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../src/adapters/registry/registry-client.ts';
import { type GitServer, startGitServer } from '../helpers/git-server.ts';
import { type RunningRegistry, skipWithout, startRegistry, testClientOptions } from '../helpers/registry.ts';
import { runAction } from '../helpers/runner.ts';
import { batonYaml, kustomization, pushLabelledImage, recordVerification, USER } from '../helpers/promote-fixture.ts';

const TOKEN = 'gh-promote-token-c41e7';
const PROD = { user: 'prod', password: 'prod-e2e-pass' };

describe('dist/promote/index.cjs run as the GitHub runner runs it', { skip: skipWithout('docker-registry', 'htpasswd') }, () => {
  let server: GitServer;
  let stage: RunningRegistry;
  let prod: RunningRegistry;
  let client: RegistryClient;
  let dockerConfig: string;
  let digest: string;

  before(async () => {
    [server, stage, prod] = await Promise.all([
      startGitServer({ users: { [USER]: TOKEN } }),
      startRegistry(),
      startRegistry({ htpasswd: { [PROD.user]: PROD.password } }),
    ]);
    dockerConfig = await mkdtemp(join(tmpdir(), 'baton-e2e-docker-'));
    await writeFile(
      join(dockerConfig, 'config.json'),
      JSON.stringify({ auths: { [prod.host]: { auth: Buffer.from(`${PROD.user}:${PROD.password}`).toString('base64') } } }),
    );
    client = new RegistryClient(testClientOptions([stage.host, prod.host], { env: { DOCKER_CONFIG: dockerConfig } }));
    digest = await pushLabelledImage(client, { registry: stage.host, repository: 'acme/api', tag: '2.0.0' }, 'api 2', {});
    await server.createRepo('env', {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [`${stage.host}/acme/api`]: '1.0.0' }),
      'envs/production/kustomization.yaml': kustomization({ [`${prod.host}/live/api`]: '1.0.0' }),
    });
  });
  after(async () => {
    await client?.close();
    await Promise.all([server?.stop(), stage?.stop(), prod?.stop()]);
    if (dockerConfig) await rm(dockerConfig, { recursive: true, force: true });
  });

  it('bump staging, verify, promote with copy-to: the same digest in production and in the second registry', async () => {
    const bumped = await runAction('bump', {
      repo: server.url('env'),
      env: 'staging',
      image: `${stage.host}/acme/api:2.0.0@${digest}`,
      pin: 'tag+digest',
      token: TOKEN,
      author: 'ci <ci@example.invalid>',
    });
    assert.equal(bumped.code, 0, bumped.stdout + bumped.stderr);
    await recordVerification(server, 'env', TOKEN, {
      env: 'staging',
      time: new Date(Date.now() - 60_000).toISOString(),
      images: [`${stage.host}/acme/api@${digest}`],
    });
    const inputs = {
      repo: server.url('env'),
      to: 'production',
      'copy-to': `${prod.host}/live`,
      'tag-as': 'production',
      'insecure-registries': `${stage.host},${prod.host}`,
      token: TOKEN,
      author: 'ci <ci@example.invalid>',
      soak: '30s',
      'require-verified': 'true',
      pin: 'tag+digest',
    };
    const run = await runAction('promote', inputs, {
      DOCKER_CONFIG: dockerConfig,
      GITHUB_SERVER_URL: 'https://forge.example',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '7',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs['changed'], 'true');
    const text = (await server.readFile('env', 'main', 'envs/production/kustomization.yaml'))!;
    assert.match(text, new RegExp(`- name: ${prod.host}/live/api\\n {4}newTag: 2\\.0\\.0\\n {4}digest: ${digest}\\n`));
    const staging = (await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!;
    assert.ok(staging.includes(`digest: ${digest}`), 'staging and production hold the same digest');
    for (const tag of [digest, '2.0.0', 'production']) {
      const ref = tag.startsWith('sha256:') ? { digest: tag } : { tag };
      assert.equal((await client.resolve({ registry: prod.host, repository: 'live/api', ...ref })).digest, digest, tag);
    }
    assert.equal(run.outputs['commit'], (await server.log('env', 'main'))[0]!.oid);
    assert.match(run.summary, /### Baton promote: staging → production/);
    assert.doesNotMatch(run.stdout.replace(`::add-mask::${TOKEN}`, '') + run.stderr, new RegExp(`${TOKEN}|${PROD.password}`));
  });

  it('an unverified source fails the step with exit 1 and a message saying how to verify', async () => {
    const bumped = await runAction('bump', {
      repo: server.url('env'),
      env: 'staging',
      image: `${stage.host}/acme/api:2.0.1`,
      token: TOKEN,
    });
    assert.equal(bumped.code, 0, bumped.stdout);
    const run = await runAction('promote', { repo: server.url('env'), to: 'production', token: TOKEN, 'insecure-registries': stage.host });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /::error::from: staging was verified healthy for [0-9a-f]{12} .*, but it now runs [0-9a-f]{12}/);
    assert.match(run.stdout, /expected-revision/);
  });
});

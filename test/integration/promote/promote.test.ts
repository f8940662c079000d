/**
 * Promote end to end on real parts: the smart-HTTP git server, two docker-registry instances (the second
 * with htpasswd auth through DOCKER_CONFIG) and verify's own recorder for the verification notes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/adapters/registry/registry-client.ts';
import { defaultPromoteDeps, type PromoteDeps } from '../../../src/steps/promote/deps.ts';
import { promoteStep } from '../../../src/steps/promote/step.ts';
import { rollbackStep } from '../../../src/steps/rollback/step.ts';
import { proposalBranch } from '../../../src/core/change-text.ts';
import { parseImageRef } from '../../../src/core/image-ref.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { type RunningRegistry, skipWithout, startRegistry, testClientOptions } from '../../helpers/registry.ts';
import { type CompareServer, startCompareServer } from '../../helpers/compare-api.ts';
import {
  batonYaml,
  bump,
  kustomization,
  pushLabelledImage,
  recordVerification,
  testHistoryDeps,
  USER,
} from '../../helpers/promote-fixture.ts';

const TOKEN = 'promote-token-2b9d4';
const PROD_REGISTRY = { user: 'prod', password: 'prod-registry-pass' };
const NOW = Date.parse('2024-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();

describe('promote on real git and registries', { skip: skipWithout('docker-registry', 'htpasswd') }, () => {
  let server: GitServer;
  let stage: RunningRegistry;
  let prod: RunningRegistry;
  let client: RegistryClient;
  let dockerConfig: string;
  let deps: PromoteDeps;
  let github: GitHubApi;
  let compare: CompareServer;
  let revisions: string[];
  const digests: Record<string, string> = {};
  const api = () => `${stage.host}/acme/api`;
  const worker = () => `${stage.host}/acme/worker`;
  const promote = (inputs: Record<string, string>) =>
    runInMemory(promoteStep(deps), {
      repo: server.url('acme/env'),
      token: TOKEN,
      'insecure-registries': `${stage.host},${prod.host}`,
      ...inputs,
    });
  const file = (env: string) => server.readFile('acme/env', 'main', `envs/${env}/kustomization.yaml`);

  before(async () => {
    [server, stage, prod] = await Promise.all([
      startGitServer({ users: { [USER]: TOKEN } }),
      startRegistry(),
      startRegistry({ htpasswd: { [PROD_REGISTRY.user]: PROD_REGISTRY.password } }),
    ]);
    dockerConfig = await mkdtemp(join(tmpdir(), 'baton-docker-config-'));
    const auth = Buffer.from(`${PROD_REGISTRY.user}:${PROD_REGISTRY.password}`).toString('base64');
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [prod.host]: { auth } } }));
    client = new RegistryClient(testClientOptions([stage.host, prod.host], { env: { DOCKER_CONFIG: dockerConfig } }));
    // The images' source repository, with real history for the compare API to list.
    await server.createRepo('acme/api', { 'main.go': 'package main // 1.4.1\n' });
    for (const version of ['1.4.2', '1.4.3', '1.4.4'])
      await server.commitFiles('acme/api', 'main', { 'main.go': `package main // ${version}\n` }, `api: release ${version}`);
    revisions = (await server.log('acme/api', 'main')).map((c) => c.oid).reverse();
    compare = await startCompareServer(server.root, TOKEN);
    deps = {
      ...defaultPromoteDeps({ GITHUB_API_URL: compare.url }),
      ...testHistoryDeps(() => NOW),
      registry: ({ insecure, quick }) =>
        new RegistryClient(
          testClientOptions(insecure, {
            env: { DOCKER_CONFIG: dockerConfig },
            ...(quick ? { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 0 } } : {}),
          }),
        ),
    };
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: ['acme/env'] });
    // The forge sees the branches that really exist on the git server, as a forge would.
    github.onRequest(async () => {
      const branch = proposalBranch('production', [parseImageRef(api())]);
      if (await server.head('acme/env', branch)) github.pushBranch('acme/env', branch);
    });
    const source = 'https://github.com/acme/api';
    for (const [index, tag] of ['1.4.1', '1.4.2', '1.4.3', '1.4.4'].entries()) {
      digests[tag] = await pushLabelledImage(client, { registry: stage.host, repository: 'acme/api', tag }, `api ${tag}`, {
        'org.opencontainers.image.source': source,
        'org.opencontainers.image.revision': revisions[index]!,
      });
    }
    digests['worker'] = await pushLabelledImage(client, { registry: stage.host, repository: 'acme/worker', tag: '3.0.0' }, 'worker', {});
    const both = (apiTag: string) => kustomization({ [api()]: apiTag, [worker()]: '3.0.0' });
    await server.createRepo('acme/env', {
      'baton.yaml': batonYaml(`  prod-eu:\n    path: envs/prod-eu\n    promote-from: staging\n`),
      'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
      'envs/staging/kustomization.yaml': both('1.4.1'),
      'envs/production/kustomization.yaml': both('1.4.1'),
      'envs/prod-eu/kustomization.yaml': kustomization({ [`${prod.host}/prod/api`]: '1.4.0' }),
    });
  });
  after(async () => {
    await client?.close();
    await Promise.all([server?.stop(), stage?.stop(), prod?.stop(), github?.stop(), compare?.stop()]);
    if (dockerConfig) await rm(dockerConfig, { recursive: true, force: true });
  });

  it('refuses an unverified source and says how to produce the record', async () => {
    assert.equal((await bump(server, 'acme/env', TOKEN, { env: 'staging', image: `${api()}:1.4.2` })).code, 0);
    const before = await server.log('acme/env', 'main');
    const result = await promote({ to: 'production' });
    assert.equal(result.code, 1, result.error);
    assert.match(
      result.error ?? '',
      /^from: staging is not verified: no verification record for staging under refs\/notes\/baton on its current commit [0-9a-f]{12}/,
    );
    assert.match(
      result.error ?? '',
      /run verify for staging with record: true and expected-revision [0-9a-f]{12} \(baton verify --repo .* --env staging --expected-revision [0-9a-f]{40}/,
    );
    assert.deepEqual(await server.log('acme/env', 'main'), before);
  });

  it('refuses while the soak time is not met', async () => {
    await recordVerification(server, 'acme/env', TOKEN, {
      env: 'staging',
      time: hoursAgo(2),
      images: [`${api()}@${digests['1.4.2']}`, `${worker()}@${digests['worker']}`],
    });
    const result = await promote({ to: 'production', soak: '3h' });
    assert.equal(result.code, 1, result.error);
    assert.match(
      result.error ?? '',
      /from: staging was verified 2h ago \(2024-06-01T10:00:00\.000Z\); soak 3h needs 1h more\. Promote at or after 2024-06-01T13:00:00\.000Z\./,
    );
  });

  it('writes exactly the verified digest, even after the tag moved in the registry', async () => {
    // The tag 1.4.2 now points elsewhere: promote must not look it up again.
    await pushLabelledImage(client, { registry: stage.host, repository: 'acme/api', tag: '1.4.2' }, 'a rebuilt 1.4.2', {});
    const result = await promote({ to: 'production', soak: '1h' });
    assert.equal(result.code, 0, result.error);
    const text = (await file('production'))!;
    assert.match(text, new RegExp(`- name: ${api()}\\n {4}newTag: 1\\.4\\.2\\n {4}digest: ${digests['1.4.2']}\\n`));
    assert.match(text, new RegExp(`- name: ${worker()}\\n {4}newTag: 3\\.0\\.0\\n {4}digest: ${digests['worker']}\\n`));
    const images = JSON.parse(result.outputs['images']!) as Array<{ image: string; digest: string; digestFrom: string }>;
    assert.deepEqual(
      images.map((i) => [i.image, i.digest, i.digestFrom]),
      [
        [api(), digests['1.4.2'], 'verified'],
        [worker(), digests['worker'], 'verified'],
      ],
    );
    const [head] = await server.log('acme/env', 'main');
    assert.equal(result.outputs['commit'], head!.oid);
    assert.equal(head!.subject, 'production: promote 2 images from staging (api 1.4.2, worker 3.0.0)');
    assert.match(
      head!.message,
      /\nBaton-Promoted-From: staging@[0-9a-f]{40}\nBaton-Verified: healthy by kubernetes at 2024-06-01T10:00:00\.000Z on [0-9a-f]{12}\n/,
    );
    assert.match(head!.message, new RegExp(`\\nBaton-Image: ${api()}:1\\.4\\.2@${digests['1.4.2']}\\n`));
    assert.equal(
      result.outputs['verified-commit'],
      (await server.log('acme/env', 'main'))[1]!.oid,
      'the staging bump is the commit verified',
    );
    // Running it again changes nothing.
    const again = await promote({ to: 'production' });
    assert.equal(again.outputs['changed'], 'false', again.error);
    assert.equal((await server.log('acme/env', 'main'))[0]!.oid, head!.oid);
  });

  it('refuses a record for another commit, and a failed record', async () => {
    assert.equal((await bump(server, 'acme/env', TOKEN, { env: 'staging', image: `${api()}:1.4.3` })).code, 0);
    const other = await promote({ to: 'production' });
    assert.equal(other.code, 1);
    assert.match(
      other.error ?? '',
      /^from: staging was verified healthy for [0-9a-f]{12} \(2024-06-01T10:00:00\.000Z\), but it now runs [0-9a-f]{12}, which has no verification record under refs\/notes\/baton/,
    );
    await recordVerification(server, 'acme/env', TOKEN, { env: 'staging', time: hoursAgo(1), status: 'failed' });
    const failed = await promote({ to: 'production' });
    assert.equal(failed.code, 1);
    assert.match(failed.error ?? '', /^from: staging is not verified: the newest record on [0-9a-f]{12} says failed/);
  });

  it('refuses to promote over a rollback hold; override-hold writes through and releases it', async () => {
    await recordVerification(server, 'acme/env', TOKEN, { env: 'staging', time: hoursAgo(1), images: [`${api()}@${digests['1.4.3']}`] });
    const back = await runInMemory(rollbackStep(deps), {
      repo: server.url('acme/env'),
      token: TOKEN,
      env: 'production',
      image: api(),
      reason: 'latency',
    });
    assert.equal(back.code, 0, back.error);
    const before = await server.log('acme/env', 'main');
    const held = await promote({ to: 'production', image: api() });
    assert.equal(held.code, 1);
    assert.match(
      held.error ?? '',
      new RegExp(
        `^to: ${api().replace(/\./g, '\\.')} is held in production since 2024-06-01T12:00:00\\.000Z by baton \\(latency; ` +
          `envs/production/kustomization\\.yaml:\\d+\\): not promoted\\. Release it with "baton release-hold --env production --image ` +
          `${api().replace(/\./g, '\\.')}", or run with override-hold\\.`,
      ),
    );
    assert.deepEqual(await server.log('acme/env', 'main'), before);
    const through = await promote({ to: 'production', image: api(), 'override-hold': 'true' });
    assert.equal(through.code, 0, through.error);
    const text = (await file('production'))!;
    assert.doesNotMatch(text, /baton-hold/);
    assert.match(text, new RegExp(`newTag: 1\\.4\\.3\\n {4}digest: ${digests['1.4.3']}`));
  });

  it('dry-run computes the promotion but copies and writes nothing', async () => {
    const before = await server.log('acme/env', 'main');
    const result = await promote({ to: 'prod-eu', image: api(), 'copy-to': `${prod.host}/prod`, 'dry-run': 'true' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'true');
    assert.equal(result.outputs['commit'], '');
    assert.match(result.summary, /### Baton promote: staging → prod-eu \(dry run\)/);
    assert.match(result.summary, /\+ {4}digest: sha256:[0-9a-f]{64}/);
    assert.deepEqual(await server.log('acme/env', 'main'), before);
    assert.equal(await client.tryResolve({ registry: prod.host, repository: 'prod/api', digest: digests['1.4.3'] }), undefined);
  });

  it('copy-to copies by digest into the second registry (auth from DOCKER_CONFIG), tags, then writes the copy', async () => {
    const result = await promote({ to: 'prod-eu', image: api(), 'copy-to': `${prod.host}/prod`, 'tag-as': 'prod' });
    assert.equal(result.code, 0, result.error);
    const copy = { registry: prod.host, repository: 'prod/api' };
    assert.equal((await client.resolve({ ...copy, digest: digests['1.4.3'] })).digest, digests['1.4.3']);
    assert.equal((await client.resolve({ ...copy, tag: '1.4.3' })).digest, digests['1.4.3']);
    assert.equal((await client.resolve({ ...copy, tag: 'prod' })).digest, digests['1.4.3']);
    const text = (await server.readFile('acme/env', 'main', 'envs/prod-eu/kustomization.yaml'))!;
    assert.match(text, new RegExp(`- name: ${prod.host}/prod/api\\n {4}newTag: 1\\.4\\.3\\n {4}digest: ${digests['1.4.3']}\\n`));
    const [image] = JSON.parse(result.outputs['images']!) as Array<{ copiedTo: string; digestFrom: string }>;
    assert.equal(image!.copiedTo, `${prod.host}/prod/api:1.4.3@${digests['1.4.3']}`);
    assert.match(result.summary, /Copied `.*\/acme\/api` to `.*\/prod\/api:1\.4\.3@sha256:[0-9a-f]{64}` by digest \(checked\)/);
  });

  it('PR mode: the body shows old → new with digests, the source compare link and the record relied on', async () => {
    assert.equal((await bump(server, 'acme/env', TOKEN, { env: 'staging', image: `${api()}:1.4.4` })).code, 0);
    await recordVerification(server, 'acme/env', TOKEN, { env: 'staging', time: hoursAgo(1), images: [`${api()}@${digests['1.4.4']}`] });
    const main = await server.head('acme/env', 'main');
    const result = await promote({ to: 'production', image: api(), mode: 'pr', forge: 'github', 'api-url': github.url });
    assert.equal(result.code, 0, result.error);
    const [pull] = github.pulls('acme/env');
    assert.equal(pull!.head.ref, proposalBranch('production', [parseImageRef(api())]));
    assert.equal(pull!.title, `production: promote ${api()} 1.4.4 from staging`);
    const body = pull!.body ?? '';
    const short = (d: string) => d.slice(0, 'sha256:'.length + 12);
    const [from, to] = [revisions[2]!, revisions[3]!];
    const row =
      `| \`${api()}\` | \`1.4.3\` \`${short(digests['1.4.3']!)}\` | \`1.4.4\` \`${short(digests['1.4.4']!)}\` | verified | ` +
      `[${from.slice(0, 8)}…${to.slice(0, 8)}](https://github.com/acme/api/compare/${from}...${to}) |`;
    assert.ok(body.includes(row), body);
    assert.ok(body.includes(`<summary>1 commit(s) in ${api()}</summary>`), body);
    assert.ok(body.includes(`- [\`${to.slice(0, 8)}\`](https://github.com/acme/api/commit/${to}) api: release 1.4.4`), body);
    assert.ok(
      compare.requests.some((r) => r.startsWith(`GET /repos/acme/api/compare/${from}...${to}`)),
      compare.requests.join('\n'),
    );
    assert.match(body, /\*\*Verification relied on:\*\* healthy by kubernetes at 2024-06-01T11:00:00\.000Z on [0-9a-f]{12}\./);
    assert.equal(result.outputs['pr-url'], pull!.html_url);
    assert.equal(await server.head('acme/env', 'main'), main, 'main waits for the PR');
    assert.match(
      (await server.readFile('acme/env', pull!.head.ref, 'envs/production/kustomization.yaml'))!,
      new RegExp(`digest: ${digests['1.4.4']}`),
    );
  });
});

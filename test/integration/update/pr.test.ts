/**
 * Update end to end on a real git server and the real registry, with the GitHub-shaped API: two
 * environments, three policies; the first run opens one PR per environment, a quiet second run changes
 * nothing and sends only conditional listings (all answered 304), a third run after new tags and a
 * moved tag updates the same PRs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { updateStep } from '../../../src/steps/update/step.ts';
import { defaultUpdateDeps } from '../../../src/steps/update/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { type GitHubApi, startGitHubApi } from '../../helpers/github-api.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { REGISTRY_PASSWORD, startUpdateRegistry, type UpdateRegistry } from '../../helpers/update-fixture.ts';

const TOKEN = 'update-pr-token-4e2b';

function envFiles(host: string): Record<string, string> {
  return {
    'baton.yaml': [
      'policies:',
      '  api:',
      `    image: ${host}/acme/api`,
      '    strategy: semver',
      '    range: ">=1.0.0 <2.0.0"',
      '  worker:',
      `    image: ${host}/acme/worker`,
      '    strategy: numerical',
      '    filter: { pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts" }',
      '  proxy:',
      `    image: ${host}/acme/proxy`,
      '    strategy: digest',
      '    tag: stable',
      'environments:',
      '  staging:',
      '    path: envs/staging',
      '    update: [api, worker, proxy]',
      '  production:',
      '    path: envs/production',
      '    mode: pr',
      '    update: [api, proxy]',
      '',
    ].join('\n'),
    'envs/staging/kustomization.yaml': [
      'resources: [deployment.yaml]',
      'images:',
      `  - name: ${host}/acme/api`,
      '    newTag: 1.0.0 # staging api',
      `  - name: ${host}/acme/worker`,
      '    newTag: main-aaaaaaa-100',
      '',
    ].join('\n'),
    'envs/staging/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: edge }',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: proxy',
      `          image: ${host}/acme/proxy:stable`,
      '',
    ].join('\n'),
    // Flux-style values: the marker names the policy, as image-automation-controller's setters do.
    'envs/production/values.yaml': [
      'api:',
      '  image:',
      `    repository: ${host}/acme/api # {"$imagepolicy": "flux-system:api:name"}`,
      '    tag: "1.0.0" # {"$imagepolicy": "flux-system:api:tag"}',
      'proxy:',
      `  image: ${host}/acme/proxy:stable`,
      '',
    ].join('\n'),
  };
}

describe('update in PR mode, on a schedule', () => {
  let git: GitServer;
  let github: GitHubApi;
  let reg: UpdateRegistry;
  let cacheDir: string;
  let dockerConfig: string;

  before(async () => {
    reg = await startUpdateRegistry();
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await git.createRepo('acme/env', envFiles(reg.proxy.host), { branch: 'main' });
    github = await startGitHubApi({ tokens: { [TOKEN]: 'write' }, repos: [{ name: 'acme/env' }] });
    github.onRequest(async () => {
      for (const env of ['staging', 'production'])
        if (await git.head('acme/env', `baton/update/${env}`)) github.pushBranch('acme/env', `baton/update/${env}`);
    });
    await reg.push('acme/api', '1.0.0', 'api-1.0.0');
    await reg.tag('acme/api', '1.0.0', ['1.1.0', '1.2.0', '2.0.0', 'latest', '1.3.0-rc.1']);
    await reg.push('acme/worker', 'main-aaaaaaa-100', 'worker-100');
    await reg.tag('acme/worker', 'main-aaaaaaa-100', ['main-bbbbbbb-99', 'main-ccccccc-150', 'feature-x-999']);
    await reg.push('acme/proxy', 'stable', 'proxy-a');
    cacheDir = await mkdtemp(join(tmpdir(), 'baton-update-cache-'));
    dockerConfig = join(cacheDir, 'docker');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(dockerConfig);
    const auth = Buffer.from(`update-user:${REGISTRY_PASSWORD}`).toString('base64');
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [reg.proxy.host]: { auth } } }));
  });
  after(async () => {
    await Promise.all([git?.stop(), github?.stop(), reg?.stop()]);
    await rm(cacheDir, { recursive: true, force: true });
  });

  const run = () => {
    const env = { DOCKER_CONFIG: dockerConfig };
    return runInMemory(
      updateStep(defaultUpdateDeps(env)),
      {
        repo: git.url('acme/env'),
        token: TOKEN,
        forge: 'github',
        'api-url': github.url,
        cache: join(cacheDir, 'tags.json'),
        'insecure-registries': reg.proxy.host,
        labels: 'dependencies',
      },
      env,
    );
  };

  it('first run: one PR per environment with every image old → new and registry links', async () => {
    const start = reg.proxy.requests.length;
    const result = await run();
    assert.equal(result.code, 0, result.error);
    const pulls = github.pulls('acme/env');
    assert.deepEqual(pulls.map((p) => p.head.ref).sort(), ['baton/update/production', 'baton/update/staging']);
    const staging = pulls.find((p) => p.head.ref === 'baton/update/staging')!;
    assert.equal(staging.title, 'staging: update 3 images');
    assert.match(staging.body ?? '', /\| \[`[^`]+\/acme\/api`\]\(http[^)]+\) \| `1\.0\.0` \| `1\.2\.0` \| `api` \|/);
    assert.match(staging.body ?? '', /`main-aaaaaaa-100` \| `main-ccccccc-150` \| `worker`/);
    assert.match(staging.body ?? '', /`stable` \| `stable@sha256:[0-9a-f]{12}` \| `proxy`/);
    const kustomization = await git.readFile('acme/env', 'baton/update/staging', 'envs/staging/kustomization.yaml');
    assert.match(kustomization ?? '', /newTag: 1\.2\.0 # staging api\n/);
    assert.match(kustomization ?? '', /newTag: main-ccccccc-150\n/);
    const proxyDigest = (await reg.client.resolve(reg.ref('acme/proxy', 'stable'))).digest;
    assert.match(
      (await git.readFile('acme/env', 'baton/update/staging', 'envs/staging/deployment.yaml')) ?? '',
      new RegExp(`acme/proxy:stable@${proxyDigest}\n`),
    );
    // The Flux marker resolved to the api policy: the tag changes, the comment stays.
    const values = await git.readFile('acme/env', 'baton/update/production', 'envs/production/values.yaml');
    assert.match(values ?? '', /tag: "1\.2\.0" # \{"\$imagepolicy": "flux-system:api:tag"\}/);
    assert.equal(
      await git.readFile('acme/env', 'main', 'envs/staging/kustomization.yaml'),
      envFiles(reg.proxy.host)['envs/staging/kustomization.yaml'],
    );
    // api is listed once although both environments follow it; proxy (digest) is not listed at all.
    const listings = reg.listings(start);
    assert.equal(listings.length, 2);
    assert.ok(listings.every((l) => l.status === 200));
    const updates = JSON.parse(result.outputs['updates']!) as { env: string }[];
    assert.equal(updates.length, 5);
    assert.equal(result.outputs['changed'], 'true');
    assert.equal(result.outputs['pr-url']!.split('\n').length, 2);
    assert.doesNotMatch(await readFile(join(cacheDir, 'tags.json'), 'utf8'), new RegExp(REGISTRY_PASSWORD));
  });

  it('second run with no new tags: nothing pushed, only conditional listings, each answered 304', async () => {
    const heads = await Promise.all(['staging', 'production'].map((env) => git.head('acme/env', `baton/update/${env}`)));
    const pushesBefore = git.requestCount('receive-pack');
    const start = reg.proxy.requests.length;
    const result = await run();
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'false');
    assert.equal(git.requestCount('receive-pack'), pushesBefore);
    assert.deepEqual(await Promise.all(['staging', 'production'].map((env) => git.head('acme/env', `baton/update/${env}`))), heads);
    const listings = reg.listings(start);
    assert.deepEqual(
      listings.map((l) => l.status),
      [304, 304],
    );
    // Besides the two conditional listings: one HEAD for the followed tag, nothing else of substance.
    const other = reg.proxy.requests.slice(start).filter((r) => !r.url.includes('/tags/list') && r.url !== '/v2/');
    assert.deepEqual(
      other.map((r) => r.method),
      ['HEAD'],
    );
    assert.equal(github.pulls('acme/env').length, 2);
  });

  it('third run after new tags and a moved tag: the same PRs are updated', async () => {
    const numbers = github
      .pulls('acme/env')
      .map((p) => p.number)
      .sort();
    await reg.tag('acme/api', '1.0.0', ['1.4.0']);
    await reg.tag('acme/worker', 'main-aaaaaaa-100', ['main-ddddddd-200']);
    const moved = await reg.push('acme/proxy', 'stable', 'proxy-b');
    const result = await run();
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'true');
    const pulls = github.pulls('acme/env');
    assert.deepEqual(pulls.map((p) => p.number).sort(), numbers);
    const staging = pulls.find((p) => p.head.ref === 'baton/update/staging')!;
    assert.match(staging.body ?? '', /`1\.0\.0` \| `1\.4\.0` \| `api`/);
    assert.match(staging.body ?? '', /`main-ddddddd-200` \| `worker`/);
    const kustomization = await git.readFile('acme/env', 'baton/update/staging', 'envs/staging/kustomization.yaml');
    assert.match(kustomization ?? '', /newTag: 1\.4\.0 # staging api\n/);
    assert.match(
      (await git.readFile('acme/env', 'baton/update/production', 'envs/production/values.yaml')) ?? '',
      new RegExp(`image: [^\\n]*acme/proxy:stable@${moved}\\n`),
    );
  });
});

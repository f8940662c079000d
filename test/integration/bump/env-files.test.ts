/**
 * What bump reads under an environment, over real git: a `Kustomization` file name, dangling links,
 * submodule entries named `*.yaml`, bytes that are not UTF-8, and large unrelated files. Each case
 * makes the odd tree with plain git, bumps, and reads back what the server holds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultBumpDeps } from '../../../src/steps/bump/deps.ts';
import { bumpStep } from '../../../src/steps/bump/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';

const TOKEN = 'env-files-token-91b0c';
const KUSTOMIZATION = 'images:\n  - name: ghcr.io/acme/checkout\n    newTag: 2.3.0\n';
/** A Latin-1 file (`# Réglages`, é as the single byte 0xE9): not UTF-8. */
const LATIN1 = Buffer.concat([Buffer.from('# R'), Buffer.from([0xe9]), Buffer.from('glages\nteam: ops\n')]);

/** A YAML file of about `bytes` bytes that never names the image and would fail to parse if it were parsed. */
function unrelatedYaml(bytes: number): Buffer {
  const line = 'key-0000000: [value, other, "quoted text", 12345]\n';
  const body = line.repeat(Math.ceil(bytes / line.length));
  // A duplicate key at the end: parsing this file would abort the bump, so success proves it was not parsed.
  return Buffer.from(`${body}key-0000000: again\n`);
}

describe('bump reads what it may edit, and only that', () => {
  let server: GitServer;
  const step = bumpStep(defaultBumpDeps({}));
  const run = (inputs: Record<string, string>) => runInMemory(step, { repo: server.url('env'), token: TOKEN, ...inputs });

  /** Pushes a tree made with plain git: `files` as bytes, then `prepare` in the work tree and index. */
  async function push(
    files: Record<string, string | Buffer>,
    prepare?: (work: string, git: (...args: string[]) => string) => Promise<void>,
  ) {
    const work = await mkdtemp(join(tmpdir(), 'baton-test-env-files-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { encoding: 'utf8' });
    try {
      execFileSync('git', ['clone', '-q', join(server.root, 'env.git'), work]);
      for (const [file, content] of Object.entries(files)) {
        execFileSync('mkdir', ['-p', join(work, file, '..')]);
        await writeFile(join(work, file), content);
      }
      git('add', '-A');
      // `prepare` stages what it makes itself: a gitlink exists only in the index.
      await prepare?.(work, git);
      git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'odd tree');
      git('push', '-q', 'origin', 'HEAD:main');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', { 'README.md': 'env repo\n' }, { branch: 'main' });
  });
  after(() => server.stop());

  it('edits a kustomization named `Kustomization`, next to other files', async () => {
    await push({
      'envs/k/Kustomization': KUSTOMIZATION,
      'envs/k/values.yaml': 'image:\n  repository: ghcr.io/acme/checkout\n  tag: 2.3.0\n',
    });
    const result = await run({ path: 'envs/k', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['files'], 'envs/k/Kustomization\nenvs/k/values.yaml');
    assert.equal(await server.readFile('env', 'main', 'envs/k/Kustomization'), KUSTOMIZATION.replace('2.3.0', '2.4.0'));
  });

  it('skips a dangling link that points inside the repo, with a notice', async () => {
    await push({ 'envs/d/kustomization.yaml': KUSTOMIZATION }, async (work, git) => {
      await symlink('../../nowhere/gone.yaml', join(work, 'envs/d/dangling.yaml'));
      git('add', '-A');
    });
    const result = await run({ path: 'envs/d', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(result.code, 0, result.error);
    assert.ok(
      result.logs.some((line) => /envs\/d\/dangling\.yaml: a symlink to a file that does not exist; skipped/.test(line)),
      result.logs.join('\n'),
    );
    assert.match((await server.readFile('env', 'main', 'envs/d/kustomization.yaml')) ?? '', /newTag: 2\.4\.0/);
  });

  it('refuses a dangling link that points outside the repo', async () => {
    await push({ 'envs/o/kustomization.yaml': KUSTOMIZATION }, async (work, git) => {
      await symlink('../../../../no-such-place/x.yaml', join(work, 'envs/o/out.yaml'));
      git('add', '-A');
    });
    const before = await server.log('env', 'main');
    const result = await run({ path: 'envs/o', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(result.code, 2, result.error);
    assert.match(result.error ?? '', /path: envs\/o\/out\.yaml is a symlink that leads outside the env repo/);
    assert.deepEqual(await server.log('env', 'main'), before);
  });

  it('skips a submodule entry named `*.yaml` instead of failing on a directory', async () => {
    const gitlink = execFileSync('git', ['-C', server.root, '--git-dir', join(server.root, 'env.git'), 'rev-parse', 'main'], {
      encoding: 'utf8',
    }).trim();
    await push({ 'envs/g/kustomization.yaml': KUSTOMIZATION }, async (_work, git) => {
      git('update-index', '--add', '--cacheinfo', `160000,${gitlink},envs/g/vendored.yaml`);
    });
    const result = await run({ path: 'envs/g', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(result.code, 0, result.error);
    assert.ok(
      result.logs.some((line) => /envs\/g\/vendored\.yaml: not a regular file \(a submodule\?\); skipped/.test(line)),
      result.logs.join('\n'),
    );
    assert.match((await server.readFile('env', 'main', 'envs/g/kustomization.yaml')) ?? '', /newTag: 2\.4\.0/);
  });

  it('never rewrites bytes that are not UTF-8: an unrelated file is left unread, a candidate is refused with its byte offset', async () => {
    const values = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9]),
      Buffer.from(' config\nimage:\n  repository: ghcr.io/acme/checkout\n  tag: 2.3.0\n'),
    ]);
    await push({ 'envs/u/kustomization.yaml': KUSTOMIZATION, 'envs/u/notes.yaml': LATIN1, 'envs/v/values.yaml': values });
    const ok = await run({ path: 'envs/u', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(ok.code, 0, ok.error);
    assert.equal(ok.outputs['files'], 'envs/u/kustomization.yaml');
    const before = await server.log('env', 'main');
    const refused = await run({ path: 'envs/v', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(refused.code, 2, refused.error);
    assert.match(refused.error ?? '', /envs\/v\/values\.yaml: byte 5 \(0xe9\) is not valid UTF-8/);
    assert.deepEqual(await server.log('env', 'main'), before, 'nothing was pushed');
  });

  it('does not parse an unrelated 10 MB file, skips it with a notice, and refuses a large file that names the image', async () => {
    await push({
      'envs/big/kustomization.yaml': KUSTOMIZATION,
      'envs/big/huge.yaml': unrelatedYaml(10 * 1024 * 1024),
      'envs/big/medium.yaml': unrelatedYaml(1024 * 1024),
    });
    const result = await run({ path: 'envs/big', image: 'ghcr.io/acme/checkout:2.4.0' });
    assert.equal(result.code, 0, result.error);
    assert.ok(
      result.logs.some((line) =>
        /envs\/big\/huge\.yaml: \d+ bytes, over max-file-size \(4194304\), and does not mention the image; skipped unread/.test(line),
      ),
      result.logs.join('\n'),
    );
    // medium.yaml is under the limit and fails to parse: the bump succeeding shows it was never parsed.
    assert.ok(!result.logs.some((line) => line.includes('medium.yaml')), result.logs.join('\n'));
    assert.equal(result.outputs['files'], 'envs/big/kustomization.yaml');

    await push({ 'envs/big2/kustomization.yaml': `${KUSTOMIZATION}# ${'x'.repeat(2048)}\n` });
    const before = await server.log('env', 'main');
    const refused = await run({ path: 'envs/big2', image: 'ghcr.io/acme/checkout:2.5.0', 'max-file-size': '1KiB' });
    assert.equal(refused.code, 2, refused.error);
    assert.match(
      refused.error ?? '',
      /max-file-size: envs\/big2\/kustomization\.yaml is \d+ bytes, over the limit of 1024, and may hold the image/,
    );
    assert.deepEqual(await server.log('env', 'main'), before, 'nothing was pushed');
  });

  it("with policy, writes only that Flux policy's markers; other policies and unmarked values stay", async () => {
    const marked =
      'containers:\n  - image: ghcr.io/acme/checkout:2.3.0 # {"$imagepolicy": "flux-system:checkout"}\n  - image: ' +
      'ghcr.io/acme/checkout:2.3.0 # {"$imagepolicy": "flux-system:checkout-lts"}\n';
    const unmarked = 'containers:\n  - image: ghcr.io/acme/checkout:2.3.0\n';
    await push({ 'envs/f/marked.yaml': marked, 'envs/f/unmarked.yaml': unmarked });
    const result = await run({ path: 'envs/f', image: 'ghcr.io/acme/checkout:2.4.0', policy: 'flux-system:checkout' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['files'], 'envs/f/marked.yaml');
    assert.equal(
      await server.readFile('env', 'main', 'envs/f/marked.yaml'),
      marked.replace('2.3.0 # {"$imagepolicy": "flux-system:checkout"}', '2.4.0 # {"$imagepolicy": "flux-system:checkout"}'),
    );
    assert.equal(await server.readFile('env', 'main', 'envs/f/unmarked.yaml'), unmarked);
    const missing = await run({ path: 'envs/f', image: 'ghcr.io/acme/checkout:2.5.0', policy: 'flux-system:nope' });
    assert.equal(missing.code, 2, missing.error);
    assert.match(missing.error ?? '', /policy: no \{"\$imagepolicy": "…flux-system:nope…"\} marker under envs\/f/);
  });

  it('names in subject and trailers only what it wrote: a refused downgrade is not "bumped"', async () => {
    await push({
      'envs/s/kustomization.yaml':
        'images:\n  - name: ghcr.io/acme/checkout\n    newTag: 2.3.0\n  - name: ghcr.io/acme/cart\n    newTag: 5.0.0\n',
    });
    const result = await run({ path: 'envs/s', image: 'ghcr.io/acme/checkout:2.4.0\nghcr.io/acme/cart:4.9.0' });
    assert.equal(result.code, 0, result.error);
    const [head] = await server.log('env', 'main');
    assert.equal(head!.subject, 's: bump ghcr.io/acme/checkout to 2.4.0');
    assert.match(head!.message, /\nBaton-Image: ghcr\.io\/acme\/checkout:2\.4\.0\n/);
    assert.ok(!head!.message.includes('Baton-Image: ghcr.io/acme/cart'), head!.message);
    assert.match(result.summary, /ghcr\.io\/acme\/cart:4\.9\.0: not written, envs\/s\/kustomization\.yaml:4 holds the newer 5\.0\.0/);
  });

  it('adds an images entry to the overlay for an image only its base uses, reading the base outside the path', async () => {
    const overlay = 'resources:\n  - ../../bases/shop\n';
    await push({
      'bases/shop/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'bases/shop/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - ' +
        'name: shop\n          image: ghcr.io/acme/shop:1.0.0\n',
      'envs/b/kustomization.yaml': overlay,
    });
    const result = await run({ path: 'envs/b', image: 'ghcr.io/acme/shop:1.1.0' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['files'], 'envs/b/kustomization.yaml');
    assert.equal(
      await server.readFile('env', 'main', 'envs/b/kustomization.yaml'),
      `${overlay}images:\n- name: ghcr.io/acme/shop\n  newTag: 1.1.0\n`,
    );
    assert.match((await server.readFile('env', 'main', 'bases/shop/deployment.yaml')) ?? '', /shop:1\.0\.0/, 'the base is never edited');
    const again = await run({ path: 'envs/b', image: 'ghcr.io/acme/shop:1.1.0' });
    assert.equal(again.outputs['changed'], 'false', again.error);
  });
});

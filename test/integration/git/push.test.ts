import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { gitIn, tempDir } from '../../helpers/git-temp.ts';

const USER = 'x-access-token';
const TOKEN = 'push-test-token-91c2';
const BOT = { name: 'Baton Bot', email: 'bot@example.test' };

const FILES = {
  'baton.yaml': 'environments: {}\n',
  'envs/staging/api.yaml': 'tag: 1.0.0\n',
  'envs/staging/web.yaml': 'tag: 1.0.0\n',
  'envs/production/api.yaml': 'tag: 0.9.0\n',
};

/** The edit as Baton makes it: a function of the file's current content, not a patch. */
async function raiseTag(repo: GitRepo, file: string, tag: string): Promise<void> {
  const path = join(repo.dir, file);
  const current = await readFile(path, 'utf8');
  await writeFile(path, current.replace(/tag: .*/, `tag: ${tag}`));
}

/** How many clones push to one branch at once in the race test. */
const WRITERS = 8;

describe('GitRepo commit and push', () => {
  let server: GitServer;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let n = 0;
  const clone = (repo: string, sparsePaths = ['envs/staging']) =>
    GitRepo.clone({ url: server.url(repo), token: TOKEN }, { sparsePaths, dir: join(work.path, `clone-${++n}`), identity: BOT });

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    work = await tempDir();
  });
  after(async () => {
    await server.stop();
    await work.remove();
  });

  it('commits with the message on stdin, trailers and "#" lines kept, and pushes', async () => {
    await server.createRepo('basic', FILES);
    const repo = await clone('basic');
    await raiseTag(repo, 'envs/staging/api.yaml', '1.4.2');
    const message =
      'staging: bump ghcr.io/acme/api to 1.4.2\n\n#42 asked for this.\n\n' +
      'Baton-Image: ghcr.io/acme/api@sha256:0123\nBaton-Run: https://ci.example/run/7\n';
    const author = { name: 'Dev Eloper', email: 'dev@example.test' };
    const commit = await repo.commit({ message, author, paths: ['envs/staging/api.yaml'] });
    assert.match(commit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(await repo.push(), 'pushed');
    assert.equal(await server.head('basic', 'main'), commit);
    assert.equal(await server.readFile('basic', 'main', 'envs/staging/api.yaml'), 'tag: 1.4.2\n');
    const [top] = await server.log('basic', 'main');
    assert.equal(top?.message, message);
    assert.equal(top?.author, 'Dev Eloper <dev@example.test>');
    assert.equal(top?.committer, 'Baton Bot <bot@example.test>');
  });

  it('makes no commit when nothing changed', async () => {
    await server.createRepo('noop', FILES);
    const repo = await clone('noop');
    const before = await repo.head();
    await raiseTag(repo, 'envs/staging/api.yaml', '1.0.0');
    assert.equal(await repo.commit({ message: 'nothing', paths: ['envs/staging/api.yaml'] }), undefined);
    assert.equal(await repo.head(), before);
    assert.equal((await server.log('noop', 'main')).length, 1);
  });

  it('stages only the given paths', async () => {
    await server.createRepo('paths', FILES);
    const repo = await clone('paths');
    await raiseTag(repo, 'envs/staging/api.yaml', '2.0.0');
    await raiseTag(repo, 'envs/staging/web.yaml', '2.0.0');
    await repo.commit({ message: 'api only', paths: ['envs/staging/api.yaml'] });
    assert.deepEqual(await repo.status(), [{ code: ' M', path: 'envs/staging/web.yaml' }]);
    assert.match(await repo.diff(), /^\+tag: 2\.0\.0$/m);
  });

  it('reports a push race as rejected, and lands after refresh and re-applying the edit', async () => {
    await server.createRepo('race', FILES);
    const slow = await clone('race');
    const fast = await clone('race');
    await raiseTag(fast, 'envs/staging/web.yaml', '3.0.0');
    await fast.commit({ message: 'fast' });
    assert.equal(await fast.push(), 'pushed');

    await raiseTag(slow, 'envs/staging/api.yaml', '3.1.0');
    await slow.commit({ message: 'slow' });
    server.resetRequests();
    assert.equal(await slow.push(), 'rejected');
    assert.equal(await server.head('race', 'main'), await fast.head());
    // Refused from the ref listing: no pack sent, and nothing fetched into the partial clone to find out.
    assert.deepEqual(
      server.requests.map((r) => r.service),
      ['info-refs'],
    );

    await slow.refresh();
    assert.equal(await readFile(join(slow.dir, 'envs/staging/web.yaml'), 'utf8'), 'tag: 3.0.0\n');
    assert.equal(await readFile(join(slow.dir, 'envs/staging/api.yaml'), 'utf8'), 'tag: 1.0.0\n');
    await raiseTag(slow, 'envs/staging/api.yaml', '3.1.0');
    await slow.commit({ message: 'slow' });
    assert.equal(await slow.push(), 'pushed');
    assert.deepEqual(
      (await server.log('race', 'main')).map((c) => c.subject),
      ['slow', 'fast', 'Seed'],
    );
    assert.equal((await gitIn(slow.dir, ['rev-list', '--count', 'HEAD'])).trim(), '2');
  });

  it('carries a commit onto a head that changed only outside the checkout: same change, message and author, no checkout', async () => {
    await server.createRepo('carry', FILES);
    const repo = await clone('carry');
    await raiseTag(repo, 'envs/staging/api.yaml', '4.0.0');
    const message = 'Bump api\n\n\n#2 of 3   \n\nBaton-Image: api\n';
    const author = { name: 'Ann Author', email: 'ann@example.test' };
    const first = await repo.commit({ message, author, paths: ['envs/staging/api.yaml'] });
    const other = await server.commitFiles('carry', 'main', { 'envs/production/api.yaml': 'tag: 0.9.1\n' }, 'production moved');
    assert.equal(await repo.push(), 'rejected');
    await writeFile(join(repo.dir, 'envs/staging/untouched.txt'), 'a checkout would not care; a carry never looks\n');
    server.resetRequests();
    assert.equal(await repo.carryOver(), 'carried');
    const carried = await repo.head();
    assert.notEqual(carried, first);
    assert.equal(await repo.push(), 'pushed');
    const [top, below] = await server.log('carry', 'main');
    const body = async (commit: string) => (await gitIn(repo.dir, ['cat-file', 'commit', commit])).split('\n\n').slice(1).join('\n\n');
    assert.equal(await body(carried), await body(first!), 'the message bytes, as git commit stored them');
    assert.equal(top?.message.trimEnd(), 'Bump api\n\n#2 of 3\n\nBaton-Image: api');
    assert.match(top?.author ?? '', /Ann Author <ann@example\.test>/);
    assert.match(top?.committer ?? '', /Baton Bot <bot@example\.test>/);
    assert.equal(below?.subject, 'production moved');
    assert.equal(await server.head('carry', 'main'), carried);
    assert.equal((await gitIn(repo.dir, ['rev-parse', `${carried}^`])).trim(), other);
    assert.equal(await server.readFile('carry', 'main', 'envs/staging/api.yaml'), 'tag: 4.0.0\n');
    assert.equal(await server.readFile('carry', 'main', 'envs/production/api.yaml'), 'tag: 0.9.1\n');
    // The carried commit changes what the first one changed, nothing else.
    assert.equal((await gitIn(repo.dir, ['diff-tree', '-r', '--name-only', '--no-commit-id', carried])).trim(), 'envs/staging/api.yaml');
  });

  it('refreshes instead when a checked-out file changed: the root baton.yaml, or one in the environment', async () => {
    await server.createRepo('nocarry', FILES);
    for (const [file, content] of [
      ['baton.yaml', 'environments:\n  staging:\n    path: envs/staging\n    mode: pr\n'],
      ['envs/staging/web.yaml', 'tag: 2.0.0\n'],
    ] as const) {
      const repo = await clone('nocarry');
      await raiseTag(repo, 'envs/staging/api.yaml', '5.0.0');
      await repo.commit({ message: 'api', paths: ['envs/staging/api.yaml'] });
      await server.commitFiles('nocarry', 'main', { [file]: content });
      assert.equal(await repo.push(), 'rejected');
      assert.equal(await repo.carryOver(), 'refreshed', file);
      assert.equal(await readFile(join(repo.dir, file), 'utf8'), content);
      assert.equal(await readFile(join(repo.dir, 'envs/staging/api.yaml'), 'utf8'), 'tag: 1.0.0\n', 'the edit is gone: plan again');
      assert.equal(await repo.head(), await server.head('nocarry', 'main'));
    }
  });

  // Eight writers race here: the push, reject, refresh and re-apply path of the adapter, with every
  // landing checked. Pushes to one branch land one at a time, so n writers cost about n²/2 attempts of
  // several git processes each; the twenty pipelines of one repository are the bump step's own
  // concurrency test.
  it('lands eight concurrent bumps of the same branch, none lost', async () => {
    const files: Record<string, string> = { 'baton.yaml': 'x\n' };
    for (let i = 0; i < WRITERS; i++) files[`envs/staging/app-${i}.yaml`] = 'tag: 1.0.0\n';
    await server.createRepo('crowd', files);
    // The server refuses anything but a fast-forward, as a protected branch does: every landing below is one.
    await gitIn(server.root, ['--git-dir', join(server.root, 'crowd.git'), 'config', 'receive.denyNonFastForwards', 'true']);
    const rejections: string[] = [];
    const bump = async (i: number): Promise<number> => {
      const repo = await GitRepo.clone(
        { url: server.url('crowd'), token: TOKEN },
        {
          sparsePaths: ['envs/staging'],
          dir: join(work.path, `crowd-${i}`),
          log: (line) => line.startsWith('push to') && rejections.push(line),
        },
      );
      for (let attempt = 1; attempt <= 60; attempt++) {
        await raiseTag(repo, `envs/staging/app-${i}.yaml`, `2.0.${i}`);
        await repo.commit({ message: `bump app-${i}` });
        if ((await repo.push()) === 'pushed') return attempt;
        // Jittered exponential backoff, as the bump step does between attempts.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 50 * 2 ** attempt)));
        await repo.refresh();
      }
      throw new Error(`app-${i} never landed`);
    };
    const attempts = await Promise.all(Array.from({ length: WRITERS }, (_, i) => bump(i)));
    assert.ok(
      attempts.some((a) => a > 1),
      'some pushes raced',
    );
    assert.ok(
      rejections.every((line) => /stale info|failed to update ref|cannot lock ref|incorrect old value/.test(line)),
      rejections.join('\n'),
    );
    for (let i = 0; i < WRITERS; i++) {
      assert.equal(await server.readFile('crowd', 'main', `envs/staging/app-${i}.yaml`), `tag: 2.0.${i}\n`);
    }
    assert.equal((await server.log('crowd', 'main')).length, WRITERS + 1);
  });

  it('PR mode: creates a branch, force-pushes it with a lease, and reports a lost lease', async () => {
    await server.createRepo('pr', FILES);
    const repo = await clone('pr');
    const base = await repo.head();
    assert.equal(await repo.fetchBranch('baton/staging/api'), undefined);
    await repo.checkoutNewBranch('baton/staging/api', base);
    await raiseTag(repo, 'envs/staging/api.yaml', '4.0.0');
    const first = await repo.commit({ message: 'bump api to 4.0.0' });
    assert.equal(await repo.push({ ref: 'baton/staging/api', force: true }), 'pushed');
    assert.equal(await server.head('pr', 'baton/staging/api'), first);
    assert.equal(await server.head('pr', 'main'), base);

    // A later bump rebuilds the branch on the base and replaces it: a forced push with the lease it saw.
    const again = await clone('pr');
    assert.equal(await again.remoteBranchHead('baton/staging/api'), first);
    assert.equal(await again.treeOf(first!, 'envs/production'), await again.treeOf(base, 'envs/production'));
    assert.equal(await again.treeOf(first!, 'envs/nope'), undefined);
    await again.checkoutNewBranch('baton/staging/api', base);
    await raiseTag(again, 'envs/staging/api.yaml', '4.1.0');
    await again.commit({ message: 'bump api to 4.1.0' });

    // Meanwhile someone else updates the PR branch: the lease no longer holds.
    await server.commitFiles('pr', 'baton/staging/api', { 'envs/staging/web.yaml': 'tag: 9.9.9\n' }, 'manual fix');
    assert.equal(await again.push({ ref: 'baton/staging/api', force: true }), 'rejected');
    assert.equal(await server.readFile('pr', 'baton/staging/api', 'envs/staging/web.yaml'), 'tag: 9.9.9\n');

    // Seen again, the lease holds and the branch is replaced.
    await again.fetchBranch('baton/staging/api');
    assert.equal(await again.push({ ref: 'baton/staging/api', force: true }), 'pushed');
    assert.equal(await server.readFile('pr', 'baton/staging/api', 'envs/staging/api.yaml'), 'tag: 4.1.0\n');
  });

  it('a forced push to a branch never seen expects it to be absent', async () => {
    await server.createRepo('lease', FILES);
    await server.createBranch('lease', 'baton/x', 'main');
    const repo = await clone('lease');
    await repo.checkoutNewBranch('baton/x', await repo.head());
    await raiseTag(repo, 'envs/staging/api.yaml', '5.0.0');
    await repo.commit({ message: 'x' });
    assert.equal(await repo.push({ ref: 'baton/x', force: true }), 'rejected');
  });
});

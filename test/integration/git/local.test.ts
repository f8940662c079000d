import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import { blobSets, gitIn, tempDir } from '../../helpers/git-temp.ts';

const FILES = {
  'baton.yaml': 'environments: {}\n',
  'envs/staging/api.yaml': 'tag: 1.0.0\n',
  'envs/production/api.yaml': 'tag: 0.9.0\n',
  'notes.md': 'work in progress lives here\n',
};

/** A developer's repository: non-bare, `main` checked out, two commits. */
async function makeRepo(dir: string, files: Record<string, string> = FILES): Promise<string> {
  await gitIn(dirname(dir), ['init', '--quiet', '--initial-branch=main', dir]);
  for (const [round, suffix] of [
    ['first', '# old\n'],
    ['second', ''],
  ] as const) {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content + suffix);
    }
    await commitAll(dir, round);
  }
  return dir;
}

async function commitAll(dir: string, message: string): Promise<void> {
  await gitIn(dir, ['add', '-A']);
  await gitIn(dir, ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', 'commit', '--quiet', '-m', message]);
}

const head = async (dir: string, ref = 'HEAD') => (await gitIn(dir, ['rev-parse', ref])).trim();

async function bumpApi(repo: GitRepo, tag: string): Promise<string | undefined> {
  await writeFile(join(repo.dir, 'envs/staging/api.yaml'), `tag: ${tag}\n`);
  return repo.commit({ message: `bump api to ${tag}` });
}

describe('local repositories', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let n = 0;
  const clone = (url: string, options: { branch?: string } = {}) =>
    GitRepo.clone({ url }, { sparsePaths: ['envs/staging'], dir: join(work.path, `clone-${++n}`), ...options });

  before(async () => {
    work = await tempDir();
  });
  after(async () => {
    await work.remove();
  });

  it('lands the commit on the checked-out branch and its working tree, keeping unrelated edits', async () => {
    const target = await makeRepo(join(work.path, 'dev-repo'));
    await writeFile(join(target, 'notes.md'), 'uncommitted thoughts\n');
    const repo = await clone(target);
    const commit = await bumpApi(repo, '1.1.0');
    assert.equal(await repo.push(), 'pushed');
    assert.equal(await head(target), commit);
    assert.equal(await readFile(join(target, 'envs/staging/api.yaml'), 'utf8'), 'tag: 1.1.0\n');
    assert.equal(await readFile(join(target, 'notes.md'), 'utf8'), 'uncommitted thoughts\n');
    assert.equal(await gitIn(target, ['status', '--porcelain']), ' M notes.md\n');
  });

  it('clones a local repository as lean as a remote one', async () => {
    const target = await makeRepo(join(work.path, 'lean'));
    const repo = await clone(target);
    assert.equal((await gitIn(repo.dir, ['rev-list', '--count', 'HEAD'])).trim(), '1');
    const blobs = await blobSets(repo.dir);
    assert.deepEqual(blobs.present, blobs.checkedOut);
  });

  it('refuses when the checked-out branch has local changes to a file the commit touches', async () => {
    const target = await makeRepo(join(work.path, 'dirty'));
    await writeFile(join(target, 'envs/staging/api.yaml'), 'tag: hand-edited\n');
    const before = await head(target);
    const repo = await clone(target);
    await bumpApi(repo, '1.2.0');
    await assert.rejects(repo.push(), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.input, 'repo');
      assert.match(error.message, /local changes to envs\/staging\/api.yaml.*Commit or stash/s);
      return true;
    });
    assert.equal(await head(target), before);
    assert.equal(await readFile(join(target, 'envs/staging/api.yaml'), 'utf8'), 'tag: hand-edited\n');
  });

  it('reports a rejection when the branch moved, and lands after refresh', async () => {
    const target = await makeRepo(join(work.path, 'moving'));
    const repo = await clone(target);
    await bumpApi(repo, '1.3.0');
    await writeFile(join(target, 'envs/production/api.yaml'), 'tag: 0.9.1\n');
    await commitAll(target, 'someone else');
    assert.equal(await repo.push(), 'rejected');
    await repo.refresh();
    const commit = await bumpApi(repo, '1.3.0');
    assert.equal(await repo.push(), 'pushed');
    assert.equal(await head(target), commit);
    assert.equal((await gitIn(target, ['log', '--format=%s', '-3'])).trim(), 'bump api to 1.3.0\nsomeone else\nsecond');
  });

  it('lands concurrent bumps of a checked-out branch one after another', async () => {
    const files: Record<string, string> = { 'baton.yaml': 'x\n' };
    for (let i = 0; i < 6; i++) files[`envs/staging/app-${i}.yaml`] = 'tag: 1\n';
    const target = await makeRepo(join(work.path, 'crowd'), files);
    const bump = async (i: number) => {
      const repo = await clone(target);
      for (let attempt = 1; attempt <= 40; attempt++) {
        await writeFile(join(repo.dir, `envs/staging/app-${i}.yaml`), `tag: ${i + 2}\n`);
        await repo.commit({ message: `app-${i}` });
        if ((await repo.push()) === 'pushed') return;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        await repo.refresh();
      }
      throw new Error(`app-${i} never landed`);
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => bump(i)));
    for (let i = 0; i < 6; i++) {
      assert.equal(await readFile(join(target, `envs/staging/app-${i}.yaml`), 'utf8'), `tag: ${i + 2}\n`);
    }
    assert.equal(await gitIn(target, ['status', '--porcelain']), '');
    assert.equal((await gitIn(target, ['rev-list', '--count', 'HEAD'])).trim(), '8');
  });

  it('pushes normally to a branch that is not checked out there', async () => {
    const target = await makeRepo(join(work.path, 'other-branch'));
    await gitIn(target, ['branch', 'release']);
    const repo = await clone(target, { branch: 'release' });
    const commit = await bumpApi(repo, '2.0.0');
    assert.equal(await repo.push(), 'pushed');
    assert.equal(await head(target, 'refs/heads/release'), commit);
    assert.equal(await readFile(join(target, 'envs/staging/api.yaml'), 'utf8'), 'tag: 1.0.0\n');
  });

  it('updates a branch checked out in a linked worktree there', async () => {
    const target = await makeRepo(join(work.path, 'with-worktree'));
    const linked = join(work.path, 'linked');
    await gitIn(target, ['worktree', 'add', '--quiet', '-b', 'hotfix', linked]);
    const repo = await clone(target, { branch: 'hotfix' });
    const commit = await bumpApi(repo, '2.1.0');
    assert.equal(await repo.push(), 'pushed');
    assert.equal(await head(linked), commit);
    assert.equal(await readFile(join(linked, 'envs/staging/api.yaml'), 'utf8'), 'tag: 2.1.0\n');
  });

  it('refuses to force-update a checked-out branch', async () => {
    const target = await makeRepo(join(work.path, 'force'));
    const repo = await clone(target);
    await bumpApi(repo, '3.0.0');
    await assert.rejects(repo.push({ force: true }), { name: 'UserError', message: /does not force-update/ });
  });

  it('works with a bare repository, a file:// URL and a relative path', async () => {
    const source = await makeRepo(join(work.path, 'seed'));
    const bare = join(work.path, 'bare.git');
    await gitIn(work.path, ['clone', '--quiet', '--bare', source, bare]);
    for (const url of [bare, pathToFileURL(bare).href, relative(process.cwd(), bare)]) {
      const repo = await clone(url);
      const tag = `4.0.${n}`;
      const commit = await bumpApi(repo, tag);
      assert.equal(await repo.push(), 'pushed', url);
      assert.equal(await head(bare, 'refs/heads/main'), commit);
      assert.equal(await gitIn(bare, ['show', 'main:envs/staging/api.yaml']), `tag: ${tag}\n`);
    }
  });

  it('PR mode against a local repository pushes a new branch', async () => {
    const target = await makeRepo(join(work.path, 'pr'));
    const repo = await clone(target);
    assert.equal(await repo.fetchBranch('baton/staging'), undefined);
    await repo.checkoutNewBranch('baton/staging', await repo.head());
    const commit = await bumpApi(repo, '5.0.0');
    assert.equal(await repo.push({ ref: 'baton/staging', force: true }), 'pushed');
    assert.equal(await head(target, 'refs/heads/baton/staging'), commit);
    assert.equal(await gitIn(target, ['status', '--porcelain']), '');
  });

  it('a landing lock whose process id now names another process (started later) is taken over', async () => {
    const target = await makeRepo(join(work.path, 'lock-reused'));
    const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      // What a lock left by a killed landing looks like once its process id was given to another process.
      await writeFile(join(target, '.git', 'baton-land.lock'), `${sleeper.pid} 1\n`);
      const repo = await clone(target);
      const commit = await bumpApi(repo, '7.0.0');
      assert.equal(await repo.push(), 'pushed');
      assert.equal(await head(target), commit);
      await assert.rejects(readFile(join(target, '.git', 'baton-land.lock')), /ENOENT/);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a landing lock a live process keeps the whole wait is a clear error naming it, not minutes of rejected pushes', async () => {
    const target = await makeRepo(join(work.path, 'lock-held'));
    const before = await head(target);
    // A lock in the older format (process id only) naming a process that stays alive: this one.
    await writeFile(join(target, '.git', 'baton-land.lock'), `${process.pid}\n`);
    const repo = await clone(target);
    await bumpApi(repo, '7.1.0');
    await assert.rejects(
      repo.push(),
      (error: unknown) =>
        error instanceof UserError && /baton-land\.lock.*held by process \d+/.test(error.message) && /delete the file/.test(error.message),
    );
    assert.equal(await head(target), before, 'nothing landed');
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { blobSets, gitIn, listTree, objectCounts, tempDir } from '../../helpers/git-temp.ts';

const USER = 'x-access-token';
const TOKEN = 'clone-test-token-7f3a';

/** Three environments with a few apps each, and a long history the clone must not pay for. */
function envRepoFiles(): Record<string, string> {
  const files: Record<string, string> = { 'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n' };
  for (const env of ['dev', 'staging', 'production']) {
    files[`envs/${env}/kustomization.yaml`] = 'resources:\n  - apps/api\n  - apps/web\n';
    for (const app of ['api', 'web']) {
      files[`envs/${env}/apps/${app}/deployment.yaml`] = `image: ghcr.io/acme/${app}:1.0.0 # ${env}\n`;
    }
  }
  files['docs/README.md'] = 'not for Baton\n';
  return files;
}

describe('GitRepo.clone', () => {
  let server: GitServer;
  let url: string;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let n = 0;
  const clone = (options: { branch?: string; sparsePaths: string[] }) =>
    GitRepo.clone({ url, token: TOKEN }, { ...options, dir: join(work.path, `clone-${++n}`) });

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    url = await server.createRepo('env', envRepoFiles(), { commits: 25 });
    await server.commitFiles('env', 'main', { 'envs/staging/only-on-release.yaml': 'x: 1\n' }, 'Release branch');
    work = await tempDir();
  });
  after(async () => {
    await server.stop();
    await work.remove();
  });

  it('checks out only the sparse paths and the root files', async () => {
    const repo = await clone({ sparsePaths: ['envs/staging'] });
    assert.deepEqual(await listTree(repo.dir), [
      'baton.yaml',
      'envs/staging/apps/api/deployment.yaml',
      'envs/staging/apps/web/deployment.yaml',
      'envs/staging/kustomization.yaml',
      'envs/staging/only-on-release.yaml',
    ]);
    assert.equal(repo.branch, 'main');
    assert.equal(await repo.head(), await server.head('env', 'main'));
  });

  it('fetches one commit and no blob outside the sparse paths', async () => {
    const repo = await clone({ sparsePaths: ['envs/staging/apps/api'] });
    assert.equal((await gitIn(repo.dir, ['rev-list', '--count', 'HEAD'])).trim(), '1');
    const counts = await objectCounts(repo.dir);
    assert.equal(counts['commit'], 1);
    // Cone mode also checks out the files directly inside each parent directory of the cone
    // (git-sparse-checkout(1), "INTERNALS — CONE PATTERN SET"); blobs come for checked-out files only.
    const files = await listTree(repo.dir);
    assert.deepEqual(files, [
      'baton.yaml',
      'envs/staging/apps/api/deployment.yaml',
      'envs/staging/kustomization.yaml',
      'envs/staging/only-on-release.yaml',
    ]);
    const blobs = await blobSets(repo.dir);
    assert.deepEqual(blobs.present, blobs.checkedOut);
    assert.equal(counts['blob'], 4);
  });

  it('costs the same whatever the history', async () => {
    const short = await server.createRepo('short', envRepoFiles(), { commits: 1 });
    const measure = async (repoUrl: string, name: string) => {
      server.resetRequests();
      await GitRepo.clone({ url: repoUrl, token: TOKEN }, { sparsePaths: ['envs/dev'], dir: join(work.path, name) });
      const requests = server.requests.filter((r) => r.status === 200);
      return { count: requests.length, bytes: requests.reduce((sum, r) => sum + r.bytesOut, 0) };
    };
    const a = await measure(short, 'cost-short');
    const b = await measure(url, 'cost-long');
    assert.equal(b.count, a.count);
    // The long history adds one commit object's worth of difference (parent line, shallow info) at most.
    assert.ok(Math.abs(b.bytes - a.bytes) < 600, `short ${a.bytes} B, long ${b.bytes} B`);
  });

  it('checks out only the root files with no sparse paths, and everything with "."', async () => {
    const rootOnly = await clone({ sparsePaths: [] });
    assert.deepEqual(await listTree(rootOnly.dir), ['baton.yaml']);
    const all = await clone({ sparsePaths: ['.'] });
    assert.deepEqual(await listTree(all.dir), Object.keys(envRepoFiles()).concat('envs/staging/only-on-release.yaml').sort());
  });

  it('widens the checkout with setSparse and treats a file path as its directory', async () => {
    const repo = await clone({ sparsePaths: [] });
    await repo.setSparse(['envs/production/apps/web/deployment.yaml', 'envs/dev/']);
    const files = await listTree(repo.dir);
    assert.ok(files.includes('envs/production/apps/web/deployment.yaml'));
    assert.ok(files.includes('envs/dev/kustomization.yaml'));
    assert.ok(!files.includes('envs/production/apps/api/deployment.yaml'));
    assert.ok(!files.some((f) => f.startsWith('envs/staging/')));
    const blobs = await blobSets(repo.dir);
    assert.deepEqual(blobs.present, blobs.checkedOut);
  });

  it('lists tracked files under a path, leaving out what the sparse checkout excludes', async () => {
    const repo = await clone({ sparsePaths: ['envs/dev'] });
    assert.deepEqual(await repo.listFiles('envs/dev'), [
      'envs/dev/apps/api/deployment.yaml',
      'envs/dev/apps/web/deployment.yaml',
      'envs/dev/kustomization.yaml',
    ]);
    assert.deepEqual(await repo.listFiles('envs/production'), []);
    assert.deepEqual(await repo.listFiles('./envs/dev/apps/api/'), ['envs/dev/apps/api/deployment.yaml']);
  });

  it('lists what git ls-files lists as checked out: links, a submodule, odd names; not what the cone leaves out', async () => {
    const odd = await server.createRepo('odd', { 'envs/a/ü b.yaml': 'x: 1\n', 'envs/a/sub/c.yaml': 'y: 2\n', 'envs/z/d.yaml': 'z\n' });
    const seed = await tempDir();
    try {
      await gitIn(seed.path, ['clone', '-q', join(server.root, 'odd.git'), '.']);
      await gitIn(seed.path, ['config', 'core.symlinks', 'true']);
      const { symlink } = await import('node:fs/promises');
      await symlink('sub/c.yaml', join(seed.path, 'envs/a/link.yaml'));
      const head = (await gitIn(seed.path, ['rev-parse', 'HEAD'])).trim();
      await gitIn(seed.path, ['add', '-A']);
      await gitIn(seed.path, ['update-index', '--add', '--cacheinfo', `160000,${head},envs/a/vendored`]);
      await gitIn(seed.path, ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'odd']);
      await gitIn(seed.path, ['push', '-q', 'origin', 'HEAD:main']);
    } finally {
      await seed.remove();
    }
    const repo = await GitRepo.clone({ url: odd, token: TOKEN }, { sparsePaths: ['envs/a'], dir: join(work.path, 'odd') });
    const lsFiles = async (path: string) =>
      (await gitIn(repo.dir, ['-c', 'core.quotePath=false', 'ls-files', '-z', '-t', '--', ...(path ? [path] : [])]))
        .split('\0')
        .filter((entry) => entry.length > 2 && !entry.startsWith('S '))
        .map((entry) => entry.slice(2));
    for (const path of ['envs/a', 'envs', '', 'envs/z', 'envs/a/sub/c.yaml', 'missing']) {
      assert.deepEqual(await repo.listFiles(path), await lsFiles(path), `listFiles("${path}")`);
    }
    assert.deepEqual(await repo.listFiles('envs/a'), ['envs/a/link.yaml', 'envs/a/sub/c.yaml', 'envs/a/vendored', 'envs/a/ü b.yaml']);
  });

  it('takes a file given as a sparse path for its directory, on the first checkout too', async () => {
    const repo = await clone({ sparsePaths: ['envs/staging/apps/web/deployment.yaml'] });
    assert.deepEqual(await listTree(repo.dir), [
      'baton.yaml',
      'envs/staging/apps/web/deployment.yaml',
      'envs/staging/kustomization.yaml',
      'envs/staging/only-on-release.yaml',
    ]);
    const dir = await clone({ sparsePaths: ['envs/dev/kustomization.yaml'] });
    assert.ok((await listTree(dir.dir)).includes('envs/dev/apps/api/deployment.yaml'));
  });

  it('says an empty repository has no default branch (exit 2)', async () => {
    const empty = join(server.root, 'empty.git');
    await gitIn(server.root, ['init', '-q', '--bare', empty]);
    await assert.rejects(
      GitRepo.clone({ url: server.url('empty'), token: TOKEN }, { sparsePaths: [], dir: join(work.path, 'empty') }),
      (error: Error & { input?: string }) =>
        error.name === 'UserError' && error.input === 'repo' && /no default branch/.test(error.message),
    );
  });

  it('clones a named branch', async () => {
    const branches = await server.createRepo('branches', { 'baton.yaml': 'main\n' });
    await server.createBranch('branches', 'release', 'main');
    await server.commitFiles('branches', 'release', { 'baton.yaml': 'release\n' });
    const repo = await GitRepo.clone(
      { url: branches, token: TOKEN },
      { branch: 'release', sparsePaths: [], dir: join(work.path, 'named') },
    );
    assert.equal(repo.branch, 'release');
    assert.equal(await readFile(join(repo.dir, 'baton.yaml'), 'utf8'), 'release\n');
    assert.equal(await repo.head(), await server.head('branches', 'release'));
  });

  it('uses the remote default branch when it is not "main"', async () => {
    const trunk = await server.createRepo('trunk', { 'baton.yaml': 'x\n' }, { branch: 'trunk' });
    const repo = await GitRepo.clone({ url: trunk, token: TOKEN }, { sparsePaths: [], dir: join(work.path, 'trunk') });
    assert.equal(repo.branch, 'trunk');
  });

  it('removes the clone on cleanup', async () => {
    const repo = await clone({ sparsePaths: [] });
    await repo.cleanup();
    await assert.rejects(readFile(join(repo.dir, 'baton.yaml')), { code: 'ENOENT' });
  });
});

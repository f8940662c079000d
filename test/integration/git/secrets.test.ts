import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeError } from '../../../src/core/errors.ts';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import { describeRemote } from '../../../src/adapters/git/git-url.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { tempDir, treeContains } from '../../helpers/git-temp.ts';

const USER = 'ci-bot';
const TOKEN = 'glpat-SECRET-d41d8cd98f00b204';
const FORMS = [TOKEN, Buffer.from(`${USER}:${TOKEN}`).toString('base64'), encodeURIComponent(TOKEN)];

/**
 * Samples the command line of every process on the machine (`/proc/<pid>/cmdline`, what `ps` shows)
 * every few milliseconds while `run` runs.
 */
async function watchCommandLines<T>(run: () => Promise<T>): Promise<{ value: T; lines: Set<string> }> {
  const lines = new Set<string>();
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
        if (line) lines.add(line);
      } catch {
        // The process ended between readdir and read.
      }
    }
  };
  const timer = setInterval(sample, 2);
  try {
    return { value: await run(), lines };
  } finally {
    clearInterval(timer);
    sample();
  }
}

function assertClean(label: string, text: string): void {
  for (const form of FORMS) assert.ok(!text.includes(form), `${label} contains a credential: ${text}`);
}

describe('credentials', () => {
  let server: GitServer;
  let work: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('env', { 'baton.yaml': 'x\n', 'envs/staging/a.yaml': 'tag: 1\n' });
    work = await tempDir();
  });
  after(async () => {
    await server.stop();
    await work.remove();
  });

  it('never reach a command line, a log line, or a file of the clone', async () => {
    const log: string[] = [];
    const { value: repo, lines } = await watchCommandLines(async () => {
      const repo = await GitRepo.clone(
        { url: server.url('env'), token: TOKEN, username: USER },
        { sparsePaths: ['envs/staging'], dir: join(work.path, 'a'), log: (line) => log.push(line) },
      );
      await writeFile(join(repo.dir, 'envs/staging/a.yaml'), 'tag: 2\n');
      await repo.commit({ message: 'bump' });
      assert.equal(await repo.push(), 'pushed');
      await server.commitFiles('env', 'main', { 'envs/staging/b.yaml': 'new\n' });
      await repo.refresh();
      return repo;
    });
    const gitLines = [...lines].filter((l) => /\bgit\b|git-remote-http/.test(l));
    assert.ok(
      gitLines.some((l) => l.includes('git-remote-http')),
      'the sampler saw the transport helper',
    );
    for (const line of lines) assertClean('a process command line', line);
    assert.ok(log.some((l) => l.startsWith('git push')));
    for (const line of log) assertClean('a log line', line);
    assert.deepEqual(await treeContains(repo.dir, TOKEN), []);
    assert.deepEqual(await treeContains(repo.dir, FORMS[1]!), []);
    assert.match(await readFile(join(repo.dir, '.git/config'), 'utf8'), /url = http:\/\/127\.0\.0\.1:\d+\/env\.git\n/);
  });

  it('written into the URL move out of it', async () => {
    const url = server.url('env').replace('http://', `http://${USER}:${encodeURIComponent(TOKEN)}@`);
    const log: string[] = [];
    const repo = await GitRepo.clone({ url }, { sparsePaths: [], dir: join(work.path, 'b'), log: (l) => log.push(l) });
    assert.equal(await repo.head(), await server.head('env', 'main'));
    for (const line of log) assertClean('a log line', line);
    assert.deepEqual(await treeContains(repo.dir, TOKEN), []);
    const config = await readFile(join(repo.dir, '.git/config'), 'utf8');
    assert.ok(!config.includes(`${USER}:`), config);
  });

  it('never appear in an error, even one about the URL that held them', async () => {
    const url = server.url('missing').replace('http://', `http://${USER}:${TOKEN}@`);
    const error = await GitRepo.clone({ url }, { sparsePaths: [], dir: join(work.path, 'c') }).catch((e: unknown) => e);
    assert.ok(error instanceof Error);
    assertClean('the error', `${describeError(error)}\n${error.stack}`);
    assert.match(error.message, /127\.0\.0\.1:\d+\/missing\.git/);
  });

  it('are not shown by describeRemote', () => {
    assert.equal(describeRemote(`see https://${USER}:${TOKEN}@git.example/x.git now`), 'see https://git.example/x.git now');
    assert.equal(describeRemote('https://git.example/x.git'), 'https://git.example/x.git');
  });
});

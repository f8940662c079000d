/**
 * The files of a local repository at one commit, written into another directory: a temporary index
 * (`GIT_INDEX_FILE`) and work tree, so the repository's own index, HEAD and working tree stay untouched.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { GitCli } from './git-cli.ts';
import { resolveRemote } from './git-url.ts';

/** The commit id `revision` names in `repo`; a UserError naming `input` when there is none. */
async function commitOf(cli: GitCli, repo: string, revision: string, input: string): Promise<string> {
  const found = await cli.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { cwd: repo });
  if (found.code !== 0) {
    const inside = await cli.raw(['rev-parse', '--git-dir'], { cwd: repo });
    if (inside.code !== 0)
      throw new UserError(`${input}: ${repo} is not a git checkout, so "${revision}" cannot be read from it.`, { input });
    throw new UserError(
      `${input}: "${revision}" names no commit in the checkout (fetch it first: a shallow checkout has only its own commit).`,
      { input },
    );
  }
  return found.stdout.trim();
}

/** Writes the tree of `revision` in `repo` into `dest` (which holds the temporary index too); returns the commit id. */
export async function exportTree(repo: string, revision: string, dest: string, input = 'revision'): Promise<string> {
  const cli = await GitCli.create({ remote: resolveRemote({ url: repo }) });
  const commit = await commitOf(cli, repo, revision, input);
  const tree = join(dest, 'tree');
  await mkdir(tree, { recursive: true });
  const env = { GIT_INDEX_FILE: join(dest, 'index'), GIT_WORK_TREE: tree };
  await cli.run(['read-tree', commit], { cwd: repo, env });
  await cli.run(['checkout-index', '--all', '--force', `--prefix=${tree}/`], { cwd: repo, env });
  return commit;
}

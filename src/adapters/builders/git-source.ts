/** What the local checkout says about the source, for builds outside CI (and the commit time inside). */
import semver from 'semver';
import type { SourceContext } from '../../core/build/source-context.ts';
import { exec } from '../exec.ts';

async function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const out = (await exec('git', ['-C', dir, ...args], { timeoutMs: 30_000 })).stdout.trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A remote URL as a web URL without credentials: `git@github.com:acme/api.git` and
 * `https://token@github.com/acme/api.git` both become `https://github.com/acme/api`.
 */
export function webUrl(remote: string): string | undefined {
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+?)(?:\.git)?\/?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
    return `https://${url.hostname}${url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

/** The highest semver tag among `tags`, else the first. */
function pickTag(tags: readonly string[]): string | undefined {
  const versions = tags.filter((tag) => semver.valid(tag.replace(/^v(?=\d)/, '')));
  versions.sort((a, b) => semver.rcompare(a.replace(/^v(?=\d)/, ''), b.replace(/^v(?=\d)/, '')));
  return versions[0] ?? tags[0];
}

/** HEAD's commit, branch, tag, committer time and origin, as far as `dir` is a git work tree. */
export async function gitSourceContext(dir: string): Promise<SourceContext> {
  const sha = await git(dir, ['rev-parse', '--verify', '-q', 'HEAD']);
  if (!sha) return {};
  const [branch, tags, time, remote] = await Promise.all([
    git(dir, ['symbolic-ref', '--short', '-q', 'HEAD']),
    git(dir, ['tag', '--points-at', 'HEAD']),
    git(dir, ['show', '-s', '--format=%ct', 'HEAD']),
    git(dir, ['remote', 'get-url', 'origin']),
  ]);
  const gitTag = pickTag((tags ?? '').split('\n').filter(Boolean));
  const repositoryUrl = remote ? webUrl(remote) : undefined;
  return {
    sha,
    ...(branch ? { branch } : {}),
    ...(gitTag ? { gitTag } : {}),
    ...(time && /^\d+$/.test(time) ? { commitTime: Number(time) } : {}),
    ...(repositoryUrl ? { repositoryUrl } : {}),
  };
}

/**
 * The forges' compare endpoints, answered from real git repositories (the bare repos of the test git
 * server) with `git log`, in the shapes of GitHub's "Compare two commits"
 * (docs.github.com/rest/commits/commits#compare-two-commits) and GitLab's "Compare branches, tags or
 * commits" (docs.gitlab.com/api/repositories): commits oldest first, 404 for an unknown commit, 401 for
 * a wrong token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execRaw } from '../../../src/adapters/exec.ts';

/** A running compare server. */
export interface CompareServer {
  readonly url: string;
  readonly requests: string[];
  stop(): Promise<void>;
}

interface Commit {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
  readonly message: string;
}

async function commitsBetween(gitDir: string, from: string, to: string): Promise<Commit[] | undefined> {
  const format = '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e';
  const result = await execRaw('git', ['--git-dir', gitDir, 'log', '--reverse', format, `${from}..${to}`, '--']);
  if (result.code !== 0) return undefined;
  return result.stdout
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter(Boolean)
    .map((r) => {
      const [sha = '', author = '', email = '', date = '', message = ''] = r.split('\x1f');
      return { sha, author, email, date, message: message.trim() };
    });
}

/** Starts the server; `root` holds `<owner>/<name>.git` bare repositories; `token` must be presented. */
export async function startCompareServer(root: string, token: string): Promise<CompareServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const github = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)\.\.\.(.+)$/.exec(url.pathname);
    const gitlab = /^\/api\/v4\/projects\/([^/]+)\/repository\/compare$/.exec(url.pathname);
    if (github) {
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const [, owner, name, base, head] = github;
      const commits = await commitsBetween(join(root, `${owner}/${name}.git`), decodeURIComponent(base!), decodeURIComponent(head!));
      if (!commits) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits' });
      const html = `https://github.com/${owner}/${name}`;
      return send(200, {
        html_url: `${html}/compare/${base}...${head}`,
        status: commits.length ? 'ahead' : 'identical',
        ahead_by: commits.length,
        behind_by: 0,
        total_commits: commits.length,
        commits: commits.map((c) => ({ sha: c.sha, html_url: `${html}/commit/${c.sha}`, commit: { message: c.message, author: { name: c.author, email: c.email, date: c.date } } })),
        files: [],
      });
    }
    if (gitlab) {
      if (req.headers['private-token'] !== token) return send(401, { message: '401 Unauthorized' });
      const path = decodeURIComponent(gitlab[1]!);
      const commits = await commitsBetween(join(root, `${path}.git`), url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '');
      if (!commits) return send(404, { message: '404 Commit Not Found' });
      const web = `https://gitlab.example.com/${path}`;
      const list = commits.map((c) => ({ id: c.sha, short_id: c.sha.slice(0, 8), title: c.message.split('\n')[0], message: c.message, author_name: c.author, author_email: c.email, created_at: c.date, web_url: `${web}/-/commit/${c.sha}` }));
      return send(200, { commit: list.at(-1) ?? null, commits: list, diffs: [], compare_timeout: false, compare_same_ref: commits.length === 0, web_url: `${web}/-/compare/${url.searchParams.get('from')}...${url.searchParams.get('to')}` });
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

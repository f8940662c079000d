/**
 * The forges' compare endpoints, answered from real git repositories (the bare repos of the test git
 * server) with `git log`, in the shapes of GitHub's "Compare two commits"
 * (docs.github.com/rest/commits/commits#compare-two-commits) and GitLab's "Compare branches, tags or
 * commits" (docs.gitlab.com/api/repositories): commits oldest first, 404 for an unknown commit, 401 for
 * a wrong token. GitHub's answers are checked against GitHub's REST description like the GitHub test
 * API's (see github-openapi.ts): a mismatch fails the test when the server stops.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execRaw } from '../../src/adapters/exec.ts';
import { OpenApiContract } from './github-openapi.ts';

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

const FORMAT = '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e';

async function commitsBetween(gitDir: string, from: string, to: string): Promise<Commit[] | undefined> {
  return commits(gitDir, ['--reverse', `${from}..${to}`]);
}

async function commits(gitDir: string, range: string[]): Promise<Commit[] | undefined> {
  const result = await execRaw('git', ['--git-dir', gitDir, 'log', FORMAT, ...range, '--']);
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
  const contract = new OpenApiContract();
  let origin = '';
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      if (url.pathname.startsWith('/repos/'))
        contract.check({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: undefined,
          status,
          reply: body,
        });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const github = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)\.\.\.(.+)$/.exec(url.pathname);
    const gitlab = /^\/api\/v4\/projects\/([^/]+)\/repository\/compare$/.exec(url.pathname);
    if (github) {
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const [, owner, name, base, head] = github;
      const gitDir = join(root, `${owner}/${name}.git`);
      const between = await commitsBetween(gitDir, decodeURIComponent(base!), decodeURIComponent(head!));
      const baseCommit = between && (await commits(gitDir, ['-1', decodeURIComponent(base!)]))?.[0];
      if (!between || !baseCommit)
        return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits' });
      const html = `https://github.com/${owner}/${name}`;
      const api = `${origin}/repos/${owner}/${name}`;
      const commitJson = (c: Commit, parent?: string) => ({
        url: `${api}/commits/${c.sha}`,
        sha: c.sha,
        node_id: `C_${Buffer.from(c.sha).toString('base64url').slice(0, 20)}`,
        html_url: `${html}/commit/${c.sha}`,
        comments_url: `${api}/commits/${c.sha}/comments`,
        commit: {
          url: `${api}/git/commits/${c.sha}`,
          author: { name: c.author, email: c.email, date: c.date },
          committer: { name: c.author, email: c.email, date: c.date },
          message: c.message,
          comment_count: 0,
          tree: { sha: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', url: `${api}/git/trees/4b825dc642cb6eb9a060e54bf8d69288fbee4904` },
        },
        author: null,
        committer: null,
        parents: parent ? [{ sha: parent, url: `${api}/commits/${parent}` }] : [],
      });
      const compare = `${base}...${head}`;
      return send(200, {
        url: `${api}/compare/${compare}`,
        html_url: `${html}/compare/${compare}`,
        permalink_url: `${html}/compare/${owner}:${baseCommit.sha.slice(0, 7)}...${owner}:${(between.at(-1) ?? baseCommit).sha.slice(0, 7)}`,
        diff_url: `${html}/compare/${compare}.diff`,
        patch_url: `${html}/compare/${compare}.patch`,
        base_commit: commitJson(baseCommit),
        merge_base_commit: commitJson(baseCommit),
        status: between.length ? 'ahead' : 'identical',
        ahead_by: between.length,
        behind_by: 0,
        total_commits: between.length,
        commits: between.map((c, index) => commitJson(c, index === 0 ? baseCommit.sha : between[index - 1]!.sha)),
        files: [],
      });
    }
    if (gitlab) {
      if (req.headers['private-token'] !== token) return send(401, { message: '401 Unauthorized' });
      const path = decodeURIComponent(gitlab[1]!);
      const commits = await commitsBetween(join(root, `${path}.git`), url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '');
      if (!commits) return send(404, { message: '404 Commit Not Found' });
      const web = `https://gitlab.example.com/${path}`;
      const list = commits.map((c) => ({
        id: c.sha,
        short_id: c.sha.slice(0, 8),
        title: c.message.split('\n')[0],
        message: c.message,
        author_name: c.author,
        author_email: c.email,
        created_at: c.date,
        web_url: `${web}/-/commit/${c.sha}`,
      }));
      return send(200, {
        commit: list.at(-1) ?? null,
        commits: list,
        diffs: [],
        compare_timeout: false,
        compare_same_ref: commits.length === 0,
        web_url: `${web}/-/compare/${url.searchParams.get('from')}...${url.searchParams.get('to')}`,
      });
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    requests,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      contract.assertClean();
    },
  };
}

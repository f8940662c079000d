/**
 * A real smart-HTTP git server for tests: Node's `http` on 127.0.0.1 in front of `git http-backend`
 * run as CGI, one process per request, with Basic auth. Pushes, fetches, partial clones and protocol v2
 * behave as they do against a forge, so authentication failures and push races are real.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec } from '../../src/adapters/exec.ts';

/** One request the server answered, for assertions on what a client cost. */
export interface GitRequestRecord {
  readonly method: string;
  /** Repository name as given to `createRepo` (without `.git`). */
  readonly repo: string;
  readonly service: GitService;
  readonly status: number;
  /** Bytes of the response body sent to the client. */
  readonly bytesOut: number;
  /** Bytes of the request body received (as sent, so compressed when the client gzipped it). */
  readonly bytesIn: number;
  readonly user: string | undefined;
  /** Whether the request carried an `Authorization` header (right or wrong). */
  readonly authorization: boolean;
  /** Milliseconds from the request's arrival to the end of the response. */
  readonly ms: number;
}

/** Which part of the smart-HTTP protocol a request was. */
export type GitService = 'info-refs' | 'upload-pack' | 'receive-pack' | 'other';

/** A fault to answer instead of running git: the next `count` matching requests get `status`. */
export interface GitFault {
  readonly status: number;
  readonly count: number;
  /** Only requests for this service; any service when omitted. */
  readonly service?: GitService;
  /** Let this many matching requests through first. */
  readonly after?: number;
}

/** Options for {@link createRepo}. */
export interface CreateRepoOptions {
  /** The branch the files land on; also the repository's default branch (HEAD). Default `main`. */
  readonly branch?: string;
  /**
   * How many commits of history to make (default 1). Earlier commits hold the same paths with other
   * content, so a client that fetches history or old blobs is noticed.
   */
  readonly commits?: number;
}

/** A commit as `log` reports it. */
export interface GitLogEntry {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly subject: string;
  /** The whole message, trailers included. */
  readonly message: string;
  readonly author: string;
  readonly committer: string;
}

/** A running server; see {@link startGitServer}. */
export interface GitServer {
  /** Directory holding the bare repositories (`<name>.git`). */
  readonly root: string;
  /** Every request answered so far, in order of completion. */
  readonly requests: readonly GitRequestRecord[];
  /** `http://127.0.0.1:<port>/<name>.git`, without credentials. */
  url(repo: string): string;
  /** Makes a bare repository `<name>.git` and pushes `files` to it; resolves with its URL. */
  createRepo(name: string, files: Record<string, string>, options?: CreateRepoOptions): Promise<string>;
  /** Commits `files` (content, or `null` to delete) on top of `branch` as another client would. */
  commitFiles(repo: string, branch: string, files: Record<string, string | Uint8Array | null>, message?: string): Promise<string>;
  /** Creates branch `name` at the tip of `from`. */
  createBranch(repo: string, name: string, from: string): Promise<void>;
  /** A file's content at the tip of `branch`, or undefined when the file or branch does not exist. */
  readFile(repo: string, branch: string, path: string): Promise<string | undefined>;
  /** The tip of `branch`, or undefined when it does not exist. */
  head(repo: string, branch: string): Promise<string | undefined>;
  /** The history of `branch`, newest first. */
  log(repo: string, branch: string): Promise<GitLogEntry[]>;
  /** How many requests of `service` (for `repo`, when given) were answered. */
  requestCount(service: GitService, repo?: string): number;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Answers the next matching requests with an error status instead of serving them. */
  injectFault(fault: GitFault): void;
  /** Drops the faults not yet used. */
  clearFaults(): void;
  /** Answers every request under `/<from>` with a 301 to `location` + the rest of the path and query. */
  redirect(from: string, location: string): void;
  /**
   * Holds the next request of `filter.user` (and `filter.service`, when given) before git sees it, until
   * released: a test can then land other pushes first, or kill the client mid-push (a held request whose
   * client is gone is dropped, never served). Events, not time: `reached` resolves when it arrives.
   */
  hold(filter: { readonly user: string; readonly service?: GitService }): HeldRequest;
  stop(): Promise<void>;
}

/** A request {@link GitServer.hold} is holding. */
export interface HeldRequest {
  /** Resolves when the request arrived and is being held. */
  readonly reached: Promise<void>;
  /** Resolves when the held request's client has gone (its connection closed): the server saw it. */
  readonly gone: Promise<void>;
  /** Lets the request through to git (or drops it, when its client has gone meanwhile). */
  release(): void;
}

/** Options for {@link startGitServer}. */
export interface GitServerOptions {
  /** Accepted Basic credentials, user → token. When omitted, every request is served without auth. */
  readonly users?: Record<string, string>;
  /**
   * Users who may push; others get 403 on receive-pack, as a forge answers a read-only token.
   * Everyone in `users` when omitted.
   */
  readonly writers?: readonly string[];
  /**
   * Repositories anyone may read without credentials, as a public project on a forge (clones and
   * `ls-remote` of a component project, say); pushing to them still needs a user.
   */
  readonly publicRepos?: readonly string[];
}

/**
 * Server-side settings every repository gets, passed to each CGI process through the environment.
 * They match what GitHub and GitLab allow: pushes over HTTP and partial clone filters. (The lazy blob
 * fetches of a blobless clone need nothing more: protocol v2 serves any object id asked for.)
 */
const SERVER_CONFIG: Record<string, string> = {
  'http.receivepack': 'true',
  'uploadpack.allowFilter': 'true',
  'receive.advertisePushOptions': 'true',
};

/** Starts a server on 127.0.0.1 with a random port and an empty temporary root. */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'baton-git-server-'));
  const backend = await resolveBackend();
  const state: ServerState = {
    root,
    backend,
    users: options.users,
    writers: options.writers,
    publicRepos: options.publicRepos ?? [],
    requests: [],
    faults: [],
    redirects: new Map(),
    holds: [],
  };
  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return makeApi(state, server, `http://127.0.0.1:${port}`);
}

interface ServerState {
  readonly root: string;
  readonly backend: string;
  readonly users: Record<string, string> | undefined;
  readonly writers: readonly string[] | undefined;
  readonly publicRepos: readonly string[];
  readonly requests: GitRequestRecord[];
  readonly faults: { status: number; count: number; service?: GitService; after?: number }[];
  readonly redirects: Map<string, string>;
  readonly holds: { user: string; service?: GitService; arrived: () => void; released: Promise<void>; left: () => void }[];
}

/** `git http-backend` lives in git's exec path (`/usr/lib/git-core` on Debian), not on PATH. */
async function resolveBackend(): Promise<string> {
  const { stdout } = await exec('git', ['--exec-path']);
  return join(stdout.trim(), 'git-http-backend');
}

function makeApi(state: ServerState, server: Server, base: string): GitServer {
  const gitDir = (repo: string) => join(state.root, `${repo}.git`);
  return {
    root: state.root,
    requests: state.requests,
    url: (repo) => `${base}/${repo}.git`,
    createRepo: async (name, files, options = {}) => {
      await seedRepo(gitDir(name), files, options);
      return `${base}/${name}.git`;
    },
    commitFiles: (repo, branch, files, message) => commitFiles(gitDir(repo), branch, files, message),
    createBranch: async (repo, name, from) => {
      await git(['--git-dir', gitDir(repo), 'branch', name, `refs/heads/${from}`]);
    },
    readFile: (repo, branch, path) => readFile(gitDir(repo), branch, path),
    head: (repo, branch) => revParse(gitDir(repo), `refs/heads/${branch}`),
    log: (repo, branch) => readLog(gitDir(repo), branch),
    requestCount: (service, repo) => state.requests.filter((r) => r.service === service && (repo === undefined || r.repo === repo)).length,
    resetRequests: () => {
      state.requests.length = 0;
    },
    injectFault: (fault) => {
      state.faults.push({ ...fault });
    },
    clearFaults: () => {
      state.faults.length = 0;
    },
    redirect: (from, location) => {
      state.redirects.set(`/${from.replace(/^\/+/, '')}`, location);
    },
    hold: (filter) => {
      let arrived = () => {};
      let release = () => {};
      let left = () => {};
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const gone = new Promise<void>((resolve) => (left = resolve));
      state.holds.push({ ...filter, arrived, released, left });
      return { reached, release, gone };
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(state.root, { recursive: true, force: true });
    },
  };
}

/** Parses `/<repo>.git/<rest>` and which service a request is for. */
function classify(url: URL): { repo: string; service: GitService } {
  const match = /^\/(.+?)\.git(\/.*)?$/.exec(url.pathname);
  const repo = match?.[1] ?? '';
  const rest = match?.[2] ?? '';
  if (rest === '/info/refs') return { repo, service: 'info-refs' };
  if (rest === '/git-upload-pack') return { repo, service: 'upload-pack' };
  if (rest === '/git-receive-pack') return { repo, service: 'receive-pack' };
  return { repo, service: 'other' };
}

/** The user a request authenticated as; null when it must be refused. */
function authenticate(users: Record<string, string> | undefined, header: string | undefined): string | null | undefined {
  if (!users) return undefined;
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && Object.hasOwn(users, user) && users[user] === decoded.slice(colon + 1) ? user : null;
}

function takeFault(state: ServerState, service: GitService): number | undefined {
  const fault = state.faults.find((f) => f.count > 0 && (f.service === undefined || f.service === service));
  if (!fault) return undefined;
  if (fault.after) {
    fault.after--;
    return undefined;
  }
  fault.count--;
  return fault.status;
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { repo, service } = classify(url);
  const authorization = req.headers.authorization !== undefined;
  const started = performance.now();
  const record = (status: number, bytesOut = 0, bytesIn = 0, user?: string) => {
    const ms = performance.now() - started;
    state.requests.push({ method: req.method ?? 'GET', repo, service, status, bytesOut, bytesIn, user, authorization, ms });
  };
  const early = refusal(state, req, url, service);
  if (early) {
    req.resume();
    res.writeHead(early.status, early.headers);
    res.end(early.body);
    record(early.status);
    return;
  }
  const user = authenticate(state.users, req.headers.authorization) ?? undefined;
  const held = state.holds.findIndex((h) => h.user === user && (h.service === undefined || h.service === service));
  if (held >= 0) {
    const [hold] = state.holds.splice(held, 1);
    let gone = false;
    req.socket.once('close', () => {
      gone = true;
      hold!.left();
    });
    hold!.arrived();
    await hold!.released;
    if (gone || req.socket.destroyed) {
      record(499);
      return;
    }
  }
  const { status, bytesOut, bytesIn } = await runBackend(state, req, res, url, user);
  record(status, bytesOut, bytesIn, user);
}

interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A response that does not need git: a redirect, missing or wrong credentials, no write access, a fault. */
function refusal(state: ServerState, req: IncomingMessage, url: URL, service: GitService): Refusal | undefined {
  const text = { 'Content-Type': 'text/plain' };
  for (const [from, location] of state.redirects) {
    if (url.pathname === from || url.pathname.startsWith(`${from}/`)) {
      const rest = url.pathname.slice(from.length) + url.search;
      return { status: 301, headers: { Location: location + rest }, body: '' };
    }
  }
  const user = authenticate(state.users, req.headers.authorization);
  const pushing = service === 'receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
  const anonymousRead = !pushing && req.headers.authorization === undefined && state.publicRepos.includes(classify(url).repo);
  // Git only sends credentials after a 401 with a Basic challenge (RFC 7617), as forges answer.
  if (user === null && !anonymousRead) {
    return { status: 401, headers: { ...text, 'WWW-Authenticate': 'Basic realm="git"' }, body: 'Authentication required\n' };
  }
  if (pushing && user != null && state.writers && !state.writers.includes(user)) {
    return { status: 403, headers: text, body: `Permission to ${url.pathname} denied to ${user}.\n` };
  }
  const fault = takeFault(state, service);
  if (fault !== undefined) return { status: fault, headers: text, body: `injected fault ${fault}\n` };
  return undefined;
}

/** The CGI/1.1 meta-variables (RFC 3875 §4.1) git-http-backend reads. */
function cgiEnv(state: ServerState, req: IncomingMessage, url: URL, user: string | undefined): NodeJS.ProcessEnv {
  const config = Object.entries(SERVER_CONFIG);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: state.root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: state.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  if (user !== undefined) env['REMOTE_USER'] = user;
  if (req.headers['content-type']) env['CONTENT_TYPE'] = req.headers['content-type'];
  // Without CONTENT_LENGTH (a chunked request) http-backend reads the body to EOF.
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  // http-backend inflates gzipped bodies itself when told so (http-backend.c, inflate_request).
  if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = req.headers['content-encoding'];
  // Protocol v2 is negotiated through this header; Apache's documented setup forwards it the same way.
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env['GIT_PROTOCOL'] = protocol;
  return env;
}

interface BackendResult {
  status: number;
  bytesOut: number;
  bytesIn: number;
}

function runBackend(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: string | undefined,
): Promise<BackendResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(state.backend, [], { env: cgiEnv(state, req, url, user), stdio: ['pipe', 'pipe', 'pipe'] });
    const result: BackendResult = { status: 200, bytesOut: 0, bytesIn: 0 };
    const stderr: Buffer[] = [];
    let head: Buffer = Buffer.alloc(0);
    let headersDone = false;
    req.on('data', (chunk: Buffer) => {
      result.bytesIn += chunk.length;
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        result.bytesOut += chunk.length;
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const split = findHeaderEnd(head);
      if (!split) return;
      headersDone = true;
      result.status = writeCgiHeaders(res, head.subarray(0, split.index).toString('latin1'));
      const body = head.subarray(split.index + split.length);
      result.bytesOut += body.length;
      if (body.length) res.write(body);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!headersDone) {
        result.status = 500;
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.write(`git http-backend exited with ${code}: ${Buffer.concat(stderr).toString('utf8')}`);
      }
      res.end();
      resolve(result);
    });
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

/** Sends a CGI response's header block (RFC 3875 §6.3); `Status:` becomes the status line. */
function writeCgiHeaders(res: ServerResponse, block: string): number {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  res.writeHead(status, headers);
  return status;
}

// --- repository helpers -------------------------------------------------------------------------

/** A clean environment for the helper's own git calls: no user config (files or GIT_CONFIG_*), fixed identity. */
const HELPER_ENV: Record<string, string | undefined> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_COUNT: '0',
  GIT_AUTHOR_NAME: 'Test Seeder',
  GIT_AUTHOR_EMAIL: 'seeder@example.test',
  GIT_COMMITTER_NAME: 'Test Seeder',
  GIT_COMMITTER_EMAIL: 'seeder@example.test',
  GIT_TERMINAL_PROMPT: '0',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  LC_ALL: 'C',
};

function git(args: readonly string[], cwd?: string, input?: string) {
  return exec('git', args, { cwd, env: HELPER_ENV, input });
}

async function writeFiles(dir: string, files: Record<string, string | Uint8Array | null>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

async function seedRepo(gitDir: string, files: Record<string, string>, options: CreateRepoOptions): Promise<void> {
  const branch = options.branch ?? 'main';
  const commits = Math.max(1, options.commits ?? 1);
  await mkdir(dirname(gitDir), { recursive: true });
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, gitDir]);
  const work = await mkdtemp(join(tmpdir(), 'baton-git-seed-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${branch}`, work]);
    for (let i = 1; i <= commits; i++) {
      const content = i === commits ? files : Object.fromEntries(Object.entries(files).map(([p, c]) => [p, `${c}# history ${i}\n`]));
      await writeFiles(work, content);
      await git(['add', '-A'], work);
      await git(['commit', '--quiet', '--allow-empty', '-m', i === commits ? 'Seed' : `History ${i}`], work);
    }
    await git(['push', '--quiet', gitDir, `HEAD:refs/heads/${branch}`], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function commitFiles(
  gitDir: string,
  branch: string,
  files: Record<string, string | Uint8Array | null>,
  message = 'Another change',
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'baton-git-commit-'));
  try {
    await git(['clone', '--quiet', '--branch', branch, '--single-branch', gitDir, work]);
    await writeFiles(work, files);
    await git(['add', '-A'], work);
    await git(['commit', '--quiet', '--allow-empty', '-F', '-'], work, message);
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], work);
    return (await git(['rev-parse', 'HEAD'], work)).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function revParse(gitDir: string, ref: string): Promise<string | undefined> {
  const result = await exec('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', ref], {
    env: HELPER_ENV,
  }).catch(() => undefined);
  return result?.stdout.trim() || undefined;
}

async function readFile(gitDir: string, branch: string, path: string): Promise<string | undefined> {
  const result = await exec('git', ['--git-dir', gitDir, 'cat-file', 'blob', `refs/heads/${branch}:${path}`], {
    env: HELPER_ENV,
  }).catch(() => undefined);
  return result?.stdout;
}

async function readLog(gitDir: string, branch: string): Promise<GitLogEntry[]> {
  if (!(await revParse(gitDir, `refs/heads/${branch}`))) return [];
  const format = '%H%x1f%P%x1f%an <%ae>%x1f%cn <%ce>%x1f%B%x1e';
  const { stdout } = await git(['--git-dir', gitDir, 'log', `--format=${format}`, `refs/heads/${branch}`]);
  return stdout
    .split('\x1e')
    .map((entry) => entry.replace(/^\n/, ''))
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [oid = '', parents = '', author = '', committer = '', message = ''] = entry.split('\x1f');
      return {
        oid,
        parents: parents ? parents.split(' ') : [],
        author,
        committer,
        message,
        subject: message.split('\n')[0] ?? '',
      };
    });
}

/**
 * A GitHub REST + GraphQL test server, modelled on the published API description
 * (docs.github.com/rest, github/rest-api-description) for the endpoints Baton's forge uses:
 * repositories, pull requests (list with filters and `Link` pagination, create, get, update), issue
 * labels, commit statuses (create, list for a ref), issues and issue comments (github-issues.ts) and the
 * GraphQL `enablePullRequestAutoMerge` mutation.
 *
 * Semantics kept from GitHub: repos are private (no token → 404, bad token → 401 "Bad credentials"),
 * a read-only token gets 403 "Resource not accessible by integration" with
 * `x-accepted-github-permissions`, one open pull request per head/base pair (422 "A pull request already
 * exists for owner:branch."), head and base branches must exist (422 invalid), 30 items per page by
 * default (100 at most), auto-merge needs the repository setting and a base branch with pending
 * required checks ("… is in clean status" otherwise). Commit statuses need `statuses: write`, a commit
 * the repository has (422 "No commit found for SHA: …"), a state of error/failure/pending/success and a
 * description of at most 140 characters (422 Validation Failed otherwise); `context` defaults to
 * "default"; at most 1000 statuses per commit and context.
 *
 * Deployments (create, list with `sha`/`ref`/`task`/`environment` filters newest first, get) and
 * deployment statuses (create, list newest first) need `deployments: write` to write. Creating one
 * resolves `ref` (a branch or a full commit id the repository has; 422 "No ref found for: …" otherwise),
 * defaults `environment` to `production`, `task` to `deploy`, `production_environment` to whether the
 * environment is `production`; with `auto_merge` (on by default) a branch that is behind the default
 * branch is merged instead (202 "Auto-merged main into … on deployment."); `required_contexts` (all the
 * commit's contexts when omitted) must all be `success` (409 "Conflict: Commit status checks failed for
 * …" otherwise). A status needs a known deployment (404), a state of error/failure/inactive/in_progress/
 * queued/pending/success and a description of at most 140 characters (422); `log_url` also sets
 * `target_url`; `environment` defaults to the previous status's, then the deployment's; a `success` with
 * `auto_inactive` (on by default) adds `inactive` to the environment's earlier non-transient,
 * non-production deployments whose newest status is `success`.
 */
import { createHash } from 'node:crypto';
import {
  type Fault,
  type RecordedRequest,
  type Reply,
  type RequestHook,
  linkHeader,
  pageOf,
  startJsonServer,
  timestamp,
} from './forge-http.ts';
import {
  type GraphqlError,
  type GraphqlField,
  type GraphqlSchema,
  GraphqlSyntaxError,
  argumentValue,
  parseGraphql,
  project,
  validateSelections,
} from './forge-graphql.ts';
import { commentIssue, createIssue, type IssueRepo, type IssueState, listIssues, updateIssue } from './github-issues.ts';
import { type Account, repositoryJson, userJson } from './github-json.ts';
import { OpenApiContract } from './github-openapi.ts';

/** What a token may do: `write` (contents + pull requests) or `read` (read-only). */
export type GitHubTokenAccess = 'write' | 'read';

/** A repository and its settings. */
export interface GitHubRepoSpec {
  /** `owner/name` */
  readonly name: string;
  /** Existing branches; default `['main']`. */
  readonly branches?: readonly string[];
  /** Settings → General → "Allow auto-merge"; off by default, as on GitHub. */
  readonly allowAutoMerge?: boolean;
  /** The default branch is protected with required status checks (so auto-merge has something to wait for). */
  readonly requiredChecks?: boolean;
  /** Settings → Actions → "Allow GitHub Actions to create and approve pull requests"; default true. */
  readonly actionsMayCreatePulls?: boolean;
  /** Commits the repository holds (full ids), for commit statuses; see also {@link GitHubApi.addCommit}. */
  readonly commits?: readonly string[];
  /** Branches behind the default branch, which a deployment with `auto_merge` merges instead (202). */
  readonly behindDefault?: readonly string[];
}

/** Options of {@link startGitHubApi}. */
export interface GitHubApiOptions {
  readonly tokens: Readonly<Record<string, GitHubTokenAccess>>;
  readonly repos: readonly (string | GitHubRepoSpec)[];
  /**
   * Check only the answers against GitHub's REST description, not the requests: for tests of the server
   * itself that send wrong requests on purpose. Off by default: every request is checked.
   */
  readonly checkAnswersOnly?: boolean;
}

/** A pull request as the REST API returns it (the fields tests read; the JSON holds more). */
export interface GitHubPull {
  readonly number: number;
  readonly node_id: string;
  readonly html_url: string;
  readonly state: 'open' | 'closed';
  readonly title: string;
  readonly body: string | null;
  readonly labels: readonly { readonly name: string }[];
  readonly head: { readonly ref: string; readonly label: string };
  readonly base: { readonly ref: string };
  readonly user: Readonly<Record<string, unknown>>;
  readonly auto_merge: null | { readonly merge_method: string; readonly enabled_by: { readonly login: string } };
  readonly [field: string]: unknown;
}

/** A commit status as the REST API returns it (the fields tests read; the JSON holds more). */
export interface GitHubStatus {
  readonly id: number;
  readonly state: 'error' | 'failure' | 'pending' | 'success';
  readonly context: string;
  readonly description: string | null;
  readonly target_url: string | null;
  readonly [field: string]: unknown;
}

/** A deployment as the REST API returns it (the fields tests read; the JSON holds more). */
export interface GitHubDeployment {
  readonly id: number;
  readonly node_id: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly environment: string;
  readonly description: string | null;
  readonly transient_environment: boolean;
  readonly production_environment: boolean;
  readonly statuses_url: string;
  readonly creator: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** The states GitHub takes for a deployment status. */
export type GitHubDeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

/** A deployment status as the REST API returns it (the fields tests read; the JSON holds more). */
export interface GitHubDeploymentStatus {
  readonly id: number;
  readonly state: GitHubDeploymentState;
  readonly description: string;
  readonly environment: string;
  readonly target_url: string;
  readonly log_url: string;
  readonly environment_url: string;
  readonly deployment_url: string;
  readonly [field: string]: unknown;
}

/** A running GitHub API test server. */
export interface GitHubApi {
  /** REST base URL (pass as `apiUrl` / `GITHUB_API_URL`); GraphQL is at `<url>/graphql`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The repository's pull requests (all states), oldest first, as the API would return them. */
  pulls(repo: string): GitHubPull[];
  /** Creates a branch, as a push would. */
  pushBranch(repo: string, branch: string): void;
  /** Makes a commit known to the repository, as a push would. */
  addCommit(repo: string, sha: string): void;
  /** The commit's statuses, newest first, as `GET …/commits/{sha}/statuses` returns them. */
  statuses(repo: string, sha: string): GitHubStatus[];
  /** The repository's deployments, newest first, as `GET …/deployments` returns them. */
  deployments(repo: string): GitHubDeployment[];
  /** A deployment's statuses, newest first, as `GET …/deployments/{id}/statuses` returns them. */
  deploymentStatuses(repo: string, deploymentId: number): GitHubDeploymentStatus[];
  /** Removes a deployment, as `DELETE …/deployments/{id}` or another user would. */
  deleteDeployment(repo: string, deploymentId: number): void;
  /** The repository's issues (not pull requests), oldest first: number, state, title, body, labels, comments. */
  issues(repo: string): { number: number; state: string; title: string; body: string | null; labels: string[]; comments: string[] }[];
  /** Opens a pull request as another user would (seeding; no request recorded). */
  openPull(repo: string, pull: { head: string; base?: string; title: string; body?: string }): GitHubPull;
  /** Queues a fault answered instead of the API (e.g. one 502). */
  fail(fault: Fault): void;
  /** Runs a hook before each request is answered. */
  onRequest(hook: RequestHook): void;
  /** What did not match GitHub's REST description so far (requests and answers; faults are not checked). */
  readonly openApiMismatches: readonly string[];
  /** Stops the server; throws when any exchange did not match GitHub's REST description. */
  stop(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const DOC = {
  repo: `${DOCS}/repos/repos#get-a-repository`,
  listPulls: `${DOCS}/pulls/pulls#list-pull-requests`,
  createPull: `${DOCS}/pulls/pulls#create-a-pull-request`,
  getPull: `${DOCS}/pulls/pulls#get-a-pull-request`,
  updatePull: `${DOCS}/pulls/pulls#update-a-pull-request`,
  listLabels: `${DOCS}/issues/labels#list-labels-for-an-issue`,
  addLabels: `${DOCS}/issues/labels#add-labels-to-an-issue`,
  createStatus: `${DOCS}/commits/statuses#create-a-commit-status`,
  listStatuses: `${DOCS}/commits/statuses#list-commit-statuses-for-a-reference`,
  listDeployments: `${DOCS}/deployments/deployments#list-deployments`,
  createDeployment: `${DOCS}/deployments/deployments#create-a-deployment`,
  getDeployment: `${DOCS}/deployments/deployments#get-a-deployment`,
  listDeploymentStatuses: `${DOCS}/deployments/statuses#list-deployment-statuses`,
  createDeploymentStatus: `${DOCS}/deployments/statuses#create-a-deployment-status`,
};

const STATUS_STATES = ['error', 'failure', 'pending', 'success'];
const DEPLOYMENT_STATES: readonly string[] = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

const BOT: Account = {
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  type: 'Bot',
  site_admin: false,
};

const OTHER_USER: Account = { login: 'octocat', id: 583231, node_id: 'MDQ6VXNlcjU4MzIzMQ==', type: 'User', site_admin: false };

interface Label {
  readonly id: number;
  readonly node_id: string;
  readonly name: string;
  readonly color: string;
}

interface PullState {
  readonly id: number;
  readonly number: number;
  readonly nodeId: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  readonly head: string;
  base: string;
  labels: Label[];
  readonly user: Account;
  autoMerge: null | { merge_method: string; enabled_by: typeof BOT; commit_title: string; commit_message: string; enabledAt: string };
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

interface StatusState {
  readonly id: number;
  readonly sha: string;
  readonly state: GitHubStatus['state'];
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly createdAt: string;
}

interface DeploymentState {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: unknown;
  readonly environment: string;
  readonly description: string;
  readonly transient: boolean;
  readonly production: boolean;
  readonly createdAt: string;
  updatedAt: string;
  /** Oldest first. */
  readonly statuses: DeploymentStatusState[];
}

interface DeploymentStatusState {
  readonly id: number;
  readonly state: GitHubDeploymentState;
  readonly description: string;
  readonly environment: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly createdAt: string;
}

interface RepoState {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly spec: GitHubRepoSpec;
  readonly branches: Set<string>;
  readonly labels: Map<string, Label>;
  readonly pulls: PullState[];
  readonly commits: Set<string>;
  readonly statuses: StatusState[];
  /** Oldest first. */
  readonly deployments: DeploymentState[];
  readonly behind: Set<string>;
  /** Issues (not pull requests), oldest first. */
  readonly issues: IssueState[];
  nextNumber: number;
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const model = new GitHubModel(options);
  const contract = new OpenApiContract(options.checkAnswersOnly);
  const handle = async (request: RecordedRequest, url: URL): Promise<Reply> => {
    const reply = await model.handle(request, url);
    // GraphQL is outside the REST description: its documents are held to GitHub's GraphQL schema instead.
    if (request.path !== '/graphql') contract.check({ ...request, status: reply.status, reply: reply.body });
    else {
      const body = (request.body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
      if (typeof body.query === 'string') contract.checkGraphql(body.query, body.variables ?? {});
    }
    return reply;
  };
  const server = await startJsonServer(handle, {
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-resource': 'core',
  });
  model.base = server.origin;
  return {
    url: server.origin,
    requests: server.requests,
    pulls: (repo) => model.repo(repo).pulls.map((pull) => model.pullJson(model.repo(repo), pull, true)),
    pushBranch: (repo, branch) => void model.repo(repo).branches.add(branch),
    addCommit: (repo, sha) => void model.repo(repo).commits.add(sha.toLowerCase()),
    statuses: (repo, sha) => model.statusesOf(model.repo(repo), sha).map((status) => model.statusJson(model.repo(repo), status)),
    deployments: (repo) =>
      [...model.repo(repo).deployments].reverse().map((deployment) => model.deploymentJson(model.repo(repo), deployment)),
    deploymentStatuses: (repo, id) => {
      const state = model.repo(repo);
      const deployment = state.deployments.find((candidate) => candidate.id === id);
      if (!deployment) throw new Error(`test server has no deployment ${id} in ${repo}`);
      return [...deployment.statuses].reverse().map((status) => model.deploymentStatusJson(state, deployment, status));
    },
    deleteDeployment: (repo, id) => {
      const { deployments } = model.repo(repo);
      const at = deployments.findIndex((candidate) => candidate.id === id);
      if (at >= 0) deployments.splice(at, 1);
    },
    openPull: (repo, pull) => model.seedPull(repo, pull),
    issues: (repo) =>
      model.repo(repo).issues.map((i) => ({
        number: i.number,
        state: i.state,
        title: i.title,
        body: i.body,
        labels: i.labels.map((l) => l.name),
        comments: i.comments.map((c) => c.body),
      })),
    fail: server.fail,
    onRequest: server.onRequest,
    openApiMismatches: contract.mismatches,
    stop: async () => {
      await server.stop();
      contract.assertClean();
    },
  };
}

type Caller = { kind: 'anonymous' } | { kind: 'invalid' } | { kind: 'token'; access: GitHubTokenAccess };

class GitHubModel {
  base = '';
  readonly #tokens: Readonly<Record<string, GitHubTokenAccess>>;
  readonly #repos = new Map<string, RepoState>();
  #ids = 1000;

  constructor(options: GitHubApiOptions) {
    this.#tokens = options.tokens;
    for (const entry of options.repos) {
      const spec = typeof entry === 'string' ? { name: entry } : entry;
      const [owner = '', name = ''] = spec.name.split('/');
      this.#repos.set(spec.name.toLowerCase(), {
        id: this.#ids++,
        owner,
        name,
        spec,
        branches: new Set(spec.branches ?? ['main']),
        labels: new Map(),
        pulls: [],
        commits: new Set((spec.commits ?? []).map((sha) => sha.toLowerCase())),
        statuses: [],
        deployments: [],
        behind: new Set(spec.behindDefault ?? []),
        issues: [],
        nextNumber: 1,
      });
    }
  }

  repo(fullName: string): RepoState {
    const repo = this.#repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`test server has no repo ${fullName}`);
    return repo;
  }

  seedPull(fullName: string, input: { head: string; base?: string; title: string; body?: string }): GitHubPull {
    const repo = this.repo(fullName);
    repo.branches.add(input.head);
    const pull = this.#newPull(repo, { ...input, base: input.base ?? 'main', body: input.body ?? null }, OTHER_USER);
    return this.pullJson(repo, pull, true);
  }

  async handle(request: RecordedRequest, url: URL): Promise<Reply> {
    const caller = this.#caller(request);
    if (request.path === '/graphql' && request.method === 'POST') return this.#graphql(request, caller);
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(request.path);
    if (!match) return notFound(DOCS);
    const repo = this.#repos.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`.toLowerCase());
    return this.#route(request, url, caller, repo, match[3] ?? '');
  }

  #route(request: RecordedRequest, url: URL, caller: Caller, repo: RepoState | undefined, rest: string): Reply {
    const m = request.method;
    const pull = /^\/pulls\/(\d+)$/.exec(rest);
    const labels = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (m === 'GET' && rest === '') return this.#guard(caller, repo, 'read', DOC.repo, '', (r) => ok(this.#repoJson(r, caller)));
    if (m === 'GET' && rest === '/pulls') return this.#guard(caller, repo, 'read', DOC.listPulls, '', (r) => this.#listPulls(r, url));
    if (m === 'POST' && rest === '/pulls') {
      return this.#guard(caller, repo, 'write', DOC.createPull, 'pull_requests=write', (r) => this.#createPull(r, request.body));
    }
    if (pull && m === 'GET') return this.#guard(caller, repo, 'read', DOC.getPull, '', (r) => this.#getPull(r, Number(pull[1])));
    if (pull && m === 'PATCH') {
      return this.#guard(caller, repo, 'write', DOC.updatePull, 'pull_requests=write', (r) =>
        this.#updatePull(r, Number(pull[1]), request.body),
      );
    }
    if (rest.startsWith('/statuses/') || /^\/commits\/[^/]+\/statuses$/.test(rest))
      return this.#statusRoute(request, url, caller, repo, rest);
    if (rest === '/deployments' || rest.startsWith('/deployments/')) return this.#deploymentRoute(request, url, caller, repo, rest);
    if (rest === '/issues' || /^\/issues\/\d+(\/comments)?$/.test(rest)) return this.#issueRoute(request, url, caller, repo, rest);
    if (labels && m === 'GET') return this.#guard(caller, repo, 'read', DOC.listLabels, '', (r) => this.#issueLabels(r, Number(labels[1])));
    if (labels && m === 'POST') {
      return this.#guard(caller, repo, 'write', DOC.addLabels, 'issues=write; pull_requests=write', (r) =>
        this.#addLabels(r, Number(labels[1]), request.body),
      );
    }
    return notFound(DOCS);
  }

  #issueRepo(repo: RepoState): IssueRepo {
    return {
      base: this.base,
      fullName: `${repo.owner}/${repo.name}`,
      issues: repo.issues,
      nextNumber: () => repo.nextNumber++,
      nextId: () => this.#ids++,
      label: (name) => this.#label(repo, name),
      pulls: () =>
        repo.pulls.map((p) => ({
          number: p.number,
          title: p.title,
          body: p.body,
          state: p.state,
          labels: p.labels,
          createdAt: p.createdAt,
        })),
    };
  }

  #issueRoute(request: RecordedRequest, url: URL, caller: Caller, repo: RepoState | undefined, rest: string): Reply {
    const m = request.method;
    const one = /^\/issues\/(\d+)$/.exec(rest);
    const comments = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (rest === '/issues' && m === 'GET')
      return this.#guard(caller, repo, 'read', `${DOCS}/issues/issues#list-repository-issues`, '', (r) =>
        listIssues(this.#issueRepo(r), url),
      );
    if (rest === '/issues' && m === 'POST')
      return this.#guard(caller, repo, 'write', `${DOCS}/issues/issues#create-an-issue`, 'issues=write', (r) =>
        createIssue(this.#issueRepo(r), request.body),
      );
    if (one && m === 'PATCH')
      return this.#guard(caller, repo, 'write', `${DOCS}/issues/issues#update-an-issue`, 'issues=write', (r) =>
        updateIssue(this.#issueRepo(r), Number(one[1]), request.body),
      );
    if (comments && m === 'POST') {
      return this.#guard(caller, repo, 'write', `${DOCS}/issues/comments#create-an-issue-comment`, 'issues=write', (r) =>
        commentIssue(this.#issueRepo(r), Number(comments[1]), request.body),
      );
    }
    return notFound(DOCS);
  }

  #statusRoute(request: RecordedRequest, url: URL, caller: Caller, repo: RepoState | undefined, rest: string): Reply {
    const create = /^\/statuses\/([^/]+)$/.exec(rest);
    const list = /^\/commits\/([^/]+)\/statuses$/.exec(rest);
    if (create && request.method === 'POST') {
      return this.#guard(caller, repo, 'write', DOC.createStatus, 'statuses=write', (r) =>
        this.#createStatus(r, decodeURIComponent(create[1]!), request.body),
      );
    }
    if (list && request.method === 'GET') {
      return this.#guard(caller, repo, 'read', DOC.listStatuses, '', (r) => this.#listStatuses(r, decodeURIComponent(list[1]!), url));
    }
    return notFound(DOCS);
  }

  #deploymentRoute(request: RecordedRequest, url: URL, caller: Caller, repo: RepoState | undefined, rest: string): Reply {
    const m = request.method;
    const one = /^\/deployments\/(\d+)$/.exec(rest);
    const statuses = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
    if (rest === '/deployments' && m === 'GET')
      return this.#guard(caller, repo, 'read', DOC.listDeployments, '', (r) => this.#listDeployments(r, url));
    if (rest === '/deployments' && m === 'POST') {
      return this.#guard(caller, repo, 'write', DOC.createDeployment, 'deployments=write', (r) => this.#createDeployment(r, request.body));
    }
    if (one && m === 'GET') {
      return this.#guard(caller, repo, 'read', DOC.getDeployment, '', (r) => {
        const deployment = this.#deployment(r, one[1]!);
        return deployment ? ok(this.deploymentJson(r, deployment)) : notFound(DOC.getDeployment);
      });
    }
    if (statuses && m === 'GET') {
      return this.#guard(caller, repo, 'read', DOC.listDeploymentStatuses, '', (r) => {
        const deployment = this.#deployment(r, statuses[1]!);
        if (!deployment) return notFound(DOC.listDeploymentStatuses);
        const page = pageOf([...deployment.statuses].reverse(), url, 30);
        const link = linkHeader(url, page, ['prev', 'next', 'last', 'first']);
        return {
          status: 200,
          body: page.items.map((status) => this.deploymentStatusJson(r, deployment, status)),
          headers: link ? { link } : {},
        };
      });
    }
    if (statuses && m === 'POST') {
      return this.#guard(caller, repo, 'write', DOC.createDeploymentStatus, 'deployments=write', (r) =>
        this.#createDeploymentStatus(r, statuses[1]!, request.body),
      );
    }
    return notFound(DOCS);
  }

  #deployment(repo: RepoState, id: string): DeploymentState | undefined {
    return repo.deployments.find((deployment) => deployment.id === Number(id));
  }

  #listDeployments(repo: RepoState, url: URL): Reply {
    const filters = (['sha', 'ref', 'task', 'environment'] as const).map((name) => [name, url.searchParams.get(name)] as const);
    const matches = repo.deployments.filter((deployment) =>
      filters.every(
        ([name, value]) => value === null || (name === 'sha' ? deployment.sha === value.toLowerCase() : deployment[name] === value),
      ),
    );
    const page = pageOf([...matches].reverse(), url, 30);
    const link = linkHeader(url, page, ['prev', 'next', 'last', 'first']);
    return { status: 200, body: page.items.map((deployment) => this.deploymentJson(repo, deployment)), headers: link ? { link } : {} };
  }

  #createDeployment(repo: RepoState, body: unknown): Reply {
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input.ref !== 'string' || !input.ref) {
      return invalid(DOC.createDeployment, [{ resource: 'Deployment', code: 'missing_field', field: 'ref' }]);
    }
    const ref = input.ref;
    const sha = this.#resolve(repo, ref);
    if (!sha) return error(422, `No ref found for: ${ref}`, DOC.createDeployment);
    if (input.auto_merge !== false && repo.behind.has(ref)) {
      repo.behind.delete(ref);
      return { status: 202, body: { message: `Auto-merged main into ${ref} on deployment.` } };
    }
    const failing = this.#failingContexts(repo, sha, input.required_contexts);
    if (failing) {
      return {
        status: 409,
        body: {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          errors: [{ contexts: failing, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
          documentation_url: DOC.createDeployment,
          status: '409',
        },
      };
    }
    const environment = typeof input.environment === 'string' && input.environment ? input.environment : 'production';
    const now = timestamp(new Date());
    const deployment: DeploymentState = {
      id: this.#ids++,
      sha,
      ref,
      task: typeof input.task === 'string' && input.task ? input.task : 'deploy',
      payload: input.payload ?? {},
      environment,
      description: typeof input.description === 'string' ? input.description : '',
      transient: input.transient_environment === true,
      production: typeof input.production_environment === 'boolean' ? input.production_environment : environment === 'production',
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    repo.deployments.push(deployment);
    return { status: 201, body: this.deploymentJson(repo, deployment), headers: { location: this.#deploymentUrl(repo, deployment) } };
  }

  /** A branch's head (the same made-up id pull requests show) or a full commit id the repository has. */
  #resolve(repo: RepoState, ref: string): string | undefined {
    if (repo.branches.has(ref)) return branchSha(repo, ref);
    return /^[0-9a-f]{40}$/i.test(ref) && repo.commits.has(ref.toLowerCase()) ? ref.toLowerCase() : undefined;
  }

  /** The required contexts (all of the commit's when not given) whose newest status is not `success`; undefined when none. */
  #failingContexts(repo: RepoState, sha: string, required: unknown): { context: string; state: string }[] | undefined {
    const newest = new Map<string, string>();
    for (const status of repo.statuses) if (status.sha === sha) newest.set(status.context, status.state);
    const contexts = Array.isArray(required) ? required.map(String) : [...newest.keys()];
    if (contexts.every((context) => newest.get(context) === 'success')) return undefined;
    return contexts.filter((context) => newest.has(context)).map((context) => ({ context, state: newest.get(context)! }));
  }

  #createDeploymentStatus(repo: RepoState, id: string, body: unknown): Reply {
    const deployment = this.#deployment(repo, id);
    if (!deployment) return notFound(DOC.createDeploymentStatus);
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input.state !== 'string' || !DEPLOYMENT_STATES.includes(input.state)) {
      return invalid(DOC.createDeploymentStatus, [
        { resource: 'DeploymentStatus', code: 'custom', field: 'state', message: 'state is not included in the list' },
      ]);
    }
    const description = typeof input.description === 'string' ? input.description : '';
    if (description.length > 140) {
      return invalid(DOC.createDeploymentStatus, [
        {
          resource: 'DeploymentStatus',
          code: 'custom',
          field: 'description',
          message: 'description is too long (maximum is 140 characters)',
        },
      ]);
    }
    const logUrl = stringOrNull(input.log_url) ?? stringOrNull(input.target_url) ?? '';
    const previous = deployment.statuses.at(-1)?.environment;
    const environment =
      typeof input.environment === 'string' && input.environment ? input.environment : (previous ?? deployment.environment);
    const status = this.#addDeploymentStatus(deployment, {
      state: input.state as GitHubDeploymentState,
      description,
      environment,
      logUrl,
      environmentUrl: stringOrNull(input.environment_url) ?? '',
    });
    if (status.state === 'success' && input.auto_inactive !== false) {
      for (const other of repo.deployments) {
        const newest = other.statuses.at(-1);
        if (other === deployment || other.transient || other.production || other.environment !== environment || newest?.state !== 'success')
          continue;
        this.#addDeploymentStatus(other, { state: 'inactive', description: '', environment, logUrl: '', environmentUrl: '' });
      }
    }
    const location = `${this.#deploymentUrl(repo, deployment)}/statuses/${status.id}`;
    return { status: 201, body: this.deploymentStatusJson(repo, deployment, status), headers: { location } };
  }

  #addDeploymentStatus(deployment: DeploymentState, fields: Omit<DeploymentStatusState, 'id' | 'createdAt'>): DeploymentStatusState {
    const status: DeploymentStatusState = { ...fields, id: this.#ids++, createdAt: timestamp(new Date()) };
    deployment.statuses.push(status);
    deployment.updatedAt = status.createdAt;
    return status;
  }

  #deploymentUrl(repo: RepoState, deployment: DeploymentState): string {
    return `${this.base}/repos/${repo.owner}/${repo.name}/deployments/${deployment.id}`;
  }

  deploymentJson(repo: RepoState, deployment: DeploymentState): GitHubDeployment {
    const url = this.#deploymentUrl(repo, deployment);
    return {
      url,
      id: deployment.id,
      node_id: `DE_kwDO${Buffer.from(String(deployment.id)).toString('base64url')}`,
      task: deployment.task,
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      created_at: deployment.createdAt,
      updated_at: deployment.updatedAt,
      statuses_url: `${url}/statuses`,
      repository_url: `${this.base}/repos/${repo.owner}/${repo.name}`,
      creator: userJson(this.base, BOT),
      sha: deployment.sha,
      ref: deployment.ref,
      payload: deployment.payload,
      transient_environment: deployment.transient,
      production_environment: deployment.production,
      performed_via_github_app: null,
    };
  }

  deploymentStatusJson(repo: RepoState, deployment: DeploymentState, status: DeploymentStatusState): GitHubDeploymentStatus {
    const deploymentUrl = this.#deploymentUrl(repo, deployment);
    return {
      url: `${deploymentUrl}/statuses/${status.id}`,
      id: status.id,
      node_id: `DES_kwDO${Buffer.from(String(status.id)).toString('base64url')}`,
      state: status.state,
      creator: userJson(this.base, BOT),
      description: status.description,
      environment: status.environment,
      target_url: status.logUrl,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      deployment_url: deploymentUrl,
      repository_url: `${this.base}/repos/${repo.owner}/${repo.name}`,
      environment_url: status.environmentUrl,
      log_url: status.logUrl,
      performed_via_github_app: null,
    };
  }

  #createStatus(repo: RepoState, sha: string, body: unknown): Reply {
    const input = (body ?? {}) as { state?: unknown; context?: unknown; description?: unknown; target_url?: unknown };
    if (!repo.commits.has(sha.toLowerCase())) return error(422, `No commit found for SHA: ${sha}`, DOC.createStatus);
    if (typeof input.state !== 'string' || !STATUS_STATES.includes(input.state)) {
      return invalid(DOC.createStatus, [
        { resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' },
      ]);
    }
    const description = stringOrNull(input.description);
    if (description !== null && description.length > 140) {
      return invalid(DOC.createStatus, [
        { resource: 'Status', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' },
      ]);
    }
    const context = typeof input.context === 'string' && input.context ? input.context : 'default';
    const same = repo.statuses.filter((status) => status.sha === sha.toLowerCase() && status.context === context);
    if (same.length >= 1000)
      return invalid(DOC.createStatus, [
        { resource: 'Status', code: 'custom', message: 'This SHA and context has reached the maximum number of statuses.' },
      ]);
    const status: StatusState = {
      id: this.#ids++,
      sha: sha.toLowerCase(),
      state: input.state as StatusState['state'],
      context,
      description,
      targetUrl: stringOrNull(input.target_url),
      createdAt: timestamp(new Date()),
    };
    repo.statuses.push(status);
    return {
      status: 201,
      body: this.statusJson(repo, status),
      headers: { location: `${this.base}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}` },
    };
  }

  #listStatuses(repo: RepoState, ref: string, url: URL): Reply {
    const page = pageOf(this.statusesOf(repo, ref), url, 30);
    const link = linkHeader(url, page, ['prev', 'next', 'last', 'first']);
    return { status: 200, body: page.items.map((status) => this.statusJson(repo, status)), headers: link ? { link } : {} };
  }

  /** A commit's statuses, newest first (the order GitHub lists them in). */
  statusesOf(repo: RepoState, sha: string): StatusState[] {
    return repo.statuses.filter((status) => status.sha === sha.toLowerCase()).reverse();
  }

  statusJson(repo: RepoState, status: StatusState): GitHubStatus {
    return {
      url: `${this.base}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}`,
      avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
      id: status.id,
      node_id: `SC_kwDO${Buffer.from(String(status.id)).toString('base64url')}`,
      state: status.state,
      description: status.description,
      target_url: status.targetUrl,
      context: status.context,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      creator: userJson(this.base, BOT),
    };
  }

  #caller(request: RecordedRequest): Caller {
    const header = String(request.headers.authorization ?? '');
    if (!header) return { kind: 'anonymous' };
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1] ?? basicPassword(header);
    const access = token === undefined ? undefined : this.#tokens[token];
    return access ? { kind: 'token', access } : { kind: 'invalid' };
  }

  /** Auth and permission checks in GitHub's order: bad credentials, hidden repo, missing permission. */
  #guard(
    caller: Caller,
    repo: RepoState | undefined,
    need: 'read' | 'write',
    doc: string,
    permissions: string,
    then: (repo: RepoState) => Reply,
  ): Reply {
    if (caller.kind === 'invalid') return badCredentials(DOCS);
    if (caller.kind === 'anonymous' || !repo) return notFound(doc);
    if (need === 'write' && caller.access !== 'write') {
      return {
        ...error(403, 'Resource not accessible by integration', doc),
        headers: { 'x-accepted-github-permissions': permissions },
      };
    }
    return then(repo);
  }

  #listPulls(repo: RepoState, url: URL): Reply {
    const state = url.searchParams.get('state') ?? 'open';
    const head = url.searchParams.get('head');
    const base = url.searchParams.get('base');
    const matches = repo.pulls.filter(
      (pull) =>
        (state === 'all' || pull.state === state) &&
        (base === null || pull.base === base) &&
        (head === null || headMatches(repo, pull, head)),
    );
    const sorted = sortPulls(matches, url.searchParams.get('sort') ?? 'created', url.searchParams.get('direction'));
    const page = pageOf(sorted, url, 30);
    const link = linkHeader(url, page, ['prev', 'next', 'last', 'first']);
    return {
      status: 200,
      body: page.items.map((pull) => this.pullJson(repo, pull, false)),
      headers: link ? { link } : {},
    };
  }

  #createPull(repo: RepoState, body: unknown): Reply {
    const input = (body ?? {}) as { head?: unknown; base?: unknown; title?: unknown; body?: unknown };
    if (repo.spec.actionsMayCreatePulls === false) {
      return error(403, 'GitHub Actions is not permitted to create or approve pull requests.', DOC.createPull);
    }
    const missing = (['title', 'head', 'base'] as const).filter((field) => typeof input[field] !== 'string');
    if (missing.length > 0) {
      return invalid(
        DOC.createPull,
        missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field', field })),
      );
    }
    const head = String(input.head);
    const base = String(input.base);
    const [headOwner, headRef] = head.includes(':') ? head.split(':', 2) : [repo.owner, head];
    if (headOwner!.toLowerCase() !== repo.owner.toLowerCase() || !repo.branches.has(headRef!)) {
      return invalid(DOC.createPull, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    }
    if (!repo.branches.has(base)) return invalid(DOC.createPull, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (headRef === base) {
      return invalid(DOC.createPull, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${headRef}` }]);
    }
    if (repo.pulls.some((pull) => pull.state === 'open' && pull.head === headRef && pull.base === base)) {
      const message = `A pull request already exists for ${repo.owner}:${headRef}.`;
      return invalid(DOC.createPull, [{ resource: 'PullRequest', code: 'custom', message }]);
    }
    const pull = this.#newPull(repo, { head: headRef!, base, title: String(input.title), body: stringOrNull(input.body) });
    return { status: 201, body: this.pullJson(repo, pull, true), headers: { location: this.#pullUrl(repo, pull) } };
  }

  #newPull(repo: RepoState, input: { head: string; base: string; title: string; body: string | null }, user: Account = BOT): PullState {
    const now = timestamp(new Date());
    const number = repo.nextNumber++;
    const id = this.#ids++;
    const pull: PullState = {
      id,
      number,
      nodeId: `PR_kwDO${Buffer.from(`${repo.id}:${number}`).toString('base64url')}`,
      title: input.title,
      body: input.body,
      state: 'open',
      head: input.head,
      base: input.base,
      labels: [],
      user,
      autoMerge: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    repo.pulls.push(pull);
    return pull;
  }

  #getPull(repo: RepoState, number: number): Reply {
    const pull = repo.pulls.find((candidate) => candidate.number === number);
    return pull ? ok(this.pullJson(repo, pull, true)) : notFound(DOC.getPull);
  }

  #updatePull(repo: RepoState, number: number, body: unknown): Reply {
    const pull = repo.pulls.find((candidate) => candidate.number === number);
    if (!pull) return notFound(DOC.updatePull);
    const input = (body ?? {}) as { title?: unknown; body?: unknown; state?: unknown; base?: unknown };
    if (typeof input.base === 'string' && !repo.branches.has(input.base)) {
      return invalid(DOC.updatePull, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    }
    if (input.state !== undefined && input.state !== 'open' && input.state !== 'closed') {
      return invalid(DOC.updatePull, [{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
    }
    if (typeof input.title === 'string') pull.title = input.title;
    if (input.body !== undefined) pull.body = stringOrNull(input.body);
    if (typeof input.base === 'string') pull.base = input.base;
    if (input.state === 'closed' && pull.state === 'open') pull.closedAt = timestamp(new Date());
    if (input.state === 'open' || input.state === 'closed') pull.state = input.state;
    pull.updatedAt = timestamp(new Date());
    return ok(this.pullJson(repo, pull, true));
  }

  #issueLabels(repo: RepoState, number: number): Reply {
    const pull = repo.pulls.find((candidate) => candidate.number === number);
    return pull ? ok(pull.labels.map((label) => this.#labelJson(repo, label))) : notFound(DOC.listLabels);
  }

  #addLabels(repo: RepoState, number: number, body: unknown): Reply {
    const pull = repo.pulls.find((candidate) => candidate.number === number);
    if (!pull) return notFound(DOC.addLabels);
    const raw = Array.isArray(body) ? body : (body as { labels?: unknown } | undefined)?.labels;
    if (!Array.isArray(raw)) {
      return invalid(DOC.addLabels, [{ resource: 'Label', code: 'missing_field', field: 'labels' }]);
    }
    for (const entry of raw) {
      const name = typeof entry === 'string' ? entry : String((entry as { name?: unknown })?.name ?? '');
      if (!name) continue;
      const label = this.#label(repo, name);
      if (!pull.labels.some((existing) => existing.id === label.id)) pull.labels.push(label);
    }
    pull.updatedAt = timestamp(new Date());
    return ok(pull.labels.map((label) => this.#labelJson(repo, label)));
  }

  /** The repository's label of that name (case-insensitive), created on first use as GitHub does. */
  #label(repo: RepoState, name: string): Label {
    const key = name.toLowerCase();
    let label = repo.labels.get(key);
    if (!label) {
      const id = this.#ids++;
      label = { id, node_id: `LA_kwDO${Buffer.from(String(id)).toString('base64url')}`, name, color: 'ededed' };
      repo.labels.set(key, label);
    }
    return label;
  }

  #graphql(request: RecordedRequest, caller: Caller): Reply {
    if (caller.kind === 'invalid') return badCredentials('https://docs.github.com/graphql');
    if (caller.kind === 'anonymous') {
      return error(
        401,
        'This endpoint requires you to be authenticated.',
        'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
      );
    }
    const input = (request.body ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof input.query !== 'string') return ok({ errors: [{ message: 'A query attribute must be specified and must be a string.' }] });
    const variables = (input.variables ?? {}) as Record<string, unknown>;
    try {
      const operation = parseGraphql(input.query);
      const root = operation.type === 'mutation' ? 'Mutation' : 'Query';
      const invalidSelections = validateSelections(SCHEMA, root, operation.selections);
      if (invalidSelections.length > 0) return ok({ errors: invalidSelections });
      return ok(this.#execute(operation.selections, variables, caller));
    } catch (problem) {
      if (!(problem instanceof GraphqlSyntaxError)) throw problem;
      return ok({ errors: [{ message: problem.message, locations: [{ line: problem.line, column: problem.column }] }] });
    }
  }

  #execute(fields: readonly GraphqlField[], variables: Record<string, unknown>, caller: Caller): unknown {
    const data: Record<string, unknown> = {};
    const errors: GraphqlError[] = [];
    for (const field of fields) {
      const key = field.alias ?? field.name;
      const where = { path: [key], locations: [{ line: field.line, column: field.column }] };
      if (field.name === 'viewer') {
        data[key] = project({ __typename: 'Bot', ...BOT }, field.selections ?? []);
        continue;
      }
      const input = (argumentValue(field.args.input, variables) ?? {}) as Record<string, unknown>;
      const outcome = this.#enableAutoMerge(input, caller);
      if ('problem' in outcome) {
        data[key] = null;
        errors.push({ type: outcome.problem.type, ...where, message: outcome.problem.message });
      } else {
        data[key] = project(outcome.payload, field.selections ?? []);
      }
    }
    return errors.length > 0 ? { data, errors } : { data };
  }

  #enableAutoMerge(input: Record<string, unknown>, caller: Caller): { payload: unknown } | { problem: { type: string; message: string } } {
    const id = String(input.pullRequestId ?? '');
    const found = this.#findNode(id);
    if (!found) return { problem: { type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'.` } };
    const { repo, pull } = found;
    if (caller.kind !== 'token' || caller.access !== 'write') {
      return { problem: { type: 'FORBIDDEN', message: 'Resource not accessible by integration' } };
    }
    const method = String(input.mergeMethod ?? 'MERGE');
    if (!['MERGE', 'SQUASH', 'REBASE'].includes(method)) {
      return {
        problem: {
          type: 'INVALID',
          message: `Argument 'mergeMethod' has an invalid value (${method}). Expected type 'PullRequestMergeMethod'.`,
        },
      };
    }
    const refusal = this.#autoMergeRefusal(repo, pull);
    if (refusal) return { problem: { type: 'UNPROCESSABLE', message: refusal } };
    pull.autoMerge = {
      merge_method: method.toLowerCase(),
      enabled_by: BOT,
      commit_title: String(input.commitHeadline ?? `${pull.title} (#${pull.number})`),
      commit_message: String(input.commitBody ?? ''),
      enabledAt: timestamp(new Date()),
    };
    return { payload: this.#autoMergePayload(repo, pull, input.clientMutationId) };
  }

  #autoMergeRefusal(repo: RepoState, pull: PullState): string | undefined {
    if (pull.state !== 'open') return 'Pull request Pull request is closed';
    if (!repo.spec.allowAutoMerge) return 'Pull request Auto merge is not allowed for this repository';
    if (!repo.spec.requiredChecks) return 'Pull request Pull request is in clean status';
    return undefined;
  }

  #autoMergePayload(repo: RepoState, pull: PullState, clientMutationId: unknown): unknown {
    const merge = pull.autoMerge!;
    return {
      __typename: 'EnablePullRequestAutoMergePayload',
      clientMutationId: clientMutationId ?? null,
      actor: { __typename: 'Bot', ...BOT },
      pullRequest: {
        __typename: 'PullRequest',
        id: pull.nodeId,
        number: pull.number,
        title: pull.title,
        url: this.#htmlUrl(repo, pull),
        state: pull.state.toUpperCase(),
        autoMergeRequest: {
          __typename: 'AutoMergeRequest',
          enabledAt: merge.enabledAt,
          mergeMethod: merge.merge_method.toUpperCase(),
          commitHeadline: merge.commit_title,
          commitBody: merge.commit_message,
          enabledBy: { __typename: 'Bot', ...merge.enabled_by },
        },
      },
    };
  }

  #findNode(id: string): { repo: RepoState; pull: PullState } | undefined {
    for (const repo of this.#repos.values()) {
      const pull = repo.pulls.find((candidate) => candidate.nodeId === id);
      if (pull) return { repo, pull };
    }
    return undefined;
  }

  pullJson(repo: RepoState, pull: PullState, full: boolean): GitHubPull {
    const api = `${this.base}/repos/${repo.owner}/${repo.name}`;
    const url = this.#pullUrl(repo, pull);
    const link = (href: string) => ({ href });
    const simple = {
      url,
      id: pull.id,
      node_id: pull.nodeId,
      html_url: this.#htmlUrl(repo, pull),
      diff_url: `${this.#htmlUrl(repo, pull)}.diff`,
      patch_url: `${this.#htmlUrl(repo, pull)}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${branchSha(repo, pull.head)}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: userJson(this.base, pull.user),
      body: pull.body,
      labels: pull.labels.map((label) => this.#labelJson(repo, label)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: this.#ref(repo, pull.head),
      base: this.#ref(repo, pull.base),
      author_association: 'CONTRIBUTOR',
      auto_merge: pull.autoMerge && {
        enabled_by: userJson(this.base, pull.autoMerge.enabled_by),
        merge_method: pull.autoMerge.merge_method,
        commit_title: pull.autoMerge.commit_title,
        commit_message: pull.autoMerge.commit_message,
      },
      draft: false,
      _links: {
        self: link(url),
        html: link(this.#htmlUrl(repo, pull)),
        issue: link(`${api}/issues/${pull.number}`),
        comments: link(`${api}/issues/${pull.number}/comments`),
        review_comments: link(`${url}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${url}/commits`),
        statuses: link(`${api}/statuses/${branchSha(repo, pull.head)}`),
      },
    };
    if (!full) return simple;
    return {
      ...simple,
      merged: false,
      mergeable: null,
      rebaseable: null,
      mergeable_state: 'unknown',
      merged_by: null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 1,
      changed_files: 1,
    };
  }

  #ref(repo: RepoState, ref: string): { label: string; ref: string; sha: string; user: unknown; repo: unknown } {
    const sha = branchSha(repo, ref);
    return { label: `${repo.owner}:${ref}`, ref, sha, user: this.#ownerJson(repo), repo: this.#repoJson(repo) };
  }

  #pullUrl(repo: RepoState, pull: PullState): string {
    return `${this.base}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`;
  }

  #htmlUrl(repo: RepoState, pull: PullState): string {
    return `${this.base}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  }

  #owner(repo: RepoState): Account {
    return {
      login: repo.owner,
      id: repo.id + 500_000,
      node_id: `O_kgDO${Buffer.from(String(repo.id + 500_000)).toString('base64url')}`,
      type: 'Organization',
      site_admin: false,
    };
  }

  #ownerJson(repo: RepoState): unknown {
    return userJson(this.base, this.#owner(repo));
  }

  #repoJson(repo: RepoState, caller?: Caller): unknown {
    const write = caller?.kind === 'token' && caller.access === 'write';
    const permissions = caller ? { push: write, triage: write } : undefined;
    return repositoryJson(this.base, {
      id: repo.id,
      owner: this.#owner(repo),
      name: repo.name,
      allowAutoMerge: repo.spec.allowAutoMerge ?? false,
      ...(permissions ? { permissions } : {}),
    });
  }

  #labelJson(repo: RepoState, label: Label): { name: string; [field: string]: unknown } {
    return {
      id: label.id,
      node_id: label.node_id,
      url: `${this.base}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      // The description declares label.description as a string inside a pull request's labels.
      description: '',
    };
  }
}

const SCHEMA: GraphqlSchema = {
  Query: { viewer: 'Actor' },
  Mutation: { enablePullRequestAutoMerge: 'EnablePullRequestAutoMergePayload' },
  EnablePullRequestAutoMergePayload: { clientMutationId: 'scalar', actor: 'Actor', pullRequest: 'PullRequest' },
  PullRequest: { id: 'scalar', number: 'scalar', title: 'scalar', url: 'scalar', state: 'scalar', autoMergeRequest: 'AutoMergeRequest' },
  AutoMergeRequest: { enabledAt: 'scalar', mergeMethod: 'scalar', commitHeadline: 'scalar', commitBody: 'scalar', enabledBy: 'Actor' },
  Actor: { login: 'scalar' },
};

/** The made-up head commit of a branch (the server keeps no history). */
function branchSha(repo: RepoState, branch: string): string {
  return createHash('sha1').update(`${repo.owner}/${repo.name}:${branch}`).digest('hex');
}

/** `head=owner:ref` filters by head owner and branch; a value without an owner is not a filter GitHub documents. */
function headMatches(repo: RepoState, pull: PullState, head: string): boolean {
  const colon = head.indexOf(':');
  if (colon < 0) return true;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() && head.slice(colon + 1) === pull.head;
}

function sortPulls(pulls: PullState[], sort: string, direction: string | null): PullState[] {
  const key = (pull: PullState) => (sort === 'updated' ? pull.updatedAt : pull.createdAt) + String(pull.id).padStart(12, '0');
  const descending = (direction ?? (sort === 'created' ? 'desc' : 'asc')) === 'desc';
  return [...pulls].sort((a, b) => (descending ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))));
}

function basicPassword(header: string): string | undefined {
  const encoded = /^basic\s+(\S+)$/i.exec(header)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function error(status: number, message: string, documentationUrl: string): Reply {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}

function notFound(doc: string): Reply {
  return error(404, 'Not Found', doc);
}

function badCredentials(doc: string): Reply {
  return error(401, 'Bad credentials', doc);
}

function invalid(doc: string, errors: unknown[]): Reply {
  return { status: 422, body: { message: 'Validation Failed', errors, documentation_url: doc, status: '422' } };
}

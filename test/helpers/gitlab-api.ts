/**
 * A GitLab REST API v4 test server, modelled on GitLab's API documentation (docs.gitlab.com/api) and
 * its Grape source (lib/api/merge_requests.rb, lib/api/commit_statuses.rb) for the endpoints Baton's
 * forge uses: projects, merge requests (list with filters and offset pagination, create, get, update),
 * merge/auto-merge, commit statuses (create, list for a commit), and issues with notes (gitlab-issues.ts).
 *
 * Semantics kept from GitLab: `:id` is a numeric id or the URL-encoded full path; projects are private
 * (no token: GET → 404 "404 Project Not Found", writes → 401); a wrong `PRIVATE-TOKEN` or Bearer token
 * → 401 "401 Unauthorized"; a `read_api` token writing → 403 `insufficient_scope`; `JOB-TOKEN` is not
 * accepted by the merge requests API (treated as no token) unless `jobTokenMergeRequests` is set;
 * one open MR per source/target branch (409 with `message` as an array); 20 items per page by default
 * (100 at most) with `x-total`, `x-next-page` and `Link`; the merge endpoint answers 401 when the user
 * may not merge, and 405 when the MR can neither merge now nor wait for a running pipeline (with
 * `merge_when_pipeline_succeeds` and no pipeline, GitLab answers 405: gitlab-org/gitlab#355455).
 * Commit statuses: `state` one of pending/running/success/failed/canceled/skipped (400 otherwise), an
 * unknown commit → 404 "404 Commit Not Found", `name` (or `context`) defaulting to "default"; a pending or
 * running status with the same name, ref and commit is moved on rather than a new one made, and moving
 * it to the state it has is a 400 "Cannot transition status"; job tokens are not read there.
 */
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
import { type GitLabIssueState, issueRoute } from './gitlab-issues.ts';

/** What a token may do: `write` (`api` scope, Developer) or `read` (`read_api` scope). */
export type GitLabTokenAccess = 'write' | 'read';

/** A project and how its pipelines behave. */
export interface GitLabProjectSpec {
  /** Full path, e.g. `group/sub/env`. */
  readonly path: string;
  /**
   * The pipeline of a merge request's source branch: `running` (auto-merge waits for it; default),
   * `success` (auto-merge merges at once) or `none` (no pipeline: auto-merge is refused with 405).
   */
  readonly pipeline?: 'running' | 'success' | 'none';
  /** Settings → Merge requests → "Pipelines must succeed"; off by default, as on GitLab. */
  readonly onlyAllowMergeIfPipelineSucceeds?: boolean;
  /** Commits the repository holds (full ids), for commit statuses; see also {@link GitLabApi.addCommit}. */
  readonly commits?: readonly string[];
}

/** Options of {@link startGitLabApi}. */
export interface GitLabApiOptions {
  /** Personal/project/group access tokens (sent as `PRIVATE-TOKEN` or `Authorization: Bearer`). */
  readonly tokens: Readonly<Record<string, GitLabTokenAccess>>;
  /** CI/CD job tokens (sent as `JOB-TOKEN`). */
  readonly jobTokens?: Readonly<Record<string, GitLabTokenAccess>>;
  /** Let job tokens use the merge requests API (GitLab does not today); default false. */
  readonly jobTokenMergeRequests?: boolean;
  readonly projects: readonly (string | GitLabProjectSpec)[];
}

/** A merge request as the API returns it (the fields tests read; the JSON holds more). */
export interface GitLabMergeRequest {
  readonly id: number;
  readonly iid: number;
  readonly project_id: number;
  readonly title: string;
  readonly description: string | null;
  readonly state: 'opened' | 'closed' | 'merged';
  readonly source_branch: string;
  readonly target_branch: string;
  readonly labels: readonly string[];
  readonly web_url: string;
  readonly merge_when_pipeline_succeeds: boolean;
  readonly force_remove_source_branch: boolean | null;
  readonly squash: boolean;
  readonly [field: string]: unknown;
}

/** A commit status as the API returns it (the fields tests read; the JSON holds more). */
export interface GitLabCommitStatus {
  readonly id: number;
  readonly sha: string;
  readonly ref: string | null;
  readonly status: string;
  readonly name: string;
  readonly description: string | null;
  readonly target_url: string | null;
  readonly [field: string]: unknown;
}

/** A running GitLab API test server. */
export interface GitLabApi {
  /** API base, `<origin>/api/v4` (pass as `apiUrl` / `CI_API_V4_URL`). */
  readonly url: string;
  /** Web origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The project's merge requests (all states), oldest first, as the API would return them. */
  mergeRequests(project: string): GitLabMergeRequest[];
  /** Opens a merge request as another user would (seeding; no request recorded). */
  openMergeRequest(
    project: string,
    mr: { source_branch: string; target_branch?: string; title: string; description?: string },
  ): GitLabMergeRequest;
  /** Makes a commit known to the project, as a push would. */
  addCommit(project: string, sha: string): void;
  /** The commit's statuses, newest first, as `GET …/repository/commits/:sha/statuses` returns them. */
  commitStatuses(project: string, sha: string): GitLabCommitStatus[];
  /** The project's issues, oldest first: iid, state, title, description, labels, notes. */
  issues(project: string): { iid: number; state: string; title: string; description: string | null; labels: string[]; notes: string[] }[];
  /** Queues a fault answered instead of the API (e.g. one 502). */
  fail(fault: Fault): void;
  /** Runs a hook before each request is answered. */
  onRequest(hook: RequestHook): void;
  stop(): Promise<void>;
}

const BOT = {
  id: 4242,
  username: 'project_7_bot_baton',
  name: 'baton',
  state: 'active',
  locked: false,
  avatar_url: null,
};

const OTHER_USER = { id: 1, username: 'alice', name: 'Alice', state: 'active', locked: false, avatar_url: null };

interface MergeRequestState {
  readonly id: number;
  readonly iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'merged';
  readonly sourceBranch: string;
  targetBranch: string;
  labels: string[];
  readonly author: Readonly<Record<string, unknown>>;
  mergeWhenPipelineSucceeds: boolean;
  forceRemoveSourceBranch: boolean | null;
  squash: boolean;
  mergeUser: Readonly<Record<string, unknown>> | null;
  readonly createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
}

interface CommitStatusState {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly name: string;
  status: string;
  description: string | null;
  targetUrl: string | null;
  readonly createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface ProjectState {
  readonly id: number;
  readonly path: string;
  readonly spec: GitLabProjectSpec;
  readonly mergeRequests: MergeRequestState[];
  readonly commits: Set<string>;
  readonly statuses: CommitStatusState[];
  /** Issues, oldest first; their iids share nothing with merge requests'. */
  readonly issues: GitLabIssueState[];
  nextIid: number;
  nextIssueIid: number;
}

const STATUS_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
/** The state machine event that moves a status into each state (app/models/commit_status.rb). */
const STATUS_EVENTS: Readonly<Record<string, string>> = {
  pending: 'enqueue',
  running: 'run',
  success: 'succeed',
  failed: 'drop',
  canceled: 'cancel',
  skipped: 'skip',
};

type Caller = { kind: 'anonymous' } | { kind: 'invalid' } | { kind: 'token'; access: GitLabTokenAccess };

const UPDATE_PARAMS = [
  'assignee_id',
  'assignee_ids',
  'reviewer_ids',
  'description',
  'labels',
  'add_labels',
  'remove_labels',
  'milestone_id',
  'remove_source_branch',
  'allow_collaboration',
  'allow_maintainer_to_push',
  'squash',
  'target_branch',
  'title',
  'state_event',
  'discussion_locked',
];

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startGitLabApi(options: GitLabApiOptions): Promise<GitLabApi> {
  const model = new GitLabModel(options);
  const server = await startJsonServer((request, url) => model.handle(request, url), {
    'x-gitlab-meta': '{"correlation_id":"01TESTSERVER","version":"1"}',
    'cache-control': 'no-cache',
  });
  model.origin = server.origin;
  return {
    url: `${server.origin}/api/v4`,
    origin: server.origin,
    requests: server.requests,
    mergeRequests: (project) => {
      const state = model.project(project);
      return state.mergeRequests.map((mr) => model.mergeRequestJson(state, mr));
    },
    openMergeRequest: (project, mr) => model.seed(project, mr),
    addCommit: (project, sha) => void model.project(project).commits.add(sha.toLowerCase()),
    commitStatuses: (project, sha) => {
      const state = model.project(project);
      return model.statusesOf(state, sha).map((status) => model.statusJson(state, status));
    },
    issues: (project) =>
      model.project(project).issues.map((i) => ({
        iid: i.iid,
        state: i.state,
        title: i.title,
        description: i.description,
        labels: [...i.labels],
        notes: [...i.notes],
      })),
    fail: server.fail,
    onRequest: server.onRequest,
    stop: server.stop,
  };
}

class GitLabModel {
  origin = '';
  readonly #options: GitLabApiOptions;
  readonly #projects: ProjectState[] = [];
  #ids = 500;

  constructor(options: GitLabApiOptions) {
    this.#options = options;
    for (const entry of options.projects) {
      const spec = typeof entry === 'string' ? { path: entry } : entry;
      const commits = new Set((spec.commits ?? []).map((sha) => sha.toLowerCase()));
      this.#projects.push({
        id: this.#ids++,
        path: spec.path,
        spec,
        mergeRequests: [],
        commits,
        statuses: [],
        issues: [],
        nextIid: 1,
        nextIssueIid: 1,
      });
    }
  }

  project(path: string): ProjectState {
    const project = this.#find(path);
    if (!project) throw new Error(`test server has no project ${path}`);
    return project;
  }

  seed(path: string, input: { source_branch: string; target_branch?: string; title: string; description?: string }): GitLabMergeRequest {
    const project = this.project(path);
    const mr = this.#newMergeRequest(project, {
      source: input.source_branch,
      target: input.target_branch ?? 'main',
      title: input.title,
      description: input.description ?? null,
      labels: [],
      author: OTHER_USER,
    });
    return this.mergeRequestJson(project, mr);
  }

  handle(request: RecordedRequest, url: URL): Reply {
    const match = /^\/api\/v4\/projects\/([^/]+)(\/.*)?$/.exec(request.path);
    if (!match) return { status: 404, body: { error: '404 Not Found' } };
    const rest = match[2] ?? '';
    const mergeRequestRoute = rest.startsWith('/merge_requests');
    // Like commit statuses, the issues API does not read job tokens.
    const caller = this.#caller(
      request,
      mergeRequestRoute,
      rest.startsWith('/statuses/') || rest.startsWith('/repository/commits/') || rest.startsWith('/issues'),
    );
    const params = { ...request.query, ...(typeof request.body === 'object' && request.body !== null ? request.body : {}) } as Record<
      string,
      unknown
    >;
    const denied = this.#authenticate(request.method, caller);
    if (denied) return denied;
    const project = this.#find(safeDecode(match[1]!));
    // Projects are private: without a user, they do not exist.
    if (!project || caller.kind !== 'token') return projectNotFound();
    return this.#route(request.method, rest, project, params, url, caller);
  }

  #route(method: string, rest: string, project: ProjectState, params: Record<string, unknown>, url: URL, caller: Caller): Reply {
    const single = /^\/merge_requests\/(\d+)$/.exec(rest);
    const merge = /^\/merge_requests\/(\d+)\/merge$/.exec(rest);
    if (method === 'GET' && rest === '') return { status: 200, body: this.#projectJson(project) };
    if (method === 'GET' && rest === '/merge_requests') return this.#list(project, params, url);
    if (method === 'POST' && rest === '/merge_requests') return this.#create(project, params);
    if (single && method === 'GET') return this.#withMergeRequest(project, single[1]!, (mr) => this.#ok(project, mr));
    if (single && method === 'PUT') return this.#withMergeRequest(project, single[1]!, (mr) => this.#update(project, mr, params));
    if (merge && method === 'PUT') return this.#withMergeRequest(project, merge[1]!, (mr) => this.#merge(project, mr, params, caller));
    const status = /^\/statuses\/([^/]+)$/.exec(rest);
    const statuses = /^\/repository\/commits\/([^/]+)\/statuses$/.exec(rest);
    if (status && method === 'POST') return this.#createStatus(project, safeDecode(status[1]!), params);
    if (statuses && method === 'GET') return this.#listStatuses(project, safeDecode(statuses[1]!), url);
    if (rest.startsWith('/issues')) {
      const issues = {
        id: project.id,
        webUrl: `${this.origin}/${project.path}`,
        issues: project.issues,
        nextIid: () => project.nextIssueIid++,
        nextId: () => this.#ids++,
      };
      const reply = issueRoute(issues, method, rest, params, url);
      if (reply) return reply;
    }
    return { status: 404, body: { error: '404 Not Found' } };
  }

  /** `POST /projects/:id/statuses/:sha`, following lib/api/commit_statuses.rb. */
  #createStatus(project: ProjectState, sha: string, params: Record<string, unknown>): Reply {
    if (params.state === undefined) return { status: 400, body: { error: 'state is missing' } };
    if (!STATUS_STATES.includes(String(params.state))) return { status: 400, body: { error: 'state does not have a valid value' } };
    if (!project.commits.has(sha.toLowerCase())) return { status: 404, body: { message: '404 Commit Not Found' } };
    const targetUrl = typeof params.target_url === 'string' ? params.target_url : null;
    if (targetUrl !== null && !/^https?:\/\/[^\s/]+/.test(targetUrl))
      return { status: 400, body: { message: { target_url: ['is blocked: Only allowed schemes are http, https'] } } };
    const name = String(params.name ?? params.context ?? 'default');
    const ref = typeof params.ref === 'string' && params.ref ? params.ref : 'main';
    const state = String(params.state);
    let found = project.statuses.find(
      (s) => s.sha === sha.toLowerCase() && s.name === name && s.ref === ref && (s.status === 'pending' || s.status === 'running'),
    );
    if (found?.status === state) {
      const event = STATUS_EVENTS[state]!;
      return {
        status: 400,
        body: { message: `Cannot transition status via :${event} from :${state} (Reason(s): Status cannot transition via "${event}")` },
      };
    }
    const now = timestamp(new Date(), true);
    if (!found) {
      found = {
        id: this.#ids++,
        sha: sha.toLowerCase(),
        ref,
        name,
        status: 'created',
        description: null,
        targetUrl: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
      };
      project.statuses.push(found);
    }
    found.status = state;
    if (typeof params.description === 'string') found.description = params.description;
    if (targetUrl !== null) found.targetUrl = targetUrl;
    if (state === 'running') found.startedAt = now;
    if (!['pending', 'running'].includes(state)) found.finishedAt = now;
    return { status: 201, body: this.statusJson(project, found) };
  }

  #listStatuses(project: ProjectState, sha: string, url: URL): Reply {
    const page = pageOf(this.statusesOf(project, sha), url, 20);
    return {
      status: 200,
      body: page.items.map((status) => this.statusJson(project, status)),
      headers: { 'x-total': String(page.items.length), 'x-page': String(page.page) },
    };
  }

  /** A commit's statuses, newest first. */
  statusesOf(project: ProjectState, sha: string): CommitStatusState[] {
    return project.statuses.filter((status) => status.sha === sha.toLowerCase()).reverse();
  }

  statusJson(_project: ProjectState, status: CommitStatusState): GitLabCommitStatus {
    return {
      id: status.id,
      sha: status.sha,
      ref: status.ref,
      status: status.status,
      name: status.name,
      target_url: status.targetUrl,
      description: status.description,
      created_at: status.createdAt,
      started_at: status.startedAt,
      finished_at: status.finishedAt,
      allow_failure: false,
      coverage: null,
      pipeline_id: status.id + 10_000,
      author: { ...BOT, web_url: `${this.origin}/${BOT.username}` },
    };
  }

  #caller(request: RecordedRequest, mergeRequestRoute: boolean, statusRoute = false): Caller {
    const privateToken = header(request, 'private-token') ?? request.query.private_token;
    const bearer = /^bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const token = privateToken ?? bearer;
    if (token !== undefined) {
      const access = this.#options.tokens[token];
      return access ? { kind: 'token', access } : { kind: 'invalid' };
    }
    const jobToken = header(request, 'job-token') ?? request.query.job_token;
    // GitLab only reads a job token on routes that allow it; elsewhere the request is anonymous.
    if (jobToken === undefined || statusRoute || (mergeRequestRoute && !this.#options.jobTokenMergeRequests)) return { kind: 'anonymous' };
    const access = this.#options.jobTokens?.[jobToken];
    return access ? { kind: 'token', access } : { kind: 'invalid' };
  }

  /** 401 for a bad token or an anonymous write; 403 when a `read_api` token writes. */
  #authenticate(method: string, caller: Caller): Reply | undefined {
    if (caller.kind === 'invalid') return unauthorized();
    if (caller.kind === 'anonymous') return method === 'GET' ? undefined : unauthorized();
    if (method !== 'GET' && caller.access === 'read') {
      return {
        status: 403,
        body: {
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        },
        headers: {
          'www-authenticate':
            'Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The request requires higher ' +
            'privileges than provided by the access token.", scope="api"',
        },
      };
    }
    return undefined;
  }

  #find(idOrPath: string): ProjectState | undefined {
    if (/^\d+$/.test(idOrPath)) return this.#projects.find((project) => project.id === Number(idOrPath));
    return this.#projects.find((project) => project.path.toLowerCase() === idOrPath.toLowerCase());
  }

  #list(project: ProjectState, params: Record<string, unknown>, url: URL): Reply {
    const state = String(params.state ?? 'all');
    const labels = listParam(params.labels);
    const matches = project.mergeRequests.filter(
      (mr) =>
        (state === 'all' || mr.state === state) &&
        (params.source_branch === undefined || mr.sourceBranch === params.source_branch) &&
        (params.target_branch === undefined || mr.targetBranch === params.target_branch) &&
        labels.every((label) => mr.labels.some((own) => own.toLowerCase() === label.toLowerCase())),
    );
    const ascending = params.sort === 'asc';
    const sorted = [...matches].sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
    const page = pageOf(sorted, url, 20);
    const next = page.page < page.totalPages ? String(page.page + 1) : '';
    const prev = page.page > 1 ? String(page.page - 1) : '';
    return {
      status: 200,
      body: page.items.map((mr) => this.mergeRequestJson(project, mr)),
      headers: {
        link: linkHeader(url, page, ['prev', 'next', 'first', 'last'], true),
        'x-page': String(page.page),
        'x-per-page': String(page.perPage),
        'x-total': String(sorted.length),
        'x-total-pages': String(page.totalPages),
        'x-next-page': next,
        'x-prev-page': prev,
      },
    };
  }

  #create(project: ProjectState, params: Record<string, unknown>): Reply {
    const missing = ['title', 'source_branch', 'target_branch'].filter((name) => typeof params[name] !== 'string' || params[name] === '');
    if (missing.length > 0) return { status: 400, body: { error: missing.map((name) => `${name} is missing`).join(', ') } };
    const source = String(params.source_branch);
    const target = String(params.target_branch);
    if (source === target) return conflict("You can't use same project/branch for source and target");
    const open = project.mergeRequests.find((mr) => mr.state === 'opened' && mr.sourceBranch === source && mr.targetBranch === target);
    if (open) return conflict(`Another open merge request already exists for this source branch: !${open.iid}`);
    const mr = this.#newMergeRequest(project, {
      source,
      target,
      title: String(params.title),
      description: typeof params.description === 'string' ? params.description : null,
      labels: listParam(params.labels),
      author: BOT,
    });
    if (params.remove_source_branch !== undefined) mr.forceRemoveSourceBranch = toBoolean(params.remove_source_branch);
    if (params.squash !== undefined) mr.squash = toBoolean(params.squash);
    return { status: 201, body: this.mergeRequestJson(project, mr) };
  }

  #newMergeRequest(
    project: ProjectState,
    input: {
      source: string;
      target: string;
      title: string;
      description: string | null;
      labels: string[];
      author: Readonly<Record<string, unknown>>;
    },
  ): MergeRequestState {
    const now = timestamp(new Date(), true);
    const mr: MergeRequestState = {
      id: this.#ids++,
      iid: project.nextIid++,
      title: input.title,
      description: input.description,
      state: 'opened',
      sourceBranch: input.source,
      targetBranch: input.target,
      labels: unique(input.labels),
      author: input.author,
      mergeWhenPipelineSucceeds: false,
      forceRemoveSourceBranch: null,
      squash: false,
      mergeUser: null,
      createdAt: now,
      updatedAt: now,
      mergedAt: null,
    };
    project.mergeRequests.push(mr);
    return mr;
  }

  #withMergeRequest(project: ProjectState, iid: string, then: (mr: MergeRequestState) => Reply): Reply {
    const mr = project.mergeRequests.find((candidate) => candidate.iid === Number(iid));
    return mr ? then(mr) : { status: 404, body: { message: '404 Not found' } };
  }

  #ok(project: ProjectState, mr: MergeRequestState): Reply {
    return { status: 200, body: this.mergeRequestJson(project, mr) };
  }

  #update(project: ProjectState, mr: MergeRequestState, params: Record<string, unknown>): Reply {
    if (!UPDATE_PARAMS.some((name) => params[name] !== undefined)) {
      return { status: 400, body: { error: `${UPDATE_PARAMS.join(', ')} are missing, at least one parameter must be provided` } };
    }
    if (params.title !== undefined && String(params.title) === '') return { status: 400, body: { error: 'title is empty' } };
    if (typeof params.title === 'string') mr.title = params.title;
    if (params.description !== undefined) mr.description = params.description === null ? null : String(params.description);
    if (params.labels !== undefined) mr.labels = unique(listParam(params.labels));
    if (params.add_labels !== undefined) mr.labels = unique([...mr.labels, ...listParam(params.add_labels)]);
    if (params.remove_labels !== undefined) {
      const remove = new Set(listParam(params.remove_labels).map((label) => label.toLowerCase()));
      mr.labels = mr.labels.filter((label) => !remove.has(label.toLowerCase()));
    }
    if (typeof params.target_branch === 'string') mr.targetBranch = params.target_branch;
    if (params.remove_source_branch !== undefined) mr.forceRemoveSourceBranch = toBoolean(params.remove_source_branch);
    if (params.squash !== undefined) mr.squash = toBoolean(params.squash);
    if (params.state_event === 'close' && mr.state === 'opened') mr.state = 'closed';
    if (params.state_event === 'reopen' && mr.state === 'closed') mr.state = 'opened';
    mr.updatedAt = timestamp(new Date(), true);
    return this.#ok(project, mr);
  }

  /** `PUT …/merge`, following lib/api/merge_requests.rb: 401, then 405 unless it can merge now or wait. */
  #merge(project: ProjectState, mr: MergeRequestState, params: Record<string, unknown>, caller: Caller): Reply {
    if (caller.kind !== 'token' || caller.access !== 'write') return unauthorized();
    const whenPipelineSucceeds = toBoolean(params.merge_when_pipeline_succeeds) || toBoolean(params.auto_merge);
    const pipeline = project.spec.pipeline ?? 'running';
    const open = mr.state === 'opened' && !/^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(mr.title);
    const automatically = whenPipelineSucceeds && open && pipeline === 'running';
    const pipelineMustSucceed = project.spec.onlyAllowMergeIfPipelineSucceeds === true;
    const immediately = open && (whenPipelineSucceeds || pipelineMustSucceed ? pipeline === 'success' : true);
    if (!immediately && !automatically) return { status: 405, body: { message: '405 Method Not Allowed' } };
    if (params.squash !== undefined) mr.squash = toBoolean(params.squash);
    if (params.should_remove_source_branch !== undefined) mr.forceRemoveSourceBranch = toBoolean(params.should_remove_source_branch);
    mr.mergeUser = BOT;
    if (immediately) {
      mr.state = 'merged';
      mr.mergedAt = timestamp(new Date(), true);
    } else {
      mr.mergeWhenPipelineSucceeds = true;
    }
    mr.updatedAt = timestamp(new Date(), true);
    return this.#ok(project, mr);
  }

  mergeRequestJson(project: ProjectState, mr: MergeRequestState): GitLabMergeRequest {
    const pipeline = project.spec.pipeline ?? 'running';
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      merged_by: mr.state === 'merged' ? mr.mergeUser : null,
      merge_user: mr.mergeUser,
      merged_at: mr.mergedAt,
      closed_by: null,
      closed_at: null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      user_notes_count: 0,
      upvotes: 0,
      downvotes: 0,
      author: { ...mr.author, web_url: `${this.origin}/${String(mr.author.username)}` },
      assignees: [],
      assignee: null,
      reviewers: [],
      source_project_id: project.id,
      target_project_id: project.id,
      labels: [...mr.labels],
      draft: false,
      work_in_progress: false,
      milestone: null,
      merge_when_pipeline_succeeds: mr.mergeWhenPipelineSucceeds,
      merge_status: 'can_be_merged',
      detailed_merge_status: pipeline === 'running' ? 'ci_still_running' : 'mergeable',
      sha: `${mr.id.toString(16).padStart(8, '0')}${'0'.repeat(32)}`,
      merge_commit_sha: null,
      squash_commit_sha: null,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: mr.forceRemoveSourceBranch,
      reference: `!${mr.iid}`,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${project.path}!${mr.iid}` },
      web_url: `${this.origin}/${project.path}/-/merge_requests/${mr.iid}`,
      time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
      squash: mr.squash,
      squash_on_merge: mr.squash,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: false,
      blocking_discussions_resolved: true,
    };
  }

  #projectJson(project: ProjectState): unknown {
    const name = project.path.split('/').pop()!;
    return {
      id: project.id,
      name,
      path: name,
      path_with_namespace: project.path,
      name_with_namespace: project.path.split('/').join(' / '),
      default_branch: 'main',
      visibility: 'private',
      web_url: `${this.origin}/${project.path}`,
      http_url_to_repo: `${this.origin}/${project.path}.git`,
      ssh_url_to_repo: `git@127.0.0.1:${project.path}.git`,
    };
  }
}

function header(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Grape's comma-separated-or-array coercion. */
function listParam(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => item.trim()).filter(Boolean);
}

function unique(labels: string[]): string[] {
  const seen = new Set<string>();
  return labels.filter((label) => !seen.has(label.toLowerCase()) && seen.add(label.toLowerCase()));
}

function toBoolean(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function unauthorized(): Reply {
  return { status: 401, body: { message: '401 Unauthorized' } };
}

function projectNotFound(): Reply {
  return { status: 404, body: { message: '404 Project Not Found' } };
}

function conflict(message: string): Reply {
  return { status: 409, body: { message: [message] } };
}

/**
 * GitHub's Issues endpoints for the GitHub API test server, modelled on docs.github.com/rest/issues
 * (issues, comments): `GET /repos/{o}/{r}/issues` lists issues *and* pull requests (those carry a
 * `pull_request` key) filtered by `state` (open by default), `labels` (all of them, comma-separated),
 * sorted by `sort`/`direction` (created, desc by default), 30 per page; `POST …/issues` needs a title
 * (422 missing_field) and creates labels it does not know; `PATCH …/issues/{n}` changes title, body,
 * state and state_reason (closed_at set and cleared); `POST …/issues/{n}/comments` needs a body.
 * Issues and pull requests share one number sequence per repository.
 */
import { type Page, pageOf, type Reply, timestamp } from './forge-http.ts';
import { type Account, userJson } from './github-json.ts';

/** The account the test server's issues and comments are written by (the Actions bot). */
const BOT: Account = { login: 'github-actions[bot]', id: 41898282, node_id: 'MDM6Qm90NDE4OTgyODI=', type: 'Bot', site_admin: false };

/** The fields every `issue` object of GitHub's description requires, for an issue or a pull request. */
function issueShape(repo: IssueRepo, number: number): Record<string, unknown> {
  const url = `${repo.base}/repos/${repo.fullName}/issues/${number}`;
  return {
    url,
    repository_url: `${repo.base}/repos/${repo.fullName}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    author_association: 'NONE',
    user: userJson(repo.base, BOT),
  };
}

/** An issue as kept by the test server. */
export interface IssueState {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: { readonly id: number; readonly name: string; readonly color: string }[];
  readonly comments: { readonly id: number; readonly body: string; readonly createdAt: string }[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A pull request as the issues list shows it. */
export interface PullAsIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: 'open' | 'closed';
  readonly labels: readonly { readonly name: string }[];
  readonly createdAt: string;
}

const DOCS = 'https://docs.github.com/rest/issues';

/** What the issue routes need from the repository model. */
export interface IssueRepo {
  readonly base: string;
  readonly fullName: string;
  readonly issues: IssueState[];
  nextNumber(): number;
  nextId(): number;
  label(name: string): { id: number; name: string; color: string };
  pulls(): readonly PullAsIssue[];
}

function json(repo: IssueRepo, issue: IssueState): Record<string, unknown> {
  return {
    ...issueShape(repo, issue.number),
    id: issue.id,
    node_id: `I_kwDO${Buffer.from(`${repo.fullName}:${issue.number}`).toString('base64url')}`,
    html_url: `${repo.base}/${repo.fullName}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    labels: issue.labels.map((l) => ({
      ...l,
      url: `${repo.base}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
      default: false,
      description: null,
    })),
    comments: issue.comments.length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
  };
}

function validation(message: string, errors: unknown[]): Reply {
  return { status: 422, body: { message, errors, documentation_url: `${DOCS}/issues`, status: '422' } };
}

/** `GET …/issues` */
export function listIssues(repo: IssueRepo, url: URL): Reply {
  const state = url.searchParams.get('state') ?? 'open';
  const labels = (url.searchParams.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  type Row = { createdAt: string; number: number; body: Record<string, unknown> };
  const rows: Row[] = [];
  for (const issue of repo.issues) rows.push({ createdAt: issue.createdAt, number: issue.number, body: json(repo, issue) });
  for (const pull of repo.pulls()) {
    rows.push({
      createdAt: pull.createdAt,
      number: pull.number,
      body: {
        ...issueShape(repo, pull.number),
        id: 1_000_000 + pull.number,
        node_id: `PR_kwDO${Buffer.from(`${repo.fullName}:${pull.number}`).toString('base64url')}`,
        number: pull.number,
        title: pull.title,
        body: pull.body,
        state: pull.state,
        labels: pull.labels.map((l, i) => ({
          id: i + 1,
          node_id: `LA_${i + 1}`,
          name: l.name,
          color: 'ededed',
          url: `${repo.base}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
          default: false,
          description: null,
        })),
        comments: 0,
        created_at: pull.createdAt,
        updated_at: pull.createdAt,
        closed_at: null,
        html_url: `${repo.base}/${repo.fullName}/pull/${pull.number}`,
        pull_request: {
          url: `${repo.base}/repos/${repo.fullName}/pulls/${pull.number}`,
          html_url: `${repo.base}/${repo.fullName}/pull/${pull.number}`,
          diff_url: `${repo.base}/${repo.fullName}/pull/${pull.number}.diff`,
          patch_url: `${repo.base}/${repo.fullName}/pull/${pull.number}.patch`,
        },
      },
    });
  }
  const matches = rows.filter((row) => {
    const rowState = row.body['state'];
    const rowLabels = (row.body['labels'] as { name: string }[]).map((l) => l.name);
    return (state === 'all' || rowState === state) && labels.every((l) => rowLabels.includes(l));
  });
  const ascending = url.searchParams.get('direction') === 'asc';
  matches.sort((a, b) => (a.createdAt.localeCompare(b.createdAt) || a.number - b.number) * (ascending ? 1 : -1));
  const page: Page<Row> = pageOf(matches, url, 30);
  return { status: 200, body: page.items.map((row) => row.body) };
}

/** `POST …/issues` */
export function createIssue(repo: IssueRepo, body: unknown): Reply {
  const input = (body ?? {}) as { title?: unknown; body?: unknown; labels?: unknown };
  if (typeof input.title !== 'string' || input.title === '')
    return validation('Validation Failed', [{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
  const now = timestamp(new Date());
  const labels = Array.isArray(input.labels)
    ? input.labels.map((l) => repo.label(typeof l === 'string' ? l : String((l as { name?: string }).name)))
    : [];
  const issue: IssueState = {
    id: repo.nextId(),
    number: repo.nextNumber(),
    title: input.title,
    body: typeof input.body === 'string' ? input.body : null,
    state: 'open',
    stateReason: null,
    labels,
    comments: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  repo.issues.push(issue);
  return { status: 201, body: json(repo, issue), headers: { location: `${repo.base}/repos/${repo.fullName}/issues/${issue.number}` } };
}

/** `PATCH …/issues/{n}` */
export function updateIssue(repo: IssueRepo, number: number, body: unknown): Reply {
  const issue = repo.issues.find((i) => i.number === number);
  if (!issue) return { status: 404, body: { message: 'Not Found', documentation_url: `${DOCS}/issues#update-an-issue`, status: '404' } };
  const input = (body ?? {}) as { title?: unknown; body?: unknown; state?: unknown; state_reason?: unknown };
  if (input.state !== undefined && input.state !== 'open' && input.state !== 'closed')
    return validation('Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'state' }]);
  if (typeof input.title === 'string') issue.title = input.title;
  if (typeof input.body === 'string' || input.body === null) issue.body = input.body as string | null;
  const now = timestamp(new Date());
  if (input.state === 'closed' && issue.state === 'open') {
    issue.state = 'closed';
    issue.closedAt = now;
    issue.stateReason = typeof input.state_reason === 'string' ? input.state_reason : 'completed';
  } else if (input.state === 'open' && issue.state === 'closed') {
    issue.state = 'open';
    issue.closedAt = null;
    issue.stateReason = 'reopened';
  }
  issue.updatedAt = now;
  return { status: 200, body: json(repo, issue) };
}

/** `POST …/issues/{n}/comments` */
export function commentIssue(repo: IssueRepo, number: number, body: unknown): Reply {
  const issue = repo.issues.find((i) => i.number === number);
  if (!issue)
    return { status: 404, body: { message: 'Not Found', documentation_url: `${DOCS}/comments#create-an-issue-comment`, status: '404' } };
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== 'string' || !text)
    return validation('Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  const comment = { id: repo.nextId(), body: text, createdAt: timestamp(new Date()) };
  issue.comments.push(comment);
  issue.updatedAt = comment.createdAt;
  const url = `${repo.base}/repos/${repo.fullName}/issues/comments/${comment.id}`;
  return {
    status: 201,
    body: {
      id: comment.id,
      node_id: `IC_kwDO${Buffer.from(String(comment.id)).toString('base64url')}`,
      url,
      issue_url: `${repo.base}/repos/${repo.fullName}/issues/${number}`,
      html_url: `${repo.base}/${repo.fullName}/issues/${number}#issuecomment-${comment.id}`,
      body: comment.body,
      user: userJson(repo.base, BOT),
      author_association: 'NONE',
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
    },
  };
}

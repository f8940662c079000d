/**
 * GitLab's Issues endpoints for the GitLab API test server, modelled on docs.gitlab.com/api/issues and
 * api/notes: `GET /projects/:id/issues` filtered by `state` (opened, closed, all: default all), `labels`
 * (comma-separated, all must match), `search` with `in` (title, description), ordered by `order_by`
 * (created_at) and `sort` (desc by default), 20 per page; `POST` needs a title (400 "title is missing"),
 * labels come as a comma-separated string; `PUT /issues/:iid` changes title, description, labels and
 * `state_event` (close, reopen); `POST /issues/:iid/notes` needs a body.
 */
import { pageOf, type Reply, timestamp } from './forge-http.ts';

/** An issue as kept by the test server. */
export interface GitLabIssueState {
  readonly id: number;
  readonly iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  readonly notes: string[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** What the issue routes need from the project model. */
export interface GitLabIssueProject {
  readonly id: number;
  readonly webUrl: string;
  readonly issues: GitLabIssueState[];
  nextIid(): number;
  nextId(): number;
}

function labelsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === 'string'
    ? value
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
}

function json(project: GitLabIssueProject, issue: GitLabIssueState): Record<string, unknown> {
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: project.id,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    labels: issue.labels,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    user_notes_count: issue.notes.length,
    web_url: `${project.webUrl}/-/issues/${issue.iid}`,
    author: { id: 4242, username: 'project_7_bot_baton', name: 'baton', state: 'active' },
  };
}

/** Routes one issues request; undefined when the path is not an issues path. */
export function issueRoute(
  project: GitLabIssueProject,
  method: string,
  rest: string,
  params: Record<string, unknown>,
  url: URL,
): Reply | undefined {
  const one = /^\/issues\/(\d+)$/.exec(rest);
  const notes = /^\/issues\/(\d+)\/notes$/.exec(rest);
  if (rest === '/issues' && method === 'GET') return list(project, params, url);
  if (rest === '/issues' && method === 'POST') return create(project, params);
  const issue = (one ?? notes) ? project.issues.find((i) => i.iid === Number((one ?? notes)![1])) : undefined;
  if ((one || notes) && !issue) return { status: 404, body: { message: '404 Issue Not Found' } };
  if (one && method === 'GET') return { status: 200, body: json(project, issue!) };
  if (one && method === 'PUT') return update(project, issue!, params);
  if (notes && method === 'POST') {
    if (typeof params['body'] !== 'string' || !params['body']) return { status: 400, body: { error: 'body is missing' } };
    issue!.notes.push(params['body']);
    issue!.updatedAt = timestamp(new Date(), true);
    return {
      status: 201,
      body: { id: project.nextId(), body: params['body'], noteable_iid: issue!.iid, noteable_type: 'Issue', system: false },
    };
  }
  return undefined;
}

function list(project: GitLabIssueProject, params: Record<string, unknown>, url: URL): Reply {
  const state = String(params['state'] ?? 'all');
  const labels = labelsOf(params['labels']);
  const search = typeof params['search'] === 'string' ? params['search'].toLowerCase() : '';
  const where = String(params['in'] ?? 'title,description').split(',');
  const matches = project.issues.filter((issue) => {
    const text = [where.includes('title') ? issue.title : '', where.includes('description') ? (issue.description ?? '') : '']
      .join('\n')
      .toLowerCase();
    return (
      (state === 'all' || issue.state === state) && labels.every((l) => issue.labels.includes(l)) && (!search || text.includes(search))
    );
  });
  const ascending = params['sort'] === 'asc';
  matches.sort((a, b) => (a.createdAt.localeCompare(b.createdAt) || a.iid - b.iid) * (ascending ? 1 : -1));
  const page = pageOf(matches, url, 20);
  return { status: 200, body: page.items.map((i) => json(project, i)), headers: { 'x-total': String(matches.length) } };
}

function create(project: GitLabIssueProject, params: Record<string, unknown>): Reply {
  if (typeof params['title'] !== 'string' || !params['title']) return { status: 400, body: { error: 'title is missing' } };
  const now = timestamp(new Date(), true);
  const issue: GitLabIssueState = {
    id: project.nextId(),
    iid: project.nextIid(),
    title: params['title'],
    description: typeof params['description'] === 'string' ? params['description'] : null,
    state: 'opened',
    labels: labelsOf(params['labels']),
    notes: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  project.issues.push(issue);
  return { status: 201, body: json(project, issue) };
}

function update(project: GitLabIssueProject, issue: GitLabIssueState, params: Record<string, unknown>): Reply {
  const known = ['title', 'description', 'labels', 'state_event', 'add_labels', 'remove_labels', 'assignee_ids', 'confidential'];
  if (!known.some((k) => params[k] !== undefined))
    return { status: 400, body: { error: `${known.join(', ')} are missing, at least one parameter must be provided` } };
  if (params['state_event'] !== undefined && params['state_event'] !== 'close' && params['state_event'] !== 'reopen')
    return { status: 400, body: { error: 'state_event does not have a valid value' } };
  const now = timestamp(new Date(), true);
  if (typeof params['title'] === 'string') issue.title = params['title'];
  if (typeof params['description'] === 'string') issue.description = params['description'];
  if (params['labels'] !== undefined) issue.labels = labelsOf(params['labels']);
  if (params['state_event'] === 'close' && issue.state === 'opened') {
    issue.state = 'closed';
    issue.closedAt = now;
  } else if (params['state_event'] === 'reopen' && issue.state === 'closed') {
    issue.state = 'opened';
    issue.closedAt = null;
  }
  issue.updatedAt = now;
  return { status: 200, body: json(project, issue) };
}

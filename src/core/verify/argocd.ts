/**
 * An Argo CD Application, judged from its status as the API server returns it
 * (`GET /api/v1/applications/{name}`): the synced revision(s), sync and health status, the current
 * operation and its result, and the health of each managed resource. Done means: Argo CD runs the
 * expected env-repo commit, Synced, Healthy, with no operation in flight.
 */
import { arrayAt, field, stringAt } from './fields.ts';
import { sameCommit } from './flux-revision.ts';
import { type Assessment, assess, type KubeObject } from './types.ts';

/** What to hold an Application to. */
export interface ApplicationRules {
  /** The env-repo commit Argo CD must have synced. */
  readonly expectedRevision?: string;
  /** The env repo's URL, to pick its source among several (`spec.sources`). */
  readonly repo?: string;
}

/** A resource as `status.resources[]` and `operationState.syncResult.resources[]` list it. */
interface ResourceEntry {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly status?: string;
  readonly message?: string;
  readonly hookPhase?: string;
  readonly health?: { readonly status?: string; readonly message?: string };
}

/** `https://Git.Example.com/acme/env.git/` → `git.example.com/acme/env`: URLs compared loosely. */
export function normaliseRepoUrl(url: string): string {
  return url
    .trim()
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@/, '')
    .replace(/:(?!\d+\/)/, '/')
    .replace(/\.git\/?$|\/+$/g, '')
    .toLowerCase();
}

/** The revisions that must equal the expected commit: the env repo's source(s), or every commit-like one. */
export function applicationRevisions(app: KubeObject, repo?: string): string[] {
  const sources = arrayAt<{ repoURL?: string }>(app, 'spec.sources');
  if (sources.length === 0) return [stringAt(app, 'status.sync.revision')].filter(Boolean);
  const revisions = arrayAt<string>(app, 'status.sync.revisions');
  const picked = repo
    ? revisions.filter((_, i) => normaliseRepoUrl(sources[i]?.repoURL ?? '') === normaliseRepoUrl(repo))
    : revisions.filter((rev) => /^[0-9a-f]{40}$/.test(rev));
  return picked.filter(Boolean);
}

function atRevision(revisions: readonly string[], expected: string | undefined): boolean {
  if (!expected) return true;
  return revisions.length > 0 && revisions.every((rev) => sameCommit(rev, expected));
}

function resourceName(entry: ResourceEntry): string {
  return `${entry.kind ?? '?'}/${entry.namespace ? `${entry.namespace}/` : ''}${entry.name ?? '?'}`;
}

function listed(entries: readonly string[]): string {
  if (entries.length === 0) return '';
  return `: ${entries.slice(0, 5).join('; ')}${entries.length > 5 ? `; +${entries.length - 5} more` : ''}`;
}

/** The operation's revisions (what it synced or tried to). */
function operationRevisions(app: KubeObject): string[] {
  const op = field(app, 'status.operationState');
  const many = [...arrayAt<string>(op, 'syncResult.revisions'), ...arrayAt<string>(op, 'operation.sync.revisions')];
  if (many.length) return many;
  return [stringAt(op, 'syncResult.revision') || stringAt(op, 'operation.sync.revision')].filter(Boolean);
}

function operationFailure(label: string, app: KubeObject, rules: ApplicationRules): Assessment | undefined {
  const phase = stringAt(app, 'status.operationState.phase');
  if (phase !== 'Failed' && phase !== 'Error') return undefined;
  const revisions = operationRevisions(app);
  if (rules.expectedRevision && revisions.length && !revisions.some((rev) => sameCommit(rev, rules.expectedRevision!))) return undefined;
  const failed = arrayAt<ResourceEntry>(app, 'status.operationState.syncResult.resources')
    .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
    .map((r) => `${resourceName(r)}: ${r.message ?? r.status}`);
  const message = stringAt(app, 'status.operationState.message') || 'no message';
  return assess('failed', 'sync-failed', `${label}: sync ${phase.toLowerCase()}: ${message}${listed(failed)}`);
}

function unhealthy(app: KubeObject, status: string): string[] {
  return arrayAt<ResourceEntry>(app, 'status.resources')
    .filter((r) => r.health?.status === status)
    .map((r) => `${resourceName(r)}${r.health?.message ? `: ${r.health.message}` : ''}`);
}

function facts(app: KubeObject, revisions: readonly string[]): Record<string, unknown> {
  return {
    revision: revisions.join(','),
    sync: stringAt(app, 'status.sync.status'),
    health: stringAt(app, 'status.health.status'),
    images: arrayAt<string>(app, 'status.summary.images'),
  };
}

function operationRunning(app: KubeObject): boolean {
  const phase = stringAt(app, 'status.operationState.phase');
  return app['operation'] !== undefined && app['operation'] !== null ? true : phase === 'Running' || phase === 'Terminating';
}

/** The verdict on an Application at the expected revision. */
function atExpectedRevision(label: string, app: KubeObject, revisions: readonly string[]): Assessment {
  const data = facts(app, revisions);
  const health = stringAt(app, 'status.health.status', 'Unknown');
  if (health === 'Degraded') return assess('failed', 'degraded', `${label} is Degraded${listed(unhealthy(app, 'Degraded'))}`, data);
  const sync = stringAt(app, 'status.sync.status', 'Unknown');
  if (sync !== 'Synced') {
    const outOfSync = arrayAt<ResourceEntry>(app, 'status.resources')
      .filter((r) => r.status === 'OutOfSync')
      .map(resourceName);
    return assess('progressing', 'out-of-sync', `${label} is ${sync}${listed(outOfSync)}`, data);
  }
  if (health === 'Healthy')
    return assess('healthy', 'healthy', `${label} is Synced and Healthy at ${revisions.join(', ').slice(0, 40) || 'its target'}`, data);
  const waiting = unhealthy(app, health);
  return assess(
    'progressing',
    health === 'Suspended' ? 'suspended' : 'progressing',
    `${label} is Synced, health ${health}${listed(waiting)}`,
    data,
  );
}

/** The verdict on an Application. */
export function assessApplication(app: KubeObject, rules: ApplicationRules): Assessment {
  const label = `application/${app.metadata.name}`;
  const revisions = applicationRevisions(app, rules.repo);
  if (app.metadata.deletionTimestamp) return assess('failed', 'deleting', `${label} is being deleted`);
  if (operationRunning(app)) {
    const message = stringAt(app, 'status.operationState.message');
    return assess(
      'progressing',
      'operation-running',
      `${label}: an operation is running${message ? ` (${message})` : ''}`,
      facts(app, revisions),
    );
  }
  const failure = operationFailure(label, app, rules);
  if (failure) return failure;
  if (!atRevision(revisions, rules.expectedRevision)) {
    const at = revisions.length ? revisions.map((r) => r.slice(0, 12)).join(', ') : 'no revision yet';
    return assess(
      'progressing',
      'waiting-for-revision',
      `${label} is at ${at}; waiting for ${rules.expectedRevision!.slice(0, 12)}`,
      facts(app, revisions),
    );
  }
  const errors = arrayAt<{ type?: string; message?: string }>(app, 'status.conditions').filter((c) => /Error$/.test(c.type ?? ''));
  if (errors.length && stringAt(app, 'status.sync.status') !== 'Synced') {
    return assess(
      'progressing',
      'argocd-error',
      `${label}: ${errors.map((c) => `${c.type}: ${c.message}`).join('; ')}`,
      facts(app, revisions),
    );
  }
  return atExpectedRevision(label, app, revisions);
}
